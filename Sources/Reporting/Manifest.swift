import Crypto
import Experiments
import Foundation
import SimulationKernel
import Vocabulary

/// `manifest.json`: everything needed to re-create a results folder, and to read it without
/// the tool's catalogue.
///
/// Three parts. `content` is what the results are a function of — the input files by path
/// (relative to the suite) and SHA-256, the resolved options, the tool's version, the plan,
/// the metrics' definitions — and the SHA-256 of the data files written; two runs of the same
/// inputs have equal `content` and so equal `content_sha256`. `location` says where the suite
/// was, relative to the results folder, for `verify`. `provenance` is volatile (time, host,
/// git commit, jobs) and never compared.
public struct Manifest: Codable, Sendable, Equatable {
    public static let currentFormat = "coordbench-manifest/2"

    public var format: String
    /// SHA-256 of `content` encoded as canonical JSON (sorted keys, no spaces).
    public var contentSha256: String
    public var content: Content
    public var location: Location
    public var provenance: Provenance
    /// The canonical JSON of `content` as it was at the last seal, around its outputs — the
    /// last part of a manifest to be known — so that the seal after they are recorded and
    /// `manifest.json` encode only them (an encoding of the content is 10 million instructions
    /// for the default suite). A function of `content`, so neither encoded nor compared.
    var canonical: CanonicalContent?

    /// What `manifest.json` holds, and what equal manifests agree on: everything but `canonical`.
    enum CodingKeys: String, CodingKey { case format, contentSha256, content, location, provenance }

    public static func == (a: Manifest, b: Manifest) -> Bool {
        a.format == b.format && a.contentSha256 == b.contentSha256 && a.content == b.content && a.location == b.location
            && a.provenance == b.provenance
    }

    public struct Content: Codable, Sendable, Equatable {
        public var tool: String
        public var version: String
        public var suite: SuiteRecord
        public var scenarios: [ScenarioRecord]
        public var options: Options
        public var rng: String
        public var confidence: Double
        public var runs: Int
        public var entries: [EntryRecord]
        public var families: [FamilyRecord]
        /// SHA-256 and size of the data files, by file name (`runs.csv`, `summary.csv`,
        /// `results.json`, and each detail table's `<name>.csv` that some run has rows for).
        public var outputs: [String: FileRecord]
    }

    public struct SuiteRecord: Codable, Sendable, Equatable {
        public var name: String
        public var description: String
        /// The suite file's name (its folder is given by `Location.suite`).
        public var file: String
        public var sha256: String
        public var bytes: Int
    }

    public struct ScenarioRecord: Codable, Sendable, Equatable {
        public var name: String
        public var family: String
        public var description: String
        /// Relative to the suite's folder.
        public var path: String
        public var sha256: String
        public var bytes: Int
    }

    /// The command-line options that change results, resolved.
    public struct Options: Codable, Sendable, Equatable {
        public var seed: UInt64
        /// `--replications`, when it overrode the suite's.
        public var replications: Int?
        /// `--run-timeout` in seconds, when given (results then depend on the machine).
        public var runTimeout: Double?

        public init(seed: UInt64, replications: Int? = nil, runTimeout: Double? = nil) {
            self.seed = seed
            self.replications = replications
            self.runTimeout = runTimeout
        }
    }

    public struct EntryRecord: Codable, Sendable, Equatable {
        public var scenario: String
        public var replications: Int
        /// The grid's keys, in order; empty without a grid.
        public var grid: [String]
        /// Grid point labels (`key=value;key=value`), in grid order; `["default"]` without a grid.
        public var points: [String]
        public var strategies: [StrategyRecord]
        public var baseline: String?
        public var keyMetrics: [String]
    }

    public struct StrategyRecord: Codable, Sendable, Equatable {
        public var label: String
        public var name: String
        public var parameters: [String: Double]
    }

    public struct FamilyRecord: Codable, Sendable, Equatable {
        public var name: String
        public var metrics: [MetricRecord]
        /// The (quality ↑, cost ↓) pair whose frontier the report draws.
        public var frontier: [String]?
        /// The tables of figures per item the family's runs report; absent when it declares none.
        public var details: [DetailTableRecord]?
    }

    /// A detail table as declared (see `DetailTable`); its file is `<name>.csv`.
    public struct DetailTableRecord: Codable, Sendable, Equatable {
        public var name: String
        public var description: String
        public var keys: [String]
        public var figures: [FigureRecord]
    }

    public struct FigureRecord: Codable, Sendable, Equatable {
        public var name: String
        public var unit: String
        public var description: String
    }

    public struct MetricRecord: Codable, Sendable, Equatable {
        public var name: String
        public var unit: String
        public var direction: String
        public var key: Bool
        public var binary: Bool
        public var definition: String
    }

    public struct FileRecord: Codable, Sendable, Equatable {
        public var sha256: String
        public var bytes: Int
    }

