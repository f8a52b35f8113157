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

    /// How a suite's runs become rows of `runs.csv`, the detail files and `results.json`: the
    /// columns, fixed by the manifest before any run. `Sendable`, so every worker formats the
    /// rows of the runs it finished, in parallel; the files are these rows in plan order.
    ///
    /// `runs.csv`: one row per run, in plan order: identity columns, seed, stop reason, events,
    /// grid parameters, then every metric of every family in the plan (empty where not
    /// applicable or undefined).
    public struct Layout: Sendable {
        let content: Manifest.Content
        let gridKeys: [String]
        let metricColumnCount: Int
        /// By family: where its metrics start among the metric columns.
        let offsets: [String: Int]
        /// The detail tables of the families, in the files' order, and by family where each
        /// table is among that family's tables.
        let detailTables: [DetailTable]
        let detailPositions: [[String: (index: Int, count: Int)]]
        /// By family: its metric names, and for `results.json` their indices sorted by name and
        /// the names as JSON keys.
        let metricNames: [String: [String]]
        let jsonMetrics: [String: [(index: Int, key: String)]]
        /// Whether `results.json`'s runs can be written without `JSONEncoder` (see `jsonRun`).
        let plainKeys: Bool

        public init(_ content: Manifest.Content) {
            self.content = content
            var gridKeys: [String] = []
            for entry in content.entries { for key in entry.grid where !gridKeys.contains(key) { gridKeys.append(key) } }
            self.gridKeys = gridKeys
            var offsets: [String: Int] = [:]
            var offset = 0
            for family in content.families {
                offsets[family.name] = offset
                offset += family.metrics.count
            }
            self.offsets = offsets
            metricColumnCount = offset
            detailTables = content.detailTables
            detailPositions = detailTables.map { Tables.position(of: $0, in: content) }
            metricNames = Dictionary(content.families.map { ($0.name, $0.metrics.map(\.name)) }, uniquingKeysWith: { a, _ in a })
            jsonMetrics = metricNames.mapValues { names in
                names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
                    .map { ($0, JSONText.string(names[$0])) }
            }
            // A key that snake-casing could change (an upper-case letter, or any non-ASCII
            // character) is left to JSONEncoder, so the bytes never depend on this shortcut.
            let keys = gridKeys + metricNames.values.flatMap { $0 }
            plainKeys = keys.allSatisfy { key in key.utf8.allSatisfy { $0 < 0x80 && !(0x41...0x5A).contains($0) } }
        }

        /// `runs.csv`'s first line.
        public var runsHeader: String {
            let metricColumns = content.families.flatMap { family in
                family.metrics.map { metricColumn(family: family.name, metric: $0.name) }
            }
            return CSV.line(fixedColumns + gridKeys.map { gridPrefix + $0 } + metricColumns)
        }

        /// The run's row of `runs.csv`.
        public func runsLine(_ run: RunRow) -> String {
            let point = gridKeys.map { key in run.point.first { $0.key == key }?.value ?? "" }
            var metrics = Array(repeating: "", count: metricColumnCount)
            if let start = offsets[run.family] {
                for (i, value) in run.values.enumerated() { metrics[start + i] = CSV.number(value) }
            }
            return CSV.line([run.identity, run.scenario, run.family, run.pointLabel, run.strategy, String(run.replication),
                             String(run.seed), run.stopReason.rawValue, String(run.events)] + point + metrics)
        }

        /// The run's rows of each detail file (in `detailTables` order; "" where it has none).
        public func detailLines(_ run: RunRow) -> [String] {
            detailTables.indices.map { t in
                guard let index = detailPositions[t][run.family]?.index else { return "" }
                let identity = [run.identity, run.scenario, run.pointLabel, run.strategy, String(run.replication)]
                var text = ""
                for row in run.detailRows(index) { text += CSV.line(identity + row.keys + row.values.map(CSV.number)) }
                return text
            }
        }

        /// The run as an element of `results.json`'s `runs`: the bytes `JSONEncoder` writes for
        /// it (sorted keys, snake case, no escaped slashes; undefined values `null`). Written
        /// directly when every key is plain lower-case ASCII — where snake-casing changes
        /// nothing — and by `JSONEncoder` otherwise.
        public func jsonRun(_ run: RunRow) -> String {
            guard plainKeys, let metrics = jsonMetrics[run.family] else {
                // Encoding plain Codable values cannot fail.
                let one = try! Manifest.encoder(pretty: false).encode(Tables.jsonRunValue(run, names: metricNames[run.family] ?? []))
                return String(decoding: one, as: UTF8.self)
            }
            var text = "{\"events\":" + String(run.events) + ",\"family\":" + JSONText.string(run.family) + ",\"grid\":{"
            let grid = run.point.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (i, pair) in grid.enumerated() {
                if i > 0 { text += "," }
                text += JSONText.string(pair.key) + ":" + JSONText.string(pair.value)
            }
            text += "},\"metrics\":{"
            var first = true
            for (index, key) in metrics where index < run.values.count {
                if !first { text += "," }
                first = false
                text += key + ":" + JSONText.number(run.values[index])
            }
            text += "},\"point\":" + JSONText.string(run.pointLabel) + ",\"replication\":" + String(run.replication)
                + ",\"run\":" + JSONText.string(run.identity) + ",\"scenario\":" + JSONText.string(run.scenario)
                + ",\"seed\":" + String(run.seed) + ",\"stop_reason\":" + JSONText.string(run.stopReason.rawValue)
                + ",\"strategy\":" + JSONText.string(run.strategy) + "}"
            return text
        }

        /// `results.json` around its runs and summary rows: the text before the runs, between
        /// the runs and the summary rows, and after them (with the final line break) — the bytes
        /// `JSONEncoder` writes for `jsonDocument` around its runs and summary rows (keys sorted;
        /// every key here is fixed and plain, so snake-casing changes none).
        public func jsonFrame() -> (beforeRuns: String, beforeSummary: String, end: String) {
            var metrics: [String] = []
            for family in content.families {
                for metric in family.metrics {
                    metrics.append("{\"binary\":\(metric.binary),\"definition\":" + JSONText.string(metric.definition)
                                   + ",\"direction\":" + JSONText.string(metric.direction) + ",\"family\":"
                                   + JSONText.string(family.name) + ",\"key\":\(metric.key),\"name\":"
                                   + JSONText.string(metric.name) + ",\"unit\":" + JSONText.string(metric.unit) + "}")
                }
            }
            return ("{\"confidence\":" + JSONText.number(content.confidence) + ",\"format\":"
                        + JSONText.string(Tables.resultsFormat) + ",\"metrics\":[" + metrics.joined(separator: ",") + "],\"runs\":[",
                    "],\"suite\":" + JSONText.string(content.suite.name) + ",\"summary\":[",
                    "]}\n")
        }
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

        /// Whether `other` is of the same group and strategy: the same scenario, grid point
        /// and strategy, the fields a row's files start with.
        func sharesLine(with other: SummaryCell) -> Bool {
            strategy == other.strategy && group.pointLabel == other.group.pointLabel
                && group.scenario.name == other.group.scenario.name && group.scenario.family == other.group.scenario.family
        }
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
    /// (`t`, or `wilson` for a 0/1 metric). `summary.csv` is the header and every group's lines.
    public static var summaryHeader: String { CSV.line(summaryColumns) }

    /// The lines of `summary.csv` for `cells` (without the header).
    public static func summaryLines(_ cells: [SummaryCell]) -> String {
        var text = ""
        text.reserveCapacity(cells.count * 128)
        var confidence: (value: Double, text: String)?
        // Cells come group by group and strategy by strategy: the fields they share are quoted once.
        var shared: (cell: SummaryCell, fields: String)?
        for cell in cells {
            let (group, metric, interval) = (cell.group, cell.metric, cell.interval)
            if confidence?.value != group.confidence { confidence = (group.confidence, CSV.statistic(group.confidence)) }
            if shared.map({ !$0.cell.sharesLine(with: cell) }) ?? true {
                shared = (cell, [group.scenario.name, group.scenario.family, group.pointLabel, cell.strategy]
                    .map { CSV.field($0) + "," }.joined())
            }
            let sum = interval.summary
            text += shared!.fields
            CSV.append([metric.name, metric.unit, metric.direction.rawValue, String(sum.n), CSV.statistic(sum.mean),
                        CSV.statistic(sum.sd), CSV.statistic(interval.lower), CSV.statistic(interval.upper),
                        interval.method.rawValue, confidence!.text], to: &text)
        }
        return text
    }

    /// `results.json`: the metrics' definitions, the summary rows and every run, for tools
    /// that prefer JSON. Undefined values are `null`. Written without `JSONEncoder`, as the
    /// bytes it writes for `jsonDocument`: `Layout.jsonFrame` around the runs (`Layout.jsonRun`,
    /// comma-separated) and the summary rows (`jsonSummary`).
    struct JSONMetric: Encodable {
        let family, name, unit, direction, definition: String
        let key, binary: Bool
    }

    struct JSONRow: Encodable {
        let scenario, family, point, strategy, metric, interval: String
        let n: Int
        let mean, sd, ciLow, ciHigh: Double?
    }

    struct JSONRun: Encodable {
        let run, scenario, family, point, strategy, stopReason: String
        let replication, events: Int
        let seed: UInt64
        let grid: [String: String]
        let metrics: [String: Double?]
    }

    struct JSONDocument: Encodable {
        let format: String
        let suite: String
        let confidence: Double
        let metrics: [JSONMetric]
        let summary: [JSONRow]
        let runs: [JSONRun]
    }

    static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    static func jsonRunValue(_ run: RunRow, names: [String]) -> JSONRun {
        JSONRun(run: run.identity, scenario: run.scenario, family: run.family, point: run.pointLabel,
                strategy: run.strategy, stopReason: run.stopReason.rawValue, replication: run.replication,
                events: run.events, seed: run.seed,
                grid: Dictionary(uniqueKeysWithValues: run.point.map { ($0.key, $0.value) }),
                metrics: Dictionary(uniqueKeysWithValues: zip(names, run.values.map(finite))))
    }

    /// `results.json`'s format.
    static let resultsFormat = "coordbench-results/1"

    static func jsonDocument(_ content: Manifest.Content, summary: [JSONRow], runs: [JSONRun]) -> JSONDocument {
        JSONDocument(
            format: resultsFormat, suite: content.suite.name, confidence: content.confidence,
            metrics: content.families.flatMap { family in
                family.metrics.map { JSONMetric(family: family.name, name: $0.name, unit: $0.unit, direction: $0.direction,
                                                definition: $0.definition, key: $0.key, binary: $0.binary) }
            },
            summary: summary, runs: runs)
    }

    /// The summary rows of `cells` as `results.json` holds them (`JSONEncoder` writes them so:
    /// `jsonSummary` writes the same bytes directly).
    static func jsonRows(_ cells: [SummaryCell]) -> [JSONRow] {
        cells.map { cell in
            let (group, interval) = (cell.group, cell.interval)
            return JSONRow(scenario: group.scenario.name, family: group.scenario.family, point: group.pointLabel,
                           strategy: cell.strategy, metric: cell.metric.name, interval: interval.method.rawValue,
                           n: interval.summary.n, mean: finite(interval.summary.mean), sd: finite(interval.summary.sd),
                           ciLow: finite(interval.lower), ciHigh: finite(interval.upper))
        }
    }

    /// The summary rows of `cells` as `results.json` writes them, comma-separated, without
    /// brackets ("" for none): the bytes `JSONEncoder` writes for `jsonRows` — keys sorted,
    /// snake case, and an undefined statistic left out.
    public static func jsonSummary(_ cells: [SummaryCell]) -> String {
        var text = ""
        text.reserveCapacity(cells.count * 256)
        // The members a group's and a strategy's rows share, written once (see `summaryLines`).
        var shared: (cell: SummaryCell, family: String, pointAndScenario: String, strategy: String)?
        for cell in cells {
            let (group, interval, sum) = (cell.group, cell.interval, cell.interval.summary)
            if shared.map({ !$0.cell.sharesLine(with: cell) }) ?? true {
                shared = (cell, "\"family\":" + JSONText.string(group.scenario.family),
                          ",\"point\":" + JSONText.string(group.pointLabel) + ",\"scenario\":" + JSONText.string(group.scenario.name),
                          ",\"strategy\":" + JSONText.string(cell.strategy) + "}")
            }
            text += text.isEmpty ? "{" : ",{"
            // Keys in order; the first member present opens without a comma (only the first
            // two may be absent before "family", which is always there). An undefined
            // statistic is left out, as JSONEncoder leaves out a nil.
            if interval.upper.isFinite { text += "\"ci_high\":"; text += JSONText.number(interval.upper); text += "," }
            if interval.lower.isFinite { text += "\"ci_low\":"; text += JSONText.number(interval.lower); text += "," }
            text += shared!.family
            text += ",\"interval\":"; text += JSONText.string(interval.method.rawValue)
            if sum.mean.isFinite { text += ",\"mean\":"; text += JSONText.number(sum.mean) }
            text += ",\"metric\":"; text += JSONText.string(cell.metric.name)
            text += ",\"n\":"; text += String(sum.n)
            text += shared!.pointAndScenario
            if sum.sd.isFinite { text += ",\"sd\":"; text += JSONText.number(sum.sd) }
            text += shared!.strategy
        }
        return text
    }
}

