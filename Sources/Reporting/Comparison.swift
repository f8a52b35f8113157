import Experiments
import SimulationKernel
import Statistics

/// The runs of one scenario at one grid point, arranged for comparison: for each strategy
/// and metric, the values in replication order (so strategies can be paired).
public struct ComparisonGroup: Sendable {
    public let scenario: Scenario
    public let point: [(key: String, value: String)]
    public let strategies: [String]
    public let metrics: [MetricDescriptor]
    /// values[strategy][metric][replication]
    public let values: [[[Double]]]
    /// Runs that stopped for another reason than `drained`, per strategy and reason.
    public let unfinished: [(strategy: String, reason: StopReason, count: Int)]
    public let confidence: Double

    public var pointLabel: String { point.map { "\($0.key)=\($0.value)" }.joined(separator: ";") }

    public func summary(strategy s: Int, metric m: Int) -> Summary {
        Summary(values[s][m], confidence: confidence)
    }

    /// Groups records (in plan order) by scenario and grid point, keeping first-seen order.
    public static func groups(_ records: [RunRecord], confidence: Double) -> [ComparisonGroup] {
        var keys: [String] = []
        var byKey: [String: [RunRecord]] = [:]
        for record in records {
            let key = record.spec.scenario.name + "\u{1F}" + record.spec.pointLabel
            if byKey[key] == nil { keys.append(key) }
            byKey[key, default: []].append(record)
        }
        return keys.map { key in
            let group = byKey[key]!
            let first = group[0].spec
            var strategies: [String] = []
            for r in group where !strategies.contains(r.spec.strategy.label) { strategies.append(r.spec.strategy.label) }
            let metrics = first.scenario.family.metrics
            var values = Array(repeating: Array(repeating: [Double](), count: metrics.count), count: strategies.count)
            var unfinished: [(String, StopReason, Int)] = []
            for (s, label) in strategies.enumerated() {
                let runs = group.filter { $0.spec.strategy.label == label }.sorted { $0.spec.replication < $1.spec.replication }
                for m in metrics.indices { values[s][m] = runs.map { $0.outcome.metrics[m] } }
                for reason in StopReason.allCases where reason != .drained {
                    let count = runs.filter { $0.outcome.stopReason == reason }.count
                    if count > 0 { unfinished.append((label, reason, count)) }
                }
            }
            return ComparisonGroup(scenario: first.scenario, point: first.point, strategies: strategies,
                                   metrics: metrics, values: values, unfinished: unfinished, confidence: confidence)
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
