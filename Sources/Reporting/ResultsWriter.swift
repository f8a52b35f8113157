import Foundation
import Experiments

/// Writes a results folder: every file goes to a new temporary with an unpredictable name
/// first and is renamed into place, so a folder never holds a half-written file and a
/// symbolic link planted in it is replaced, never followed.
public enum ResultsWriter {
    public struct Files: Sendable {
        public let runs: String
        public let summary: String
        public let report: String
        public let manifest: String
        /// Charts referenced from the report: (file name, SVG text).
        public let charts: [(name: String, svg: String)]
    }

    /// Builds the four files' contents from finished records (in plan order).
    public static func render(records: [RunRecord], plan: RunPlan, manifest: Manifest, toolVersion: String) throws -> Files {
        let groups = ComparisonGroup.groups(records, confidence: plan.suite.confidence)
        let names = CostQualityFrontier.fileNames(groups)
        let charts = groups.indices.compactMap { index in
            let group = groups[index]
            return CostQualityFrontier(group).map { frontier in
                let title = group.scenario.name + (group.point.isEmpty ? "" : " — " + group.point.map { "\($0.key) = \($0.value)" }
                    .joined(separator: ", "))
                return (name: names[index]!, svg: frontier.svg(title: title))
            }
        }
        return Files(
            runs: Tables.runs(records, plan: plan), summary: Tables.summary(groups),
            report: MarkdownReport.render(groups, suite: plan.suite, toolVersion: toolVersion),
            manifest: try manifest.json(), charts: charts)
    }

    /// Writes every file of `files` into `directory` (created if missing), each atomically.
    public static func write(_ files: Files, to directory: String) throws(IOFailure) {
        try SafeFile.createFolder(directory)
        for (name, text) in [("runs.csv", files.runs), ("summary.csv", files.summary), ("report.md", files.report),
                             ("manifest.json", files.manifest)] + files.charts.map({ ($0.name, $0.svg) }) {
            try writeAtomically(text, to: (directory as NSString).appendingPathComponent(name))
        }
    }

    /// Writes `text` to `path` through an exclusively created temporary with an unpredictable
    /// name in the same folder and a rename (see `SafeFile.writeAtomically`).
    public static func writeAtomically(_ text: String, to path: String) throws(IOFailure) {
        try SafeFile.writeAtomically(text, to: path)
    }
}