/// JSON text as `JSONEncoder` writes it, for values written without it.
enum JSONText {
    /// A string: quotes, backslashes and control characters escaped (`\b \f \n \r \t`, others
    /// `\u00xx`), slashes and everything else as they are.
    static func string(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return "\"" + text + "\"" }
        var bytes: [UInt8] = [0x22]
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case 0x22: bytes += [0x5C, 0x22]
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x08: bytes += [0x5C, UInt8(ascii: "b")]
            case 0x0C: bytes += [0x5C, UInt8(ascii: "f")]
            case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
            case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
            case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
            case ..<0x20: bytes += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Compact JSON as `JSONEncoder` writes it (nothing between tokens) laid out as its
    /// `.prettyPrinted` output is: each member or element on its own line, indented two spaces
    /// a level, `" : "` after a key, an empty object or array as its brackets around an empty line.
    static func pretty(_ compact: [UInt8]) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(compact.count * 2)
        let (quote, backslash) = (UInt8(ascii: "\""), UInt8(ascii: "\\"))
        func opens(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") }
        func closes(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") }
        var depth = 0
        var (inString, escaped) = (false, false)
        func newLine() {
            text.append(UInt8(ascii: "\n"))
            text.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
        }
        for (i, byte) in compact.enumerated() {
            if inString {
                text.append(byte)
                if escaped {
                    escaped = false
                } else if byte == backslash {
                    escaped = true
                } else if byte == quote {
                    inString = false
                }
                continue
            }
            switch byte {
            case quote:
                inString = true
                text.append(byte)
            case _ where opens(byte):
                text.append(byte)
                if i + 1 < compact.count, closes(compact[i + 1]) {
                    text.append(UInt8(ascii: "\n"))  // empty: the closing bracket starts the next line
                } else {
                    depth += 1
                    newLine()
                }
            case _ where closes(byte):
                if !opens(compact[i - 1]) { depth -= 1 }
                newLine()
                text.append(byte)
            case UInt8(ascii: ","):
                text.append(byte)
                newLine()
            case UInt8(ascii: ":"):
                text += Array(" : ".utf8)
            default:
                text.append(byte)
            }
        }
        return text
    }

    /// A number: `null` unless finite, else Swift's shortest round-trip form without a final `.0`.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
