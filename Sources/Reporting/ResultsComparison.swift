import Foundation
import Experiments
import SimulationKernel
import Statistics
import Vocabulary

/// `coordbench compare BASELINE CURRENT`: per scenario × grid point × strategy × metric, is
/// the current result better, worse or the same as the baseline's?
///
/// Runs are matched by identity. Because a run's workload depends only on its identity
/// (common random numbers), matched runs are paired and the test is on their differences —
/// far sharper than comparing two independent samples. A verdict needs both evidence (the
/// p-value, Holm-corrected across every judged row, below `alpha`) and a practical change
/// (beyond the metric's threshold); descriptive metrics are shown but never judged.
public struct ResultsComparison: Sendable {
    /// How large a change must be to matter: relative to the baseline mean, or absolute.
    public enum Threshold: Sendable, Equatable, CustomStringConvertible {
        case relative(Double)
        case absolute(Double)

        /// `2%` (relative) or `0.01` (absolute); nil when not a non-negative finite number.
        public init?(_ text: String) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("%") {
                guard let v = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 0 else { return nil }
                self = .relative(v / 100)
            } else {
                guard let v = Double(trimmed), v.isFinite, v >= 0 else { return nil }
                self = .absolute(v)
            }
        }

        public var description: String {
            switch self {
            case .relative(let r): formatNumber((r * 100).rounded(toPlaces: 6)) + "%"
            case .absolute(let a): formatNumber(a)
            }
        }

