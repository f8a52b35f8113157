import Foundation
import Experiments

/// Writes a results folder: every file goes to a new temporary with an unpredictable name
/// first and is renamed into place, so a folder never holds a half-written file and a
/// symbolic link planted in it is replaced, never followed.
public enum ResultsWriter {
    public struct Files: Sendable {
        public let runs: String
        public let summary: String
        public let results: String
        /// The detail files some run has rows for: (file name, CSV text), in the manifest's order.
        public let details: [(name: String, text: String)]
        public let report: String
        public let manifest: String
        /// Charts referenced from the report: (file name, SVG text).
        public let charts: [(name: String, svg: String)]

        /// Every file, by name, in writing order (the manifest last: it names the others' hashes).
        public var all: [(name: String, text: String)] {
            [("runs.csv", runs), ("summary.csv", summary), ("results.json", results)] + details + [("report.md", report)]
                + charts.map { ($0.name, $0.svg) } + [("manifest.json", manifest)]
        }
    }

    /// Builds every file's contents from a result set (its runs in plan order, as `run` writes
    /// them), and records the data files' SHA-256 in its manifest (`results.manifest` is
    /// returned sealed with them). The same stream as a suite's run writes through.
    public static func render(_ results: inout ResultSet) throws -> Files {
        let stream = try ResultsStream(manifest: results.manifest, groups: ResultsStream.groups(of: results.runs),
                                       destination: .memory)
        for run in results.runs { try stream.append(stream.layout.format(run)) }
        let finished = try stream.finish()
        results.manifest = finished.manifest
        return finished.files!
    }

    /// `report.md` and its charts, from the data alone (what `coordbench report` rebuilds).
    public static func renderPresentation(_ results: ResultSet, groups: [ComparisonGroup]? = nil) throws
        -> (report: String, charts: [(name: String, svg: String)]) {
        let groups = groups ?? ComparisonGroup.groups(results)
        let names = CostQualityFrontier.fileNames(groups)
        let charts = groups.indices.compactMap { index -> (name: String, svg: String)? in
            CostQualityFrontier(groups[index]).map { (name: names[index]!, svg: $0.svg(title: chartTitle(groups[index]))) }
        }
        return (MarkdownReport.render(groups, manifest: results.manifest), charts)
    }

    /// A group's chart title: the scenario, and its grid point.
    static func chartTitle(_ group: ComparisonGroup) -> String {
        group.scenario.name + (group.point.isEmpty ? "" : " — " + group.point.map { "\($0.key) = \($0.value)" }
            .joined(separator: ", "))
    }

    /// Writes every file of `files` into `directory` (created if missing), each atomically.
    public static func write(_ files: Files, to directory: String) throws(IOFailure) {
        try SafeFile.createFolder(directory)
        for (name, text) in files.all {
            try writeAtomically(text, to: (directory as NSString).appendingPathComponent(name))
        }
    }

    /// Writes `text` to `path` through an exclusively created temporary with an unpredictable
    /// name in the same folder and a rename (see `SafeFile.writeAtomically`).
    public static func writeAtomically(_ text: String, to path: String) throws(IOFailure) {
        try SafeFile.writeAtomically(text, to: path)
    }
}
