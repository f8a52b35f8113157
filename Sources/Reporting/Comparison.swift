import Experiments
import SimulationKernel
import Statistics
import Vocabulary

/// The runs of one scenario at one grid point, arranged for comparison: for each strategy
/// and metric, the values in replication order (so strategies can be paired).
public struct ComparisonGroup: Sendable {
    public let scenario: Manifest.ScenarioRecord
    public let point: [(key: String, value: String)]
    public let strategies: [String]
    public let metrics: [MetricDescriptor]
    /// The metrics the report shows and compares (indices into `metrics`).
    public let keyMetrics: [Int]
    /// The strategy every other is compared against, if the suite names one.
    public let baseline: Int?
    /// The (quality ↑, cost ↓) metrics whose frontier the report draws, if the family has one.
    public let frontier: (quality: String, cost: String)?
    /// values[strategy][metric][replication]
    public let values: [[[Double]]]
    /// intervals[strategy][metric]: each mean with its interval, computed once.
    let intervals: [[MeanInterval]]
    /// Runs that stopped for another reason than `drained`, per strategy and reason.
    public let unfinished: [(strategy: String, reason: StopReason, count: Int)]
    public let confidence: Double
    /// The family's detail tables that some run of the group has rows for, summarised.
    public var details: [DetailSummary] = []

    /// `key=value;…` of the grid point (`default` without one), as the files label it.
    public let pointLabel: String

    init(scenario: Manifest.ScenarioRecord, point: [(key: String, value: String)], strategies: [String],
         metrics: [MetricDescriptor], keyMetrics: [Int], baseline: Int?, frontier: (quality: String, cost: String)?,
         values: [[[Double]]], unfinished: [(strategy: String, reason: StopReason, count: Int)], confidence: Double,
         details: [DetailSummary] = []) {
        self.scenario = scenario
        self.point = point
        pointLabel = RunRow.pointLabel(point)
        self.strategies = strategies
        self.metrics = metrics
        self.keyMetrics = keyMetrics
        self.baseline = baseline
        self.frontier = frontier
        self.values = values
        self.unfinished = unfinished
        self.confidence = confidence
        self.details = details
        intervals = values.map { strategy in
            strategy.indices.map { MeanInterval(strategy[$0], binary: metrics[$0].isBinary, confidence: confidence) }
        }
    }

    public func summary(strategy s: Int, metric m: Int) -> Summary { intervals[s][m].summary }

    /// The interval shown for a strategy's mean: Wilson's for a 0/1 metric, else the t-interval.
    public func interval(strategy s: Int, metric m: Int) -> MeanInterval { intervals[s][m] }

    /// Groups a result set's runs (in plan order) by scenario and grid point, keeping
    /// first-seen order; strategies in the order the plan lists them.
    public static func groups(_ results: ResultSet) -> [ComparisonGroup] {
        var keys: [String] = []
        var byKey: [String: [RunRow]] = [:]
        for run in results.runs {
            let key = run.scenario + "\u{1F}" + run.pointLabel
            if byKey[key] == nil { keys.append(key) }
            byKey[key, default: []].append(run)
        }
        return keys.map { key in
            let group = byKey[key]!
            var builder = Builder(group[0], content: results.manifest.content)
            var strategies: [String] = []
            for r in group where !strategies.contains(r.strategy) { strategies.append(r.strategy) }
            for label in strategies {
                for run in group.filter({ $0.strategy == label }).sorted(by: { $0.replication < $1.replication }) {
                    builder.add(run)
                }
            }
            return builder.group()
        }
    }

    /// One comparison group built run by run: each strategy's runs must come in replication
    /// order (plan order gives it); strategies are numbered in the order they first come. Holds
    /// per run only its metric values (8 bytes each) — a group's detail rows are summed as they
    /// come — so the memory of a group is what its values take (twice that while `group()`
    /// arranges them by metric).
    public struct Builder: Sendable {
        let scenario: Manifest.ScenarioRecord
        public let point: [(key: String, value: String)]
        let metrics: [MetricDescriptor]
        let keyNames: [String]
        let baseline: String?
        let frontier: (quality: String, cost: String)?
        let confidence: Double
        var strategies: [String] = []
        /// Per strategy, its runs' metric values one run after another (`metrics.count` each):
        /// one append per run here, arranged by metric when the group is built.
        var values: [[Double]] = []
        /// Per strategy, how many of its runs stopped for each reason (`StopReason.allCases` order).
        var stops: [[Int]] = []
        var details: [DetailSummary.Accumulator]
        /// The position of each of the group's detail tables among its family's tables.
        let positions: [Int]

