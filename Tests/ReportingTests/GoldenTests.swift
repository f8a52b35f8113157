import Foundation
import Testing
@testable import Experiments
@testable import Reporting

/// The whole pipeline against committed golden files: a result is a pure function of the
/// inputs, the seed and the tool version, so any change to these bytes is a change of
/// results and must be deliberate. Regenerate with `COORDBENCH_UPDATE_GOLDEN=1 swift test`
/// and review the diff.
@Suite("Golden files")
struct GoldenTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = here.appendingPathComponent("Fixtures")
    static let golden = here.appendingPathComponent("Golden")

    static func render(jobs: Int) throws -> ResultsWriter.Files {
        let suite = try SuiteLoader.load(path: fixtures.appendingPathComponent("small.yaml").path)
        return try Pipeline.run(suite, directory: golden.path, jobs: jobs).files
    }

    /// Paths in the report depend on where the tests run from; golden files use `Fixtures/`.
    static func normalised(_ text: String) -> String {
        let absolute = fixtures.path + "/"
        let relative = SuiteLoader.relativePath(fixtures.path) + "/"
        return text.replacingOccurrences(of: absolute, with: "Fixtures/").replacingOccurrences(of: relative, with: "Fixtures/")
    }

    @Test("runs.csv, summary.csv and report.md match the golden files", arguments: ["runs.csv", "summary.csv", "report.md"])
    func golden(name: String) throws {
        let files = try Self.render(jobs: 2)
        let text = Self.normalised(name == "runs.csv" ? files.runs : name == "summary.csv" ? files.summary : files.report)
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["COORDBENCH_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(name) differs from its golden file; if the change is intended, regenerate it")
    }

    @Test("CSV output is byte-identical for --jobs 1 and --jobs 3")
    func jobsDoNotMatter() throws {
        let one = try Self.render(jobs: 1)
        let three = try Self.render(jobs: 3)
        #expect(one.runs == three.runs)
        #expect(one.summary == three.summary)
        #expect(one.report == three.report)
        #expect(one.results == three.results)
        #expect(one.manifest == three.manifest, "the manifest holds no provenance here, so it is equal too")
    }
}
