import Foundation
import Experiments
import SimulationKernel

/// `manifest.json`: what produced a results folder, so a result can be traced and redone.
public struct Manifest: Encodable, Sendable {
    public struct InputFile: Encodable, Sendable {
        public let path: String
        /// FNV-1a 64 of the file's bytes, hex (a fingerprint, not a security hash).
        public let fnv1a64: String
        public let bytes: Int
    }

    public let tool: String
    public let version: String
    public let gitCommit: String?
    public let suite: String
    public let suiteName: String
    public let baseSeed: UInt64
    public let rngAlgorithm: String
    public let jobs: Int
    public let runs: Int
    public let confidence: Double
    public let inputs: [InputFile]
    public let platform: String
    public let createdAt: String

    public init(suite: Suite, runs: Int, jobs: Int, version: String, gitCommit: String?, createdAt: Date) {
        tool = "coordbench"
        self.version = version
        self.gitCommit = gitCommit
        self.suite = suite.path
        suiteName = suite.name
        baseSeed = suite.seed
        rngAlgorithm = "gsl_rng_" + RandomStream.algorithm
        self.jobs = jobs
        self.runs = runs
        confidence = suite.confidence
        inputs = suite.inputFiles.map { path in
            let data = FileManager.default.contents(atPath: path) ?? Data()
            return InputFile(path: path, fnv1a64: Manifest.fingerprint(data), bytes: data.count)
        }
        #if os(Linux)
        let os = "linux"
        #else
        let os = "darwin"
        #endif
        #if arch(x86_64)
        let arch = "x86_64"
        #else
        let arch = "arm64"
        #endif
        platform = "\(os)-\(arch)"
        self.createdAt = ISO8601DateFormatter().string(from: createdAt)
    }

    /// FNV-1a 64-bit of `data`, as 16 hex digits.
    public static func fingerprint(_ data: Data) -> String {
        let hex = String(StableHash.fnv1a(data), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A fingerprint of everything that determines the results (inputs, seed, version):
    /// a journal is only resumed when it matches.
    public var resultFingerprint: String {
        let text = ([version, String(baseSeed), rngAlgorithm] + inputs.map { "\($0.path)=\($0.fnv1a64)" })
            .joined(separator: "|")
        return Manifest.fingerprint(Data(text.utf8))
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
