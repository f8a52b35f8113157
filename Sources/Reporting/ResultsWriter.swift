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

    /// Builds every file's contents from a result set, and records the data files' SHA-256
    /// in its manifest (`results.manifest` is returned sealed with them).
    public static func render(_ results: inout ResultSet) throws -> Files {
        let groups = ComparisonGroup.groups(results)
        let runs = Tables.runs(results)
        let cells = Tables.summaryCells(groups)
        let summary = Tables.summary(cells)
        let json = try Tables.json(results, cells: cells)
        let details = Tables.details(results)
        func record(_ text: String) -> Manifest.FileRecord {
            Manifest.FileRecord(sha256: Manifest.sha256(text), bytes: text.utf8.count)
        }
        results.manifest.content.outputs = ["runs.csv": record(runs), "summary.csv": record(summary), "results.json": record(json)]
        for (name, text) in details { results.manifest.content.outputs[name] = record(text) }
        results.manifest.seal()
        let presentation = try renderPresentation(results, groups: groups)
        return Files(runs: runs, summary: summary, results: json, details: details, report: presentation.report,
                     manifest: try results.manifest.json(), charts: presentation.charts)
    }

    /// `report.md` and its charts, from the data alone (what `coordbench report` rebuilds).
    public static func renderPresentation(_ results: ResultSet, groups: [ComparisonGroup]? = nil) throws
        -> (report: String, charts: [(name: String, svg: String)]) {
        let groups = groups ?? ComparisonGroup.groups(results)
        let names = CostQualityFrontier.fileNames(groups)
        let charts = groups.indices.compactMap { index -> (name: String, svg: String)? in
            let group = groups[index]
            return CostQualityFrontier(group).map { frontier in
                let title = group.scenario.name + (group.point.isEmpty ? "" : " — " + group.point.map { "\($0.key) = \($0.value)" }
                    .joined(separator: ", "))
                return (name: names[index]!, svg: frontier.svg(title: title))
            }
        }
        return (MarkdownReport.render(groups, manifest: results.manifest), charts)
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
