import Foundation
import Testing
@testable import Experiments
@testable import Reporting

/// Chart file names come from scenario names and grid values: different groups must not
/// share a file, and a name must stay short enough to be written.
@Suite("Chart file names")
struct ChartNameTests {
    static let repository = GoldenTests.here.deletingLastPathComponent().deletingLastPathComponent()

    /// Agent-team groups of the shipped support desk at the given descriptions (grid values).
    static func chartedFolder(_ descriptions: [String], scenario: String = "support-desk") throws
        -> (ResultsWriter.Files, String) {
        let desk = try String(contentsOf: repository.appendingPathComponent("scenarios/agent-teams/support-desk.yaml"),
                              encoding: .utf8).replacingOccurrences(of: "name: support-desk", with: "name: " + scenario)
        let values = descriptions.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ", ")
        let dir = try TestFolders.make(["support-desk.yaml": desk, "suite.yaml": """
            name: charts
            replications: 2
            scenarios:
              - path: support-desk.yaml
                strategies: [single, router]
                grid:
                  tasks.count: [8]
                  description: [\(values)]

            """])
        let suite = try SuiteLoader.load(path: dir + "/suite.yaml")
        let files = try Pipeline.run(suite, jobs: 2).files
        let out = dir + "/out"
        try ResultsWriter.write(files, to: out)
        return (files, out)
    }

    @Test("grid values 'a b', 'a/b' and 'a-b' get three chart files, each linked from the report")
    func chartCollisions() throws {
        let (files, out) = try Self.chartedFolder(["a b", "a/b", "a-b", "unique"])
        let names = files.charts.map(\.name)
        #expect(names.count == 4 && Set(names.map { $0.lowercased() }).count == 4)
        // The unique one keeps today's name; the colliding ones end with a hash of their key.
        #expect(names[3] == "frontier-support-desk-tasks.count-8-description-unique.svg")
        for name in names.prefix(3) {
            #expect(name.hasPrefix("frontier-support-desk-tasks.count-8-description-a-b-") && name.hasSuffix(".svg"))
            #expect(name.utf8.count == "frontier-support-desk-tasks.count-8-description-a-b-".utf8.count + 12 + 4)
        }
        for (chart, value) in zip(files.charts, ["a b", "a/b", "a-b", "unique"]) {
            #expect(files.report.contains("](\(chart.name))"), "the report links \(chart.name)")
            #expect(chart.svg.contains("description = \(value)"), "\(chart.name) is the chart of \(value)")
            #expect(try String(contentsOfFile: out + "/" + chart.name, encoding: .utf8) == chart.svg)
        }
        // Deterministic: the same names again.
        #expect(try Self.chartedFolder(["a b", "a/b", "a-b", "unique"]).0.charts.map(\.name) == names)
    }

    @Test("a 100-byte scenario name and grid value give a chart name of at most 120 bytes that can be written")
    func longChartName() throws {
        // 100 bytes is what the readers allow for a name or a grid value; together, with the
        // grid key, the name would be 236 bytes.
        let scenario = "support-desk-" + String(repeating: "x", count: 87)
        let long = String(repeating: "y", count: 100), other = String(repeating: "y", count: 99) + "z"
        let (files, out) = try Self.chartedFolder([long, other], scenario: scenario)
        let names = files.charts.map(\.name)
        #expect(names.count == 2 && names[0] != names[1])
        for (chart, value) in zip(files.charts, [long, other]) {
            #expect(chart.name.utf8.count <= CostQualityFrontier.maximumFileNameLength)
            #expect(chart.name.hasPrefix("frontier-support-desk-xxxx") && chart.name.hasSuffix(".svg"))
            #expect(files.report.contains("](\(chart.name))"))
            #expect(chart.svg.contains(value))
            #expect(FileManager.default.fileExists(atPath: out + "/" + chart.name))
        }
    }
}
