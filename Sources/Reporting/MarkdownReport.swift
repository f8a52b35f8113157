import Foundation
import Experiments
import SimulationKernel
import Statistics
import Vocabulary

/// `report.md`: per scenario (and grid point), strategies × key metrics as mean and interval
/// with the best mean in bold, then either every strategy against the suite's baseline
/// strategy (paired, Holm-corrected across the table) or the best against the runner-up.
/// Renders on GitHub; a legend and the metrics' definitions make it readable on its own.
public enum MarkdownReport {
    /// Differences with a (corrected) paired p-value below this are called significant.
    public static let significanceLevel = 0.05

    public static func render(_ groups: [ComparisonGroup], manifest: Manifest) -> String {
        var builder = Builder(manifest: manifest, chartNames: CostQualityFrontier.fileNames(groups))
        var body = ""
        for group in groups { builder.add(group) { body += "\n" + $0 } }
        builder.finish { body += "\n" + $0 }
        return builder.header(manifest) + body + "\n"
    }

    /// `report.md` a comparison group at a time, in plan order, holding only what later parts
    /// need (the legend's and definitions' lines, and the means of the current scenario's grid
    /// points for its overview) — so a suite of any size is reported in bounded memory. The
    /// groups' sections are emitted line by line as they are added; the header, which names
    /// the content hash, comes last and goes first:
    /// `header(manifest) + every emitted line, each after a "\n" + "\n"`.
    public struct Builder: Sendable {
        /// Chart file names by group index (nil: the group has no chart), from `fileNames`.
        let chartNames: [String?]
        let scenarioFolder: String
        var index = 0
        var anyBaseline = false
        var definitions = ["| metric | family | unit | better | definition |", "|---|---|---|:-:|---|"]
        var defined: Set<String> = []
        /// The grid points of the scenario being reported so far.
        var points: [OverviewPoint] = []

        public init(manifest: Manifest, chartNames: [String?]) {
            self.chartNames = chartNames
            self.scenarioFolder = (manifest.location.suite as NSString).deletingLastPathComponent
        }

        /// Emits the section of the next group (and, when it starts another scenario, the grid
        /// overview of the previous one).
        public mutating func add(_ group: ComparisonGroup, emit: (String) -> Void) {
            if let last = points.last, last.scenario != group.scenario.name { finish(emit: emit) }
            if group.baseline != nil { anyBaseline = true }
            for m in group.keyMetrics {
                let metric = group.metrics[m]
                guard defined.insert(group.scenario.family + ":" + metric.name).inserted else { continue }
                definitions.append("| \(metric.name) | \(group.scenario.family) | \(metric.unit) | \(metric.direction.arrow) | "
                                   + metric.summary.replacingOccurrences(of: "|", with: "\\|")
                                   + (metric.isBinary ? " (0/1 per run)" : "") + " |")
            }
            for line in MarkdownReport.section(group, chart: index < chartNames.count ? chartNames[index] : nil,
                                               scenarioFolder: scenarioFolder) {
                emit(line)
            }
            points.append(OverviewPoint(group))
            index += 1
        }

        /// Emits what is still due after the last group: its scenario's grid overview.
        public mutating func finish(emit: (String) -> Void) {
            if points.count > 1 { for line in MarkdownReport.gridOverview(points) { emit(line) } }
            points = []
        }

        /// The lines before the first group, joined (no final line break): title, suite line
        /// (with the manifest's content hash), legend and the shown metrics' definitions.
        public func header(_ manifest: Manifest) -> String {
            let content = manifest.content
            let percent = formatNumber((content.confidence * 100).rounded(toPlaces: 1))
            var lines: [String] = []
            lines.append("# coordbench report: \(content.suite.name)")
            lines.append("")
            if !content.suite.description.isEmpty { lines.append(content.suite.description); lines.append("") }
            let reps = Set(content.entries.map(\.replications)).sorted().map(String.init).joined(separator: "/")
            lines.append("Suite [\(content.suite.file)](\(manifest.location.suite)) · base seed \(content.options.seed) · "
                         + "\(reps) replications per strategy · \(grouped(content.runs)) runs · coordbench \(content.version) · "
                         + "content SHA-256 `\(manifest.contentSha256.prefix(12))…` (manifest.json)")
            lines.append("")
            lines += legend(anyBaseline: anyBaseline, percent: percent)
            lines += ["<details><summary>Metrics shown (definitions and units)</summary>", ""] + definitions + ["", "</details>"]
            return lines.joined(separator: "\n")
        }
    }

