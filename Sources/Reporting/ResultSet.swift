import CSV
import Experiments
import Foundation
import SimulationKernel
import Vocabulary

/// One run as `runs.csv` records it: the data the report, `compare` and `verify` work from.
public struct RunRow: Sendable {
    public let identity: String
    public let scenario: String
    public let family: String
    public let point: [(key: String, value: String)]
    public let strategy: String
    public let replication: Int
    public let seed: UInt64
    public let stopReason: StopReason
    public let events: Int
    /// In the family's metric order (as the manifest records it); NaN where undefined.
    public let values: [Double]
    /// The run's rows of its family's detail tables, one array per table in the family's
    /// order (as the manifest records it); empty, or shorter, where the run has none.
    public var details: [[DetailRow]]

    public init(identity: String, scenario: String, family: String, point: [(key: String, value: String)],
                strategy: String, replication: Int, seed: UInt64, stopReason: StopReason, events: Int, values: [Double],
                details: [[DetailRow]] = []) {
        self.identity = identity
        self.scenario = scenario
        self.family = family
        self.point = point
        self.strategy = strategy
        self.replication = replication
        self.seed = seed
        self.stopReason = stopReason
        self.events = events
        self.values = values
        self.details = details
    }

    public init(_ record: RunRecord) {
        let spec = record.spec
        self.init(identity: spec.identity, scenario: spec.scenario.name, family: spec.scenario.family.rawValue,
                  point: spec.point, strategy: spec.strategy.label, replication: spec.replication, seed: spec.baseSeed,
                  stopReason: record.outcome.stopReason, events: record.outcome.events, values: record.outcome.metrics,
                  details: record.outcome.details)
    }

    /// The run's rows of its family's detail table number `table` (none when it has none).
    public func detailRows(_ table: Int) -> [DetailRow] { table < details.count ? details[table] : [] }

    /// The grid point's label: `key=value;key=value`, or `default` for an entry without a grid
    /// (so no key column of the CSV files is ever empty; a grid label always holds an `=`).
    public var pointLabel: String { RunRow.pointLabel(point) }

    public static let defaultPoint = "default"

    public static func pointLabel(_ point: [(key: String, value: String)]) -> String {
        point.isEmpty ? defaultPoint : point.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }
}

/// A results folder's data: its manifest and its runs in plan order.
public struct ResultSet: Sendable {
    public var manifest: Manifest
    public let runs: [RunRow]

    public init(manifest: Manifest, runs: [RunRow]) {
        self.manifest = manifest
        self.runs = runs
    }

    /// A family's metrics, as recorded.
    public func metrics(family: String) -> [MetricDescriptor] {
        manifest.content.families.first { $0.name == family }?.metrics.compactMap(\.descriptor) ?? []
    }
}

extension Manifest.Content {
    /// A family's detail tables, as recorded, in its order.
    public func detailTables(family: String) -> [DetailTable] {
        families.first { $0.name == family }?.details?.map(\.table) ?? []
    }

    /// Every detail table of the families recorded, each once (a name shared by families has
    /// the same columns in each), in order of first declaration.
    public var detailTables: [DetailTable] {
        var tables: [DetailTable] = []
        for family in families {
            for table in family.details ?? [] where !tables.contains(where: { $0.name == table.name }) {
                tables.append(table.table)
            }
        }
        return tables
    }

    /// The detail files the outputs record, in `detailTables` order.
    public var detailFiles: [String] { detailTables.map(\.fileName).filter { outputs[$0] != nil } }
}

