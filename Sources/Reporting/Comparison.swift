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
    /// Runs that stopped for another reason than `drained`, per strategy and reason.
    public let unfinished: [(strategy: String, reason: StopReason, count: Int)]
    public let confidence: Double
    /// The family's detail tables that some run of the group has rows for, summarised.
    public var details: [DetailSummary] = []

    public var pointLabel: String { RunRow.pointLabel(point) }

    public func summary(strategy s: Int, metric m: Int) -> Summary {
        Summary(values[s][m], confidence: confidence)
    }

    /// The interval shown for a strategy's mean: Wilson's for a 0/1 metric, else the t-interval.
    public func interval(strategy s: Int, metric m: Int) -> MeanInterval {
        MeanInterval(values[s][m], binary: metrics[m].isBinary, confidence: confidence)
    }

    /// Groups a result set's runs (in plan order) by scenario and grid point, keeping
    /// first-seen order; strategies in the order the plan lists them.
    public static func groups(_ results: ResultSet) -> [ComparisonGroup] {
        let content = results.manifest.content
        var keys: [String] = []
        var byKey: [String: [RunRow]] = [:]
        for run in results.runs {
            let key = run.scenario + "\u{1F}" + run.pointLabel
            if byKey[key] == nil { keys.append(key) }
            byKey[key, default: []].append(run)
        }
        return keys.map { key in
            let group = byKey[key]!
            let first = group[0]
            let entry = content.entries.first { $0.scenario == first.scenario }
            let scenario = content.scenarios.first { $0.name == first.scenario }
                ?? Manifest.ScenarioRecord(name: first.scenario, family: first.family, description: "", path: "",
                                           sha256: "", bytes: 0)
            var strategies: [String] = []
            for r in group where !strategies.contains(r.strategy) { strategies.append(r.strategy) }
            let metrics = results.metrics(family: first.family)
            let family = content.families.first { $0.name == first.family }
            var values = Array(repeating: Array(repeating: [Double](), count: metrics.count), count: strategies.count)
            var unfinished: [(String, StopReason, Int)] = []
            var runsByStrategy: [[RunRow]] = []
            for (s, label) in strategies.enumerated() {
                let runs = group.filter { $0.strategy == label }.sorted { $0.replication < $1.replication }
                runsByStrategy.append(runs)
                for m in metrics.indices { values[s][m] = runs.map { m < $0.values.count ? $0.values[m] : .nan } }
                for reason in StopReason.allCases where reason != .drained {
                    let count = runs.filter { $0.stopReason == reason }.count
                    if count > 0 { unfinished.append((label, reason, count)) }
                }
            }
            let keyNames = entry?.keyMetrics ?? metrics.filter(\.isKey).map(\.name)
            return ComparisonGroup(
                scenario: scenario, point: first.point, strategies: strategies, metrics: metrics,
                keyMetrics: metrics.indices.filter { keyNames.contains(metrics[$0].name) },
                baseline: entry?.baseline.flatMap { strategies.firstIndex(of: $0) },
                frontier: family?.frontier.flatMap { $0.count == 2 ? ($0[0], $0[1]) : nil },
                values: values, unfinished: unfinished, confidence: content.confidence,
                details: content.detailTables(family: first.family).enumerated().compactMap { position, table in
                    DetailSummary(table: table, position: position, runs: runsByStrategy)
                })
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