        /// A group for the scenario and grid point of `first` (its first run, not yet added).
        public init(_ first: RunRow, content: Manifest.Content) {
            let entry = content.entries.first { $0.scenario == first.scenario }
            scenario = content.scenarios.first { $0.name == first.scenario }
                ?? Manifest.ScenarioRecord(name: first.scenario, family: first.family, description: "", path: "",
                                           sha256: "", bytes: 0)
            point = first.point
            let family = content.families.first { $0.name == first.family }
            metrics = family?.metrics.compactMap(\.descriptor) ?? []
            keyNames = entry?.keyMetrics ?? metrics.filter(\.isKey).map(\.name)
            baseline = entry?.baseline
            frontier = family?.frontier.flatMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
            confidence = content.confidence
            let tables = content.detailTables(family: first.family)
            details = tables.map { DetailSummary.Accumulator(table: $0) }
            positions = Array(tables.indices)
        }

        /// Adds the group's next run (see the type's order requirement).
        public mutating func add(_ run: RunRow) {
            var s = strategies.firstIndex(of: run.strategy) ?? -1
            if s < 0 {
                s = strategies.count
                strategies.append(run.strategy)
                values.append([])
                stops.append(Array(repeating: 0, count: StopReason.allCases.count))
            }
            values[s].append(contentsOf: run.values.prefix(metrics.count))
            if run.values.count < metrics.count {
                values[s].append(contentsOf: repeatElement(.nan, count: metrics.count - run.values.count))
            }
            stops[s][StopReason.allCases.firstIndex(of: run.stopReason)!] += 1
            for t in details.indices { details[t].add(strategy: s, rows: run.detailRows(positions[t])) }
        }

        /// The group of the runs added.
        public func group() -> ComparisonGroup {
            var unfinished: [(String, StopReason, Int)] = []
            for (s, label) in strategies.enumerated() {
                for (r, reason) in StopReason.allCases.enumerated() where reason != .drained && stops[s][r] > 0 {
                    unfinished.append((label, reason, stops[s][r]))
                }
            }
            return ComparisonGroup(
                scenario: scenario, point: point, strategies: strategies, metrics: metrics,
                keyMetrics: metrics.indices.filter { keyNames.contains(metrics[$0].name) },
                baseline: baseline.flatMap { strategies.firstIndex(of: $0) },
                frontier: frontier,
                values: values.map { runs in
                    metrics.indices.map { m in stride(from: m, to: runs.count, by: max(metrics.count, 1)).map { runs[$0] } }
                },
                unfinished: unfinished, confidence: confidence,
                details: details.compactMap { $0.summary(strategies: strategies.count) })
        }
    }

    /// Strategies by mean on metric `m`, best first, each with whether it ties the best
    /// (means equal up to rounding: relative difference ≤ 1e-9). Undefined means are left
    /// out; ties keep the listed order.
    public func ranking(metric m: Int) -> [(strategy: Int, tiesBest: Bool)] {
        guard metrics[m].direction != .neutral else { return [] }
        let means = strategies.indices.map { summary(strategy: $0, metric: m).mean }
        let order = strategies.indices.filter { !means[$0].isNaN }.sorted { a, b in
            if ComparisonGroup.same(means[a], means[b]) { return a < b }
            return metrics[m].direction.prefers(means[a], over: means[b])
        }
        guard let best = order.first else { return [] }
        return order.map { ($0, ComparisonGroup.same(means[$0], means[best])) }
    }

    /// The strategies whose mean on metric `m` is best (several when tied), or none when every
    /// strategy ties — a column where nobody stands out has nothing to mark.
    public func best(metric m: Int) -> Set<Int> {
        let tied = Set(ranking(metric: m).filter(\.tiesBest).map(\.strategy))
        return tied.count == strategies.count ? [] : tied
    }

    /// Equal up to floating-point rounding of sums taken in different orders.
    static func same(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    }
}

/// A mean with its interval: the t-interval, or Wilson's score interval when every value is
/// 0 or 1 and the metric is declared binary (it stays inside [0, 1]).
public struct MeanInterval: Sendable {
    public enum Method: String, Sendable { case t, wilson }
    public let summary: Summary
    public let method: Method
    public let lower: Double
    public let upper: Double

    public init(_ values: [Double], binary: Bool, confidence: Double) {
        summary = Summary(values, confidence: confidence)
        let data = values.filter { !$0.isNaN }
        if binary && !data.isEmpty && data.allSatisfy({ $0 == 0 || $0 == 1 }) {
            method = .wilson
            let interval = ProportionInterval.wilson(successes: data.filter { $0 == 1 }.count, n: data.count,
                                                     confidence: confidence)
            (lower, upper) = (interval.lower, interval.upper)
        } else {
            method = .t
            (lower, upper) = (summary.lower, summary.upper)
        }
    }
}