        func exceeded(by test: TwoSampleComparison) -> Bool {
            switch self {
            case .relative(let r):
                if test.baselineMean == 0 { return test.difference != 0 }
                return abs(test.difference / test.baselineMean) > r
            case .absolute(let a):
                return abs(test.difference) > a
            }
        }
    }

    /// The paired test: Student's t on the differences (and McNemar's exact test for 0/1
    /// metrics), or Wilcoxon's signed-rank test.
    public enum Test: String, Sendable, CaseIterable { case t, wilcoxon }

    public struct Options: Sendable {
        public var threshold: Threshold = .relative(0.02)
        /// By metric name, or `family:metric`.
        public var metricThresholds: [String: Threshold] = [:]
        public var alpha = 0.05
        public var metrics: Set<String>?
        public var strategies: Set<String>?
        /// Compare even when some runs are on one side only (those cells are compared unpaired).
        public var allowUnmatched = false
        public var test: Test = .t

        public init() {}

        func threshold(family: String, metric: String) -> Threshold {
            metricThresholds[family + ":" + metric] ?? metricThresholds[metric] ?? threshold
        }
    }

    public enum Verdict: String, Sendable, Encodable {
        case regressed, improved, unchanged, descriptive, undefined
    }

    public struct Row: Sendable {
        public let scenario: String
        public let family: String
        public let point: String
        public let strategy: String
        public let metric: MetricDescriptor
        public let paired: Bool
        public let test: TwoSampleComparison
        /// The test's p-value before and after the Holm correction.
        public let p: Double
        public var adjustedP: Double = .nan
        public let threshold: Threshold
        public var verdict: Verdict = .undefined
    }

    public let baselineName: String
    public let currentName: String
    public let rows: [Row]
    /// How many runs paired up, of those in the compared cells.
    public let pairedRuns: Int
    public let baselineRuns: Int
    public let currentRuns: Int
    /// What differs between the two sides' inputs (files, versions, options, strategies).
    public let changes: [String]
    public let options: Options
    /// The confidence level of the intervals (the current results').
    public let confidence: Double

    public var regressed: Int { rows.filter { $0.verdict == .regressed }.count }
    public var improved: Int { rows.filter { $0.verdict == .improved }.count }
    public var unchanged: Int { rows.filter { $0.verdict == .unchanged }.count }

    /// Why two result sets cannot be compared (exit 3), said exactly.
    public struct Incomparable: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(baseline: ResultSet, current: ResultSet, baselineName: String, currentName: String,
                options: Options) throws(Incomparable) {
        self.baselineName = baselineName
        self.currentName = currentName
        self.options = options
        changes = ResultsComparison.changes(baseline.manifest, current.manifest)
        let b = baseline.manifest.content, c = current.manifest.content
        confidence = c.confidence

        // Families must mean the same on both sides.
        for family in Set(baseline.runs.map(\.family)).intersection(current.runs.map(\.family)).sorted() {
            let old = baseline.metrics(family: family), new = current.metrics(family: family)
            for metric in new {
                if let before = old.first(where: { $0.name == metric.name }), before.direction != metric.direction {
                    throw Incomparable(description: "metric \(family):\(metric.name) is '\(before.direction.rawValue)' is better "
                                       + "in \(baselineName) but '\(metric.direction.rawValue)' in \(currentName)")
                }
            }
        }
        func keep(_ run: RunRow) -> Bool { options.strategies.map { $0.contains(run.strategy) } ?? true }
        let oldRuns = baseline.runs.filter(keep), newRuns = current.runs.filter(keep)
        let oldByIdentity = Dictionary(oldRuns.map { ($0.identity, $0) }, uniquingKeysWith: { a, _ in a })
        let newIdentities = Set(newRuns.map(\.identity))
        let matched = newRuns.filter { oldByIdentity[$0.identity] != nil }.count
        let onlyBaseline = oldRuns.filter { !newIdentities.contains($0.identity) }
        let onlyCurrent = newRuns.filter { oldByIdentity[$0.identity] == nil }
        if !options.allowUnmatched {
            if matched == 0 && !oldRuns.isEmpty && !newRuns.isEmpty {
                var reason = "no run of \(currentName) has the identity of a run of \(baselineName)"
                if b.options.seed != c.options.seed {
                    reason += ": the base seeds differ (\(b.options.seed) in \(baselineName), \(c.options.seed) in "
                        + "\(currentName)), and runs with different seeds face different workloads; run both with the "
                        + "same --seed, or pass --allow-unmatched to compare them unpaired"
                }
                throw Incomparable(description: reason)
            }
            if !onlyBaseline.isEmpty || !onlyCurrent.isEmpty {
                func describe(_ runs: [RunRow], side: String) -> String? {
                    guard let first = runs.first else { return nil }
                    var cells: [String] = []
                    var seen: Set<String> = []
                    for run in runs {
                        let cell = "\(run.scenario) [\(run.pointLabel)] \(run.strategy)"
                        if seen.insert(cell).inserted { cells.append(cell) }
                    }
                    return "\(grouped(runs.count)) run\(runs.count == 1 ? "" : "s") only in \(side) (in "
                        + cells.prefix(3).joined(separator: "; ") + (cells.count > 3 ? "; and \(cells.count - 3) more" : "")
                        + "; the first: \(first.identity))"
                }
                throw Incomparable(description: [describe(onlyBaseline, side: baselineName),
                                                 describe(onlyCurrent, side: currentName)].compactMap { $0 }
                    .joined(separator: "; ") + "; compare results of the same plan, or pass --allow-unmatched")
            }
        }
        pairedRuns = matched
        baselineRuns = oldRuns.count
        currentRuns = newRuns.count

        // Cells: (scenario, point, strategy) on both sides, in the current side's order.
        struct Cell { var old: [RunRow] = []; var new: [RunRow] = [] }
        var order: [String] = []
        var cells: [String: Cell] = [:]
        func key(_ run: RunRow) -> String { run.scenario + "\u{1F}" + run.pointLabel + "\u{1F}" + run.strategy }
        for run in newRuns {
            let k = key(run)
            if cells[k] == nil { order.append(k) }
            cells[k, default: Cell()].new.append(run)
        }
        for run in oldRuns where cells[key(run)] != nil { cells[key(run)]!.old.append(run) }
        var rows: [Row] = []
        for k in order {
            let cell = cells[k]!
            guard let first = cell.new.first, !cell.old.isEmpty else { continue }
            guard cell.old[0].family == first.family else {
                throw Incomparable(description: "scenario \(first.scenario) is of family \(cell.old[0].family) in "
                                   + "\(baselineName) but \(first.family) in \(currentName)")
            }
            let oldMetrics = baseline.metrics(family: first.family)
            let byIdentity = Dictionary(cell.old.map { ($0.identity, $0) }, uniquingKeysWith: { a, _ in a })
            let paired = cell.new.count == cell.old.count && cell.new.allSatisfy { byIdentity[$0.identity] != nil }
            for (m, metric) in current.metrics(family: first.family).enumerated() {
                if let names = options.metrics, !names.contains(metric.name), !names.contains(first.family + ":" + metric.name) {
                    continue
                }
                guard let oldIndex = oldMetrics.firstIndex(where: { $0.name == metric.name }) else { continue }
                let test: TwoSampleComparison
                var p: Double
                if paired {
                    let old = cell.new.map { byIdentity[$0.identity]!.values[oldIndex] }
                    let new = cell.new.map { $0.values[m] }
                    test = TwoSampleComparison(pairedBaseline: old, current: new, confidence: c.confidence)
                    p = test.pValue
                    if metric.isBinary, let counts = ResultsComparison.discordant(old, new) {
                        p = PairedProportions.mcnemarExact(baselineOnly: counts.baselineOnly, currentOnly: counts.currentOnly)
                    } else if options.test == .wilcoxon {
                        p = WilcoxonSignedRank(pairedBaseline: old, current: new).pValue
                    }
                } else {
                    test = TwoSampleComparison(unpairedBaseline: cell.old.map { $0.values[oldIndex] },
                                               current: cell.new.map { $0.values[m] }, confidence: c.confidence)
                    p = test.pValue
                }
                rows.append(Row(scenario: first.scenario, family: first.family, point: first.pointLabel,
                                strategy: first.strategy, metric: metric, paired: paired, test: test, p: p,
                                threshold: options.threshold(family: first.family, metric: metric.name)))
            }
        }
        // Holm across every judged row; descriptive metrics are not judged and not counted.
        let judged = rows.indices.filter { rows[$0].metric.direction != .neutral }
        let adjusted = MultipleComparisons.holm(judged.map { rows[$0].p })
        for (i, p) in zip(judged, adjusted) { rows[i].adjustedP = p }
        for i in rows.indices {
            let row = rows[i]
            if row.metric.direction == .neutral {
                rows[i].verdict = .descriptive
            } else if row.adjustedP.isNaN || row.test.difference.isNaN {
                rows[i].verdict = .undefined
            } else if row.adjustedP < options.alpha && row.threshold.exceeded(by: row.test) {
                let better = row.metric.direction.prefers(row.test.currentMean, over: row.test.baselineMean)
                rows[i].verdict = better ? .improved : .regressed
            } else {
                rows[i].verdict = .unchanged
            }
        }
        self.rows = rows
    }

    /// For paired 0/1 values: the pairs where only the baseline, or only the current, is 1;
    /// nil when some value is not 0 or 1.
    static func discordant(_ old: [Double], _ new: [Double]) -> (baselineOnly: Int, currentOnly: Int)? {
        var b = 0, c = 0
        for (x, y) in zip(old, new) where !x.isNaN && !y.isNaN {
            guard (x == 0 || x == 1) && (y == 0 || y == 1) else { return nil }
            if x == 1 && y == 0 { b += 1 }
            if x == 0 && y == 1 { c += 1 }
        }
        return (b, c)
    }

    /// What differs between two manifests' contents, one line each.
    static func changes(_ old: Manifest, _ new: Manifest) -> [String] {
        let b = old.content, c = new.content
        var lines: [String] = []
        if b.version != c.version { lines.append("coordbench version: \(b.version) → \(c.version)") }
        if b.suite.sha256 != c.suite.sha256 {
            lines.append("suite \(c.suite.file): SHA-256 \(b.suite.sha256.prefix(12))… → \(c.suite.sha256.prefix(12))…")
        }
        for scenario in c.scenarios {
            if let before = b.scenarios.first(where: { $0.name == scenario.name }) {
                if before.sha256 != scenario.sha256 {
                    lines.append("scenario \(scenario.path): SHA-256 \(before.sha256.prefix(12))… → \(scenario.sha256.prefix(12))…")
                }
            } else {
                lines.append("scenario \(scenario.name) (\(scenario.path)): only in the current results")
            }
        }
        for scenario in b.scenarios where !c.scenarios.contains(where: { $0.name == scenario.name }) {
            lines.append("scenario \(scenario.name) (\(scenario.path)): only in the baseline results")
        }
        if b.options != c.options {
            func text(_ o: Manifest.Options) -> String {
                "seed \(o.seed)" + (o.replications.map { ", --replications \($0)" } ?? "")
                    + (o.runTimeout.map { ", --run-timeout \(formatNumber($0))" } ?? "")
            }
            lines.append("options: \(text(b.options)) → \(text(c.options))")
        }
        if b.confidence != c.confidence {
            lines.append("confidence: \(formatNumber(b.confidence)) → \(formatNumber(c.confidence))")
        }
        for entry in c.entries {
            guard let before = b.entries.first(where: { $0.scenario == entry.scenario }) else { continue }
            if before.replications != entry.replications {
                lines.append("\(entry.scenario): \(before.replications) → \(entry.replications) replications")
            }
            for strategy in entry.strategies {
                guard let was = before.strategies.first(where: { $0.label == strategy.label }) else { continue }
                if was.name != strategy.name || was.parameters != strategy.parameters {
                    func text(_ s: Manifest.StrategyRecord) -> String {
                        s.name + (s.parameters.isEmpty ? "" : "(" + s.parameters.sorted { $0.key < $1.key }
                            .map { "\($0.key)=\(formatNumber($0.value))" }.joined(separator: ", ") + ")")
                    }
                    lines.append("\(entry.scenario): strategy \(strategy.label): \(text(was)) → \(text(strategy))")
                }
            }
        }
        return lines
    }
}
