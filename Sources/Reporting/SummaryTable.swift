import Foundation
import Experiments
import SimulationKernel
import Statistics
import Vocabulary

/// `runs.csv`, `summary.csv` and `results.json`: plain data that loads in pandas and R
/// without options. Key columns are never empty (an entry without a grid is at point
/// `default`); a metric column is named `<family>:<metric>`, since families share metric
/// names with different meanings; a grid column is named `grid:<key>`.
public enum Tables {
    static let fixedColumns = ["run", "scenario", "family", "point", "strategy", "replication", "seed", "stop_reason", "events"]
    static let gridPrefix = "grid:"

    static func metricColumn(family: String, metric: String) -> String { family + ":" + metric }

    /// One row per run, in plan order: identity columns, seed, stop reason, events, grid
    /// parameters, then every metric of every family in the plan (empty where not applicable
    /// or undefined).
    public static func runs(_ results: ResultSet) -> String {
        let content = results.manifest.content
        var gridKeys: [String] = []
        for entry in content.entries { for key in entry.grid where !gridKeys.contains(key) { gridKeys.append(key) } }
        let families = content.families.map(\.name)
        let metricColumns = content.families.flatMap { family in family.metrics.map { metricColumn(family: family.name, metric: $0.name) } }
        var offsets: [String: Int] = [:]
        var offset = 0
        for family in content.families {
            offsets[family.name] = offset
            offset += family.metrics.count
        }
        var text = CSV.line(fixedColumns + gridKeys.map { gridPrefix + $0 } + metricColumns)
        for run in results.runs {
            let point = gridKeys.map { key in run.point.first { $0.key == key }?.value ?? "" }
            var metrics = Array(repeating: "", count: metricColumns.count)
            if families.contains(run.family), let start = offsets[run.family] {
                for (i, value) in run.values.enumerated() { metrics[start + i] = CSV.number(value) }
            }
            text += CSV.line([run.identity, run.scenario, run.family, run.pointLabel, run.strategy, String(run.replication),
                              String(run.seed), run.stopReason.rawValue, String(run.events)] + point + metrics)
        }
        return text
    }

    static let summaryColumns = ["scenario", "family", "point", "strategy", "metric", "unit", "direction", "n", "mean", "sd",
                                 "ci_low", "ci_high", "interval", "confidence"]

    /// One row of the summary: a scenario × grid point × strategy × metric and the interval of
    /// its mean. `summary.csv` and `results.json` are both written from these.
    public struct SummaryCell: Sendable {
        public let group: ComparisonGroup
        public let strategy: String
        public let metric: MetricDescriptor
        public let interval: MeanInterval
    }

    /// Every summary cell of `groups`, in the files' order.
    public static func summaryCells(_ groups: [ComparisonGroup]) -> [SummaryCell] {
        groups.flatMap { group in
            group.strategies.enumerated().flatMap { s, strategy in
                group.metrics.enumerated().map { m, metric in
                    SummaryCell(group: group, strategy: strategy, metric: metric, interval: group.interval(strategy: s, metric: m))
                }
            }
        }
    }

    /// Per scenario × grid point × strategy × metric: n, mean, sd and the interval of the mean
    /// (`t`, or `wilson` for a 0/1 metric).
    public static func summary(_ cells: [SummaryCell]) -> String {
        var text = CSV.line(summaryColumns)
        for cell in cells {
            let (group, metric, interval) = (cell.group, cell.metric, cell.interval)
            let sum = interval.summary
            text += CSV.line([group.scenario.name, group.scenario.family, group.pointLabel, cell.strategy,
                              metric.name, metric.unit, metric.direction.rawValue, String(sum.n),
                              CSV.statistic(sum.mean), CSV.statistic(sum.sd), CSV.statistic(interval.lower),
                              CSV.statistic(interval.upper), interval.method.rawValue,
                              CSV.statistic(group.confidence)])
        }
        return text
    }

    /// `results.json`: the metrics' definitions, the summary rows and every run, for tools
    /// that prefer JSON. Undefined values are `null`.
    public static func json(_ results: ResultSet, cells: [SummaryCell]) throws -> String {
        struct Metric: Encodable {
            let family, name, unit, direction, definition: String
            let key, binary: Bool
        }
        struct Row: Encodable {
            let scenario, family, point, strategy, metric, interval: String
            let n: Int
            let mean, sd, ciLow, ciHigh: Double?
        }
        struct Run: Encodable {
            let run, scenario, family, point, strategy, stopReason: String
            let replication, events: Int
            let seed: UInt64
            let grid: [String: String]
            let metrics: [String: Double?]
        }
        struct Document: Encodable {
            let format: String
            let suite: String
            let confidence: Double
            let metrics: [Metric]
            let summary: [Row]
            let runs: [Run]
        }
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        let content = results.manifest.content
        let rows = cells.map { cell in
            let (group, interval) = (cell.group, cell.interval)
            return Row(scenario: group.scenario.name, family: group.scenario.family, point: group.pointLabel,
                       strategy: cell.strategy, metric: cell.metric.name, interval: interval.method.rawValue,
                       n: interval.summary.n, mean: finite(interval.summary.mean), sd: finite(interval.summary.sd),
                       ciLow: finite(interval.lower), ciHigh: finite(interval.upper))
        }
        let metricNames = Dictionary(uniqueKeysWithValues: content.families.map { ($0.name, $0.metrics.map(\.name)) })
        let runs = results.runs.map { run in
            let names = metricNames[run.family] ?? []
            return Run(run: run.identity, scenario: run.scenario, family: run.family, point: run.pointLabel,
                       strategy: run.strategy, stopReason: run.stopReason.rawValue, replication: run.replication,
                       events: run.events, seed: run.seed,
                       grid: Dictionary(uniqueKeysWithValues: run.point.map { ($0.key, $0.value) }),
                       metrics: Dictionary(uniqueKeysWithValues: zip(names, run.values.map(finite))))
        }
        let document = Document(
            format: "coordbench-results/1", suite: content.suite.name, confidence: content.confidence,
            metrics: content.families.flatMap { family in
                family.metrics.map { Metric(family: family.name, name: $0.name, unit: $0.unit, direction: $0.direction,
                                            definition: $0.definition, key: $0.key, binary: $0.binary) }
            },
            summary: rows, runs: runs)
        return String(decoding: try Manifest.encoder(pretty: false).encode(document), as: UTF8.self) + "\n"
    }
}