    public struct Location: Codable, Sendable, Equatable {
        /// The suite file, relative to the results folder.
        public var suite: String
    }

    public struct Provenance: Codable, Sendable, Equatable {
        public var createdAt: String
        public var host: String
        public var gitCommit: String?
        public var gitDirty: Bool?
        public var jobs: Int
        public var platform: String
        public var workingDirectory: String
        public var arguments: [String]

        public init(createdAt: String, host: String, gitCommit: String?, gitDirty: Bool?, jobs: Int, platform: String,
                    workingDirectory: String, arguments: [String]) {
            self.createdAt = createdAt
            self.host = host
            self.gitCommit = gitCommit
            self.gitDirty = gitDirty
            self.jobs = jobs
            self.platform = platform
            self.workingDirectory = workingDirectory
            self.arguments = arguments
        }
    }

    /// The manifest of a suite about to run into `directory`; `outputs` is filled in by
    /// `ResultsWriter` once the data files exist.
    public init(suite: Suite, options: Options, directory: String, provenance: Provenance) {
        let suiteURL = URL(fileURLWithPath: suite.path).standardizedFileURL
        let suiteFolder = suiteURL.deletingLastPathComponent().path
        let suiteData = FileManager.default.contents(atPath: suite.path) ?? Data()
        var scenarios: [ScenarioRecord] = []
        var families: [Family] = []
        for entry in suite.entries {
            let scenario = entry.points[0].scenario
            let data = FileManager.default.contents(atPath: entry.scenarioPath) ?? Data()
            scenarios.append(ScenarioRecord(
                name: scenario.name, family: scenario.family.rawValue, description: scenario.description,
                path: Manifest.relativePath(of: URL(fileURLWithPath: entry.scenarioPath).standardizedFileURL.path,
                                            from: suiteFolder),
                sha256: Manifest.sha256(data), bytes: data.count))
            if !families.contains(scenario.family) { families.append(scenario.family) }
        }
        content = Content(
            tool: "coordbench", version: Coordbench.version,
            suite: SuiteRecord(name: suite.name, description: suite.description, file: suiteURL.lastPathComponent,
                               sha256: Manifest.sha256(suiteData), bytes: suiteData.count),
            scenarios: scenarios, options: options, rng: "gsl_rng_" + RandomStream.algorithm,
            confidence: suite.confidence, runs: suite.estimate.runs,
            entries: suite.entries.map { entry in
                EntryRecord(
                    scenario: entry.points[0].scenario.name, replications: entry.replications,
                    grid: entry.points[0].label.map(\.key),
                    points: entry.points.map { RunRow.pointLabel($0.label) },
                    strategies: entry.strategies.map { choice in
                        StrategyRecord(label: choice.label, name: choice.name,
                                       parameters: Dictionary(uniqueKeysWithValues: choice.parameters.map { ($0.name, $0.value) }))
                    },
                    baseline: entry.baseline, keyMetrics: entry.keyMetrics)
            },
            families: families.map { family in
                FamilyRecord(name: family.rawValue, metrics: family.metrics.map(MetricRecord.init),
                             frontier: family.frontier.map { [$0.quality, $0.cost] },
                             details: family.details.isEmpty ? nil : family.details.map(DetailTableRecord.init))
            },
            outputs: [:])
        format = Manifest.currentFormat
        contentSha256 = ""
        location = Location(suite: Manifest.relativePath(
            of: suiteURL.path, from: URL(fileURLWithPath: directory).standardizedFileURL.path))
        self.provenance = provenance
        seal()
    }

    /// Recomputes `contentSha256` from `content`.
    public mutating func seal() {
        if canonical?.content != content.withoutOutputs { canonical = CanonicalContent(content) }
        contentSha256 = Manifest.sha256(contentJSON())
    }

    /// `content` as canonical JSON: from `canonical` when only the outputs changed since the
    /// last seal (encoding only them), encoded whole otherwise.
    func contentJSON() -> [UInt8] {
        if let canonical, canonical.content == content.withoutOutputs { return canonical.json(outputs: content.outputs) }
        return content.canonicalJSON
    }

    /// The suite file, as recorded, from a results folder.
    public func suitePath(inResults directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(location.suite).standardizedFileURL.path
    }

    /// Where scenario `record` is, given where the suite is.
    public static func scenarioPath(_ record: ScenarioRecord, suite: String) -> String {
        URL(fileURLWithPath: suite).deletingLastPathComponent().appendingPathComponent(record.path).standardizedFileURL.path
    }