    /// A group's part of the report: heading, table, comparisons, frontier, unfinished runs and
    /// detail blocks. `chart` is its chart's file name, if it has one.
    static func section(_ group: ComparisonGroup, chart: String?, scenarioFolder: String) -> [String] {
        var lines: [String] = []
        lines.append("")
        var title = "## \(group.scenario.name)"
        if !group.point.isEmpty { title += " — " + group.point.map { "\($0.key) = \($0.value)" }.joined(separator: ", ") }
        lines.append(title)
        lines.append("")
        let link = scenarioFolder.isEmpty ? group.scenario.path : scenarioFolder + "/" + group.scenario.path
        var about = "Family `\(group.scenario.family)` · [\(group.scenario.path)](\(link))"
        if !group.scenario.description.isEmpty { about += " · " + group.scenario.description }
        lines.append(about)
        lines.append("")
        lines += table(group)
        lines.append("")
        lines += group.baseline != nil ? baselineComparisons(group) : pairedComparisons(group)
        if let frontier = CostQualityFrontier(group) {
            lines += ["", "Cost–quality frontier (means; a strategy is on it when no other is at least as good "
                      + "on both and better on one):", ""]
            lines += frontier.table()
            lines += ["", "![cost–quality frontier of \(group.scenario.name)](\(chart!))"]
        }
        if !group.unfinished.isEmpty {
            lines.append("")
            let notes = group.unfinished.map { "\($0.strategy): \($0.count) stopped at \($0.reason.rawValue)" }
            lines.append("⚠ Runs that did not finish their work (metrics cover the time until the stop): "
                         + notes.joined(separator: "; ") + ".")
        }
        lines += details(group)
        return lines
    }

    /// What the symbols and tests mean, in a few lines.
    static func legend(anyBaseline: Bool, percent: String) -> [String] {
        let alpha = formatNumber(significanceLevel)
        var lines = ["**How to read this report.** Cells are the mean over replications ± the half-width of its "
                     + "\(percent) % t-interval; for a 0/1 metric (each run scores 0 or 1) the mean is a proportion "
                     + "shown with its \(percent) % Wilson interval [low, high]. ↑ higher is better, ↓ lower is better, "
                     + "· descriptive (never ranked); the best mean of each column is in **bold**. Every strategy of a "
                     + "replication faces the same workload (common random numbers), so strategies are compared run by "
                     + "run: Δ is the mean paired difference with its \(percent) % t-interval, Δ% the relative change "
                     + "(ratio of means − 1, delta-method interval), p the two-sided paired t-test."]
        if anyBaseline {
            lines[0] += " Against a baseline, p is Holm-corrected across each table; ▲ better, ▼ worse (p < \(alpha)), "
                + "~ no difference beyond noise."
        } else {
            lines[0] += " A difference is significant when p < \(alpha)."
        }
        return lines + [""]
    }

    static func keyMetrics(_ group: ComparisonGroup) -> [Int] { group.keyMetrics }

    static func table(_ group: ComparisonGroup) -> [String] {
        let keys = keyMetrics(group)
        var header = "| strategy |"
        var rule = "|---|"
        for m in keys {
            let metric = group.metrics[m]
            header += " \(metric.name) \(metric.direction.arrow) (\(metric.unit)) |"
            rule += "---:|"
        }
        var lines = [header, rule]
        let bold = keys.map { group.best(metric: $0) }
        for (s, strategy) in group.strategies.enumerated() {
            var row = "| \(strategy) |"
            for (k, m) in keys.enumerated() {
                var cell = formatInterval(group.interval(strategy: s, metric: m))
                if bold[k].contains(s) { cell = "**\(cell)**" }
                row += " \(cell) |"
            }
            lines.append(row)
        }
        return lines
    }

    /// What the grid overview needs of a group: its point, strategies and key metrics, and per
    /// key metric each strategy's mean and which are best.
    struct OverviewPoint: Sendable {
        let scenario: String
        let point: [(key: String, value: String)]
        let strategies: [String]
        let metrics: [MetricDescriptor]
        let keyMetrics: [Int]
        /// By key metric (in `keyMetrics` order): each strategy's mean, and the best strategies.
        let means: [[Double]]
        let best: [Set<Int>]