/// Why a results folder cannot be read: a file missing, or not what `run` writes.
public struct ResultsError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension ResultSet {
    /// Reads `manifest.json`, `runs.csv` and the detail files the manifest records of the
    /// results folder `directory`. Checks that the runs are what the manifest describes;
    /// `checkHash` also that `runs.csv` and the detail files are the files the manifest's
    /// SHA-256 names.
    public static func load(_ directory: String, checkHash: Bool = true) throws(ResultsError) -> ResultSet {
        func read(_ name: String) throws(ResultsError) -> Data {
            let path = (directory as NSString).appendingPathComponent(name)
            switch try BoundedRead.file(path, limit: maximumFileSize) {
            case .contents(let data): return data
            case .missing: throw ResultsError("\(path): no such file; is \(directory) a folder written by coordbench run?")
            case let refused: throw ResultsError("\(path): \(refused.refusal)")
            }
        }
        let manifestPath = (directory as NSString).appendingPathComponent("manifest.json")
        let manifest: Manifest
        do {
            manifest = try Manifest.decode(try read("manifest.json"))
        } catch let error as ResultsError {
            throw error
        } catch {
            throw ResultsError("\(manifestPath): not a coordbench \(Manifest.currentFormat) manifest (\(error))")
        }
        guard manifest.format == Manifest.currentFormat else {
            throw ResultsError("\(manifestPath): format '\(manifest.format)', expected '\(Manifest.currentFormat)' "
                               + "(re-run the suite with this version of coordbench)")
        }
        try validate(manifest, path: manifestPath)
        let data = try read("runs.csv")
        let runsPath = (directory as NSString).appendingPathComponent("runs.csv")
        if checkHash, let recorded = manifest.content.outputs["runs.csv"], recorded.sha256 != Manifest.sha256(data) {
            throw ResultsError("\(runsPath) is not the file recorded in manifest.json (its SHA-256 differs): "
                               + "it was changed after it was written")
        }
        var runs = try Tables.readRuns(String(decoding: data, as: UTF8.self), path: runsPath, manifest: manifest)
        let tables = manifest.content.detailTables.filter { manifest.content.outputs[$0.fileName] != nil }
        if !tables.isEmpty {
            let byIdentity = Dictionary(runs.indices.map { (runs[$0].identity, $0) }, uniquingKeysWith: { a, _ in a })
            for table in tables {
                let data = try read(table.fileName)
                let path = (directory as NSString).appendingPathComponent(table.fileName)
                if checkHash, manifest.content.outputs[table.fileName]?.sha256 != Manifest.sha256(data) {
                    throw ResultsError("\(path) is not the file recorded in manifest.json (its SHA-256 differs): "
                                       + "it was changed after it was written")
                }
                try Tables.readDetails(String(decoding: data, as: UTF8.self), path: path, table: table, manifest: manifest,
                                       into: &runs, byIdentity: byIdentity)
            }
        }
        return ResultSet(manifest: manifest, runs: runs)
    }
}

/// A file that may come from anyone — a results folder's, or an input its manifest names —
/// read only when it is a regular file of bounded size, so a device, pipe or huge file is
/// never read.
enum BoundedRead {
    case missing
    case notRegular
    case tooLarge(limit: Int64)
    case contents(Data)

    /// `path`'s contents when it is a regular file of at most `limit` bytes. A symbolic link is
    /// judged by its target when `followingLinks`, else refused (it is not a regular file).
    static func file(_ path: String, limit: Int64, followingLinks: Bool = false) throws(ResultsError) -> BoundedRead {
        do {
            var info = stat()
            guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else {
                // Let the read say why (no such file, or the system's reason).
                return try SafeFile.readFile(path).map(BoundedRead.contents) ?? .missing
            }
            guard (info.st_mode & S_IFMT) == S_IFREG else { return .notRegular }
            guard Int64(info.st_size) <= limit else { return .tooLarge(limit: limit) }
            return try SafeFile.readFile(path).map(BoundedRead.contents) ?? .missing
        } catch {
            throw ResultsError("\(error)")
        }
    }

    /// Why a file was not read, as a message's tail.
    var refusal: String {
        switch self {
        case .missing: "no such file"
        case .notRegular: "not a regular file"
        case .tooLarge(let limit): "larger than \(formatBytes(Double(limit))), the most read"
        case .contents: "read"
        }
    }
}

extension ResultSet {
    /// The largest file of a results folder read (runs.csv of some ten million runs).
    public static let maximumFileSize: Int64 = 4 << 30

    /// What the rest of the code relies on: a known direction for every metric, a confidence
    /// in range, entries and families that name each other.
    static func validate(_ manifest: Manifest, path: String) throws(ResultsError) {
        let content = manifest.content
        guard content.confidence >= 0.5 && content.confidence <= 0.999 else {
            throw ResultsError("\(path): confidence \(content.confidence) is outside 0.5…0.999")
        }
        for family in content.families {
            for metric in family.metrics where Direction(rawValue: metric.direction) == nil {
                throw ResultsError("\(path): metric \(family.name):\(metric.name) has an unknown direction '\(metric.direction)'")
            }
            if Set(family.metrics.map(\.name)).count != family.metrics.count {
                throw ResultsError("\(path): family \(family.name) lists a metric twice")
            }
        }
        if Set(content.families.map(\.name)).count != content.families.count {
            throw ResultsError("\(path): a family is listed twice")
        }
        // Detail tables name files in the folder: the registry's rules keep them plain and apart.
        do {
            try Registry.checkDetails(content.families.map { ($0.name, $0.details?.map(\.table) ?? []) })
        } catch {
            throw ResultsError("\(path): \(error)")
        }
        if Set(content.entries.map(\.scenario)).count != content.entries.count {
            throw ResultsError("\(path): a scenario is listed twice")
        }
    }
}