    /// `manifest.json`: the manifest as `JSONEncoder` writes it pretty-printed (keys sorted, in
    /// snake case, slashes as they are), and a final line break. Written as its compact form —
    /// the content from `contentJSON()`, the other four keys around it — laid out as
    /// `.prettyPrinted` lays it out, so the content is not encoded again.
    public func json() throws -> String {
        let encoder = Manifest.encoder(pretty: false)
        var compact = Array("{\"content\":".utf8) + contentJSON()
        compact += Array((",\"content_sha256\":" + JSONText.string(contentSha256) + ",\"format\":" + JSONText.string(format)
                          + ",\"location\":").utf8)
        compact += try encoder.encode(location)
        compact += Array(",\"provenance\":".utf8)
        compact += try encoder.encode(provenance)
        compact.append(UInt8(ascii: "}"))
        return String(decoding: JSONText.pretty(compact), as: UTF8.self) + "\n"
    }

    public static func decode(_ data: Data) throws -> Manifest {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Manifest.self, from: data)
    }

    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// SHA-256 of `data` as 64 lower-case hex digits (what `sha256sum` prints).
    public static func sha256(_ data: some DataProtocol) -> String { hex(SHA256.hash(data: data)) }

    /// A digest as lower-case hex digits.
    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 15)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    public static func sha256(_ text: String) -> String { sha256(Data(text.utf8)) }

    /// `path` relative to the folder `base` (both absolute and standardised), with `..` as needed.
    public static func relativePath(of path: String, from base: String) -> String {
        let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let origin = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var common = 0
        while common < min(target.count, origin.count) && target[common] == origin[common] { common += 1 }
        let parts = Array(repeating: "..", count: origin.count - common) + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// What a results folder's inputs depend on, for the journal: a run is only resumed when
    /// the content less the outputs (which do not exist yet) matches. The hash of the content
    /// with no outputs, from `canonical` when the manifest was sealed (as a new one is), so the
    /// content is not encoded again.
    public var resultFingerprint: String {
        let bare = content.withoutOutputs
        if let canonical, canonical.content == bare { return Manifest.sha256(canonical.json(outputs: [:])) }
        return bare.sha256
    }

    /// A content's canonical JSON cut where its outputs go: `json(outputs:)` is the content's
    /// canonical JSON with those outputs, made by encoding only them.
    struct CanonicalContent: Sendable {
        /// The content encoded, with no outputs.
        let content: Content
        /// The JSON before and after the outputs' object.
        let head: [UInt8]
        let tail: [UInt8]

        /// `content`'s, whatever its outputs; nil when the encoding does not read as expected
        /// (then the content is encoded whole).
        init?(_ content: Content) {
            let content = content.withoutOutputs
            let json = content.canonicalJSON
            // Keys are sorted and compact: {…,"options":{…},"outputs":{},"rng":…}. Inside a JSON
            // string a quote is escaped, so the marker can only be a key, and no other object
            // has an "outputs" key whose value is an object.
            let marker = Array("\"outputs\":{}".utf8)
            let found = json.indices.filter { json[$0...].starts(with: marker) }
            guard found.count == 1, let cut = found.first.map({ $0 + marker.count }) else { return nil }
            self.content = content
            head = Array(json[..<(cut - 2)])
            tail = Array(json[cut...])
        }

        /// The content's canonical JSON with `outputs` (the bytes `JSONEncoder` writes for it).
        func json(outputs: [String: Manifest.FileRecord]) -> [UInt8] {
            var json = head
            // Encoding plain Codable values cannot fail.
            json += outputs.isEmpty ? Array("{}".utf8) : Array(try! Manifest.encoder(pretty: false).encode(outputs))
            json += tail
            return json
        }
    }
}

extension Manifest.Content {
    /// SHA-256 of this content as canonical JSON.
    public var sha256: String { Manifest.sha256(canonicalJSON) }

    /// This content as canonical JSON (sorted keys, no spaces).
    var canonicalJSON: [UInt8] {
        // Encoding plain Codable values cannot fail.
        Array(try! Manifest.encoder(pretty: false).encode(self))
    }

    /// This content with no outputs, as a manifest is made (and as the journal's fingerprint
    /// hashes it).
    var withoutOutputs: Self {
        var bare = self
        bare.outputs = [:]
        return bare
    }
}

extension Manifest.DetailTableRecord {
    init(_ table: DetailTable) {
        self.init(name: table.name, description: table.description, keys: table.keys,
                  figures: table.figures.map { Manifest.FigureRecord(name: $0.name, unit: $0.unit, description: $0.description) })
    }

    /// The table this record was made from.
    var table: DetailTable {
        DetailTable(name, keys: keys, figures: figures.map { FigureDescriptor($0.name, unit: $0.unit, $0.description) },
                    description)
    }
}

extension Manifest.MetricRecord {
    init(_ metric: MetricDescriptor) {
        self.init(name: metric.name, unit: metric.unit, direction: metric.direction.rawValue, key: metric.isKey,
                  binary: metric.isBinary, definition: metric.summary)
    }

    /// The descriptor this record was made from; nil for an unknown direction.
    var descriptor: MetricDescriptor? {
        Direction(rawValue: direction).map {
            MetricDescriptor(name, unit: unit, $0, key: key, binary: binary, definition)
        }
    }
}
