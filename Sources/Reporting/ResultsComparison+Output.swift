import Foundation
import Experiments
import SimulationKernel
import Statistics
import Vocabulary

extension ResultsComparison {
    /// The summary line: `3 regressed, 1 improved, 140 unchanged`.
    public var summaryLine: String {
        let descriptive = rows.filter { $0.verdict == .descriptive }.count
        let undefined = rows.filter { $0.verdict == .undefined }.count
        var parts = ["\(grouped(regressed)) regressed", "\(grouped(improved)) improved", "\(grouped(unchanged)) unchanged"]
        if descriptive > 0 { parts.append("\(grouped(descriptive)) descriptive (not judged)") }
        if undefined > 0 { parts.append("\(grouped(undefined)) undefined") }
        return parts.joined(separator: ", ")
    }

    static func mark(_ verdict: Verdict) -> String {
        switch verdict {
        case .regressed: "❌ regressed"
        case .improved: "✅ improved"
        case .unchanged: "~"
        case .descriptive: "·"
        case .undefined: "–"
        }
    }

    /// Markdown for a terminal or a GitHub job summary: what was compared, what changed in the
    /// inputs, a table of the rows with a verdict (every row with `all`), and the summary line.
    public func markdown(all: Bool = false) -> String {
        let alpha = formatNumber(options.alpha)
        var lines = ["## coordbench compare: \(baselineName) → \(currentName)", ""]
        let pairing = pairedRuns == currentRuns && pairedRuns == baselineRuns
            ? "all \(grouped(pairedRuns)) runs paired run by run (same identities, same workloads)"
            : "\(grouped(pairedRuns)) runs paired of \(grouped(baselineRuns)) in the baseline and \(grouped(currentRuns)) "
                + "in the current results; cells where not every run pairs are compared unpaired (Welch)"
        let thresholds = ([options.threshold.description + " for every metric"]
            + options.metricThresholds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }).joined(separator: ", ")
        let judged = rows.filter { $0.verdict != .descriptive }.count
        lines.append("Compared \(grouped(rows.count)) metric rows (scenario × grid point × strategy × metric); \(pairing). "
                     + "A row is **regressed** or **improved** when its \(testName) p-value, Holm-corrected across the "
                     + "\(grouped(judged)) judged rows, is below \(alpha) **and** the change exceeds its threshold "
                     + "(\(thresholds)); ~ is no change beyond noise and threshold, · a descriptive metric (never judged).")
        lines.append("")
        if !changes.isEmpty {
            lines.append("What changed in the inputs:")
            lines.append("")
            for change in changes { lines.append("- \(change)") }
            lines.append("")
        }
        let shown = rows.filter { all || $0.verdict == .regressed || $0.verdict == .improved }
            .sorted { Self.rank($0.verdict) < Self.rank($1.verdict) }
        if shown.isEmpty {
            lines.append(rows.isEmpty ? "Nothing to compare." : "No metric changed beyond noise and threshold.")
        } else {
            lines.append("| scenario | point | strategy | metric | baseline | current | Δ ± \(percent) % CI | Δ% [\(percent) % CI] "
                         + "| p (Holm) | |")
            lines.append("|---|---|---|---|---:|---:|---:|---:|---:|:--|")
            for row in shown {
                let t = row.test
                let difference = (t.difference > 0 ? "+" : "")
                    + MarkdownReport.format(t.difference, halfWidth: (t.differenceUpper - t.differenceLower) / 2)
                let change = MarkdownReport.formatPercent(t.relativeChange, lower: t.relativeLower, upper: t.relativeUpper)
                let p = row.verdict == .descriptive ? MarkdownReport.formatP(row.p) + " (raw)" : MarkdownReport.formatP(row.adjustedP)
                lines.append("| \(row.scenario) | \(row.point) | \(row.strategy)\(row.paired ? "" : " (unpaired)") | "
                             + "\(row.metric.name) \(row.metric.direction.arrow) | \(MarkdownReport.format(t.baselineMean)) | "
                             + "\(MarkdownReport.format(t.currentMean)) | \(difference) | \(change) | \(p) | \(Self.mark(row.verdict)) |")
            }
        }
        lines.append("")
        lines.append("**\(summaryLine)**")
        lines.append("")
        return lines.joined(separator: "\n")
    }

    var percent: String { formatNumber((confidence * 100).rounded(toPlaces: 1)) }

    var testName: String {
        options.test == .wilcoxon ? "paired Wilcoxon signed-rank (McNemar's exact test for 0/1 metrics)"
            : "paired t-test (McNemar's exact test for 0/1 metrics)"
    }

    static func rank(_ verdict: Verdict) -> Int {
        switch verdict {
        case .regressed: 0
        case .improved: 1
        case .unchanged: 2
        case .undefined: 3
        case .descriptive: 4
        }
    }

    /// Every row and the summary, for machines (`--json FILE`). Undefined numbers are `null`.
    public func json() throws -> String {
        struct RowJSON: Encodable {
            let scenario, family, point, strategy, metric, unit, direction: String
            let paired: Bool
            let nBaseline, nCurrent: Int
            let baselineMean, currentMean, difference, differenceLow, differenceHigh: Double?
            let relativeChange, relativeLow, relativeHigh, effectSize, p, pHolm: Double?
            let threshold: String
            let verdict: ResultsComparison.Verdict
        }
        struct Document: Encodable {
            let format, baseline, current, test: String
            let alpha: Double
            let threshold: String
            let pairedRuns, baselineRuns, currentRuns: Int
            let regressed, improved, unchanged: Int
            let changes: [String]
            let rows: [RowJSON]
        }
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        let document = Document(
            format: "coordbench-compare/1", baseline: baselineName, current: currentName, test: options.test.rawValue,
            alpha: options.alpha, threshold: options.threshold.description, pairedRuns: pairedRuns,
            baselineRuns: baselineRuns, currentRuns: currentRuns, regressed: regressed, improved: improved,
            unchanged: unchanged, changes: changes,
            rows: rows.map { row in
                let t = row.test
                return RowJSON(scenario: row.scenario, family: row.family, point: row.point, strategy: row.strategy,
                               metric: row.metric.name, unit: row.metric.unit, direction: row.metric.direction.rawValue,
                               paired: row.paired, nBaseline: t.nBaseline, nCurrent: t.nCurrent,
                               baselineMean: finite(t.baselineMean), currentMean: finite(t.currentMean),
                               difference: finite(t.difference), differenceLow: finite(t.differenceLower),
                               differenceHigh: finite(t.differenceUpper), relativeChange: finite(t.relativeChange),
                               relativeLow: finite(t.relativeLower), relativeHigh: finite(t.relativeUpper),
                               effectSize: finite(t.effectSize), p: finite(row.p), pHolm: finite(row.adjustedP),
                               threshold: row.threshold.description, verdict: row.verdict)
            })
        return String(decoding: try Manifest.encoder(pretty: true).encode(document), as: UTF8.self) + "\n"
    }
}