extension Tables {
    /// Parses `runs.csv` text as `Tables.runs` writes it, checking every field.
    static func readRuns(_ text: String, path: String, manifest: Manifest) throws(ResultsError) -> [RunRow] {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw ResultsError("\(path): not CSV (\(error))")
        }
        guard let header = reader.headerRow, Array(header.prefix(fixedColumns.count)) == fixedColumns else {
            throw ResultsError("\(path): the header does not start with " + fixedColumns.joined(separator: ","))
        }
        var column: [String: Int] = [:]
        for (i, name) in header.enumerated() { column[name] = i }
        // Each scenario's grid keys in its own order (the columns follow first appearance).
        var gridKeys: [String: [Int]] = [:]
        for entry in manifest.content.entries {
            var indices: [Int] = []
            for key in entry.grid {
                guard let i = column[gridPrefix + key] else {
                    throw ResultsError("\(path): no column \(gridPrefix + key) for the grid of \(entry.scenario)")
                }
                indices.append(i)
            }
            gridKeys[entry.scenario] = indices
        }
        // For each family, its metrics' column indices (nil: no column).
        var metricColumns: [String: [Int?]] = [:]
        for family in manifest.content.families {
            metricColumns[family.name] = family.metrics.map { column[metricColumn(family: family.name, metric: $0.name)] }
        }
        var runs: [RunRow] = []
        var line = 1
        while let fields = reader.next() {
            line += 1
            func fail(_ message: String) -> ResultsError { ResultsError("\(path):\(line): \(message)") }
            guard fields.count == header.count else {
                throw fail("\(fields.count) fields, the header has \(header.count)")
            }
            let family = fields[2]
            guard let columns = metricColumns[family] else { throw fail("family '\(family)' is not in manifest.json") }
            guard let replication = Int(fields[5]), let seed = UInt64(fields[6]), let events = Int(fields[8]) else {
                throw fail("replication, seed and events must be whole numbers")
            }
            guard let stop = StopReason(rawValue: fields[7]) else { throw fail("unknown stop reason '\(fields[7])'") }
            var values: [Double] = []
            values.reserveCapacity(columns.count)
            for index in columns {
                guard let index, !fields[index].isEmpty else { values.append(.nan); continue }
                guard let value = Double(fields[index]) else {
                    throw fail("'\(fields[index])' in column \(header[index]) is not a number")
                }
                values.append(value)
            }
            guard let grid = gridKeys[fields[1]] else { throw fail("scenario '\(fields[1])' is not in manifest.json") }
            let point = grid.map { i in (key: String(header[i].dropFirst(gridPrefix.count)), value: fields[i]) }
            let row = RunRow(identity: fields[0], scenario: fields[1], family: family, point: point, strategy: fields[4],
                             replication: replication, seed: seed, stopReason: stop, events: events, values: values)
            guard row.pointLabel == fields[3] else {
                throw fail("the point '\(fields[3])' does not match the grid columns ('\(row.pointLabel)')")
            }
            runs.append(row)
        }
        if let error = reader.error { throw ResultsError("\(path):\(line + 1): \(error)") }
        return runs
    }
}

extension ResultSet {
    /// The finished runs of `suite`'s plan with their manifest (sealed by `ResultsWriter.render`).
    /// `options` default to the suite's seed and no overrides.
    public init(records: [RunRecord], suite: Suite, options: Manifest.Options? = nil, directory: String = ".",
                provenance: Manifest.Provenance = .unrecorded) {
        self.init(manifest: Manifest(suite: suite, options: options ?? Manifest.Options(seed: suite.seed),
                                     directory: directory, provenance: provenance),
                  runs: records.map(RunRow.init))
    }
}

extension Manifest.Provenance {
    /// No provenance: for tests and library use where none applies, and for a manifest whose
    /// provenance comes when it is written (`Pipeline.write`'s `provenance`).
    public static let unrecorded = Manifest.Provenance(createdAt: "", host: "", gitCommit: nil, gitDirty: nil, jobs: 1,
                                                       platform: "", workingDirectory: "", arguments: [])
}