        init(_ group: ComparisonGroup) {
            scenario = group.scenario.name
            point = group.point
            strategies = group.strategies
            metrics = group.metrics
            keyMetrics = MarkdownReport.keyMetrics(group)
            means = keyMetrics.map { m in group.strategies.indices.map { group.summary(strategy: $0, metric: m).mean } }
            best = keyMetrics.map { group.best(metric: $0) }
        }
    }

    /// One table per key metric: grid points × strategies, means only, the best of each row
    /// in bold — how the comparison changes across the grid (loads, tactic populations…).
    static func gridOverview(_ points: [OverviewPoint]) -> [String] {
        let first = points[0]
        var lines = ["", "### \(first.scenario) across the grid", "",
                     "Means per grid point; the best strategy of each row in bold."]
        for (k, m) in first.keyMetrics.enumerated() {
            let metric = first.metrics[m]
            lines += ["", "**\(metric.name)** \(metric.direction.arrow) (\(metric.unit))", "",
                      "| grid point | " + first.strategies.joined(separator: " | ") + " |",
                      "|---|" + String(repeating: "---:|", count: first.strategies.count)]
            for point in points {
                let cells = point.strategies.indices.map { s -> String in
                    let text = format(point.means[k][s])
                    return point.best[k].contains(s) ? "**\(text)**" : text
                }
                let label = point.point.map { "\($0.key) = \($0.value)" }.joined(separator: ", ")
                lines.append("| \(label) | " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines
    }

    /// Every strategy against the baseline on each key metric: Δ = strategy − baseline.
    static func baselineComparisons(_ group: ComparisonGroup) -> [String] {
        guard let base = group.baseline, group.strategies.count >= 2 else { return [] }
        var rows: [(strategy: Int, metric: Int, test: TwoSampleComparison)] = []
        for s in group.strategies.indices where s != base {
            for m in keyMetrics(group) where group.metrics[m].direction != .neutral {
                rows.append((s, m, TwoSampleComparison(pairedBaseline: group.values[base][m], current: group.values[s][m],
                                                       confidence: group.confidence)))
            }
        }
        guard !rows.isEmpty else { return [] }
        let adjusted = MultipleComparisons.holm(rows.map(\.test.pValue))
        var lines = ["Against the baseline **\(group.strategies[base])** (Δ = strategy − baseline, paired; p Holm-corrected "
                     + "over the \(rows.count) comparisons of this table):", "",
                     "| strategy | metric | Δ | Δ% | effect d | p (Holm) | |", "|---|---|---:|---:|---:|---:|:-:|"]
        for (row, p) in zip(rows, adjusted) {
            let metric = group.metrics[row.metric]
            let t = row.test
            var mark = "~"
            if !p.isNaN && p < significanceLevel && t.difference != 0 {
                let better = metric.direction == .higherIsBetter ? t.difference > 0 : t.difference < 0
                mark = better ? "▲" : "▼"
            }
            lines.append("| \(group.strategies[row.strategy]) | \(metric.name) \(metric.direction.arrow) | "
                         + "\(format(t.difference, halfWidth: (t.differenceUpper - t.differenceLower) / 2)) | "
                         + "\(formatRelative(t)) | \(formatEffect(t.effectSize)) | \(formatP(p)) | \(mark) |")
        }
        return lines
    }

    static func pairedComparisons(_ group: ComparisonGroup) -> [String] {
        guard group.strategies.count >= 2 else { return [] }
        var lines = ["| metric | best | runner-up | Δ (best − runner-up) | Δ% | p (paired) | significant |",
                     "|---|---|---|---:|---:|---:|:---:|"]
        var tiedEverywhere: [String] = []
        for m in keyMetrics(group) {
            let ranking = group.ranking(metric: m)
            guard ranking.count >= 2 else { continue }
            if ranking.allSatisfy(\.tiesBest) {
                tiedEverywhere.append(group.metrics[m].name)
                continue
            }
            // The best (with any strategies tied with it) against the best of the rest.
            let best = ranking[0].strategy
            let tied = ranking.filter(\.tiesBest).map { group.strategies[$0.strategy] }
            let second = ranking.first { !$0.tiesBest }!.strategy
            let test = TwoSampleComparison(pairedBaseline: group.values[second][m], current: group.values[best][m],
                                           confidence: group.confidence)
            let diff = format(test.difference, halfWidth: (test.differenceUpper - test.differenceLower) / 2)
            let significant = test.pValue.isNaN ? "–" : (test.pValue < significanceLevel ? "yes" : "no")
            let bestLabel = tied.count > 1 ? tied.joined(separator: " = ") : tied[0]
            lines.append("| \(group.metrics[m].name) | \(bestLabel) | \(group.strategies[second]) | "
                         + "\(diff) | \(formatRelative(test)) | \(formatP(test.pValue)) | \(significant) |")
        }
        if !tiedEverywhere.isEmpty {
            lines.append("")
            lines.append("All strategies tie on " + tiedEverywhere.joined(separator: ", ") + ".")
        }
        return lines
    }

    /// `mean ± half-width`: the half-width to two significant digits and the mean to the
    /// same decimal place; four significant digits when there is no interval.
    static func formatInterval(_ summary: Summary) -> String {
        format(summary.mean, halfWidth: summary.halfWidth)
    }

    /// A t-interval as `mean ± half-width`; a Wilson interval as `mean [low, high]`, to the
    /// decimals of a two-significant-digit width.
    static func formatInterval(_ interval: MeanInterval) -> String {
        guard interval.method == .wilson, !interval.summary.mean.isNaN else { return formatInterval(interval.summary) }
        let width = interval.upper - interval.lower
        let decimals = width > 0 ? min(4, max(0, 1 - Int(floor(log10(width))))) : 2
        let spec = "%.\(decimals)f"
        return Printf.format(spec, interval.summary.mean) + " [" + Printf.format(spec, interval.lower) + ", "
            + Printf.format(spec, interval.upper) + "]"
    }

    /// The relative change with its interval, in percent: `+3.1 % [1.2, 5.0]`; `–` when the
    /// reference mean is 0.
    static func formatRelative(_ test: TwoSampleComparison) -> String {
        formatPercent(test.relativeChange, lower: test.relativeLower, upper: test.relativeUpper)
    }

    static func formatPercent(_ value: Double, lower: Double, upper: Double) -> String {
        guard value.isFinite else { return "–" }
        func pct(_ x: Double) -> String {
            let v = x * 100
            if v.isInfinite { return v > 0 ? "+∞" : "-∞" }
            let text = Printf.format(abs(v) >= 100 ? "%.0f" : abs(v) >= 10 ? "%.1f" : "%.2f", v)
            return v > 0 ? "+" + text : text
        }
        guard lower.isFinite && upper.isFinite else { return pct(value) + " %" }
        return "\(pct(value)) % [\(pct(lower)), \(pct(upper))]"
    }

    /// A standardised effect (Cohen's d_z of the paired differences) to two decimals.
    static func formatEffect(_ d: Double) -> String {
        d.isFinite ? Printf.format("%.2f", d) : "–"
    }

    static func format(_ value: Double, halfWidth: Double) -> String {
        if value.isNaN { return "–" }
        guard !halfWidth.isNaN else { return format(value) }
        guard halfWidth > 0 else { return format(value) + " ± 0" }
        // Values near the largest double overflow the variance: no digits to round to.
        guard halfWidth.isFinite else { return format(value) + " ± ∞" }
        let decimals = max(0, 1 - Int(floor(log10(halfWidth))))
        if decimals > 6 || abs(value) >= 1e6 { return format(value) + " ± " + Printf.format("%.1e", halfWidth) }
        let spec = "%.\(decimals)f"
        return Printf.format(spec, value) + " ± " + Printf.format(spec, halfWidth)
    }

    /// Four significant digits, no exponent for ordinary magnitudes.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "–" }
        if value == 0 { return "0" }
        if value.isInfinite { return value > 0 ? "∞" : "-∞" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-3 { return Printf.format("%.3e", value) }
        let digits = max(0, 3 - Int(floor(log10(magnitude))))
        return Printf.format("%.\(digits)f", value)
    }

    static func formatP(_ p: Double) -> String {
        if p.isNaN { return "–" }
        if p < 0.0001 { return "< 0.0001" }
        return Printf.format("%.4f", p)
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
