import Foundation
import Testing

/// `compare`, `verify` and `report` as a user meets them in CI: exit codes 0, 1, 2 and 3, the
/// verdict table, and a report rebuilt from the data alone.
@Suite("Compare, verify and report", .serialized)
struct CompareVerifyTests {
    typealias CLI = CommandLineTests

    static let desk = try! String(contentsOf: CLI.root.appendingPathComponent("scenarios/agent-teams/support-desk.yaml"),
                                  encoding: .utf8)
        .replacingOccurrences(of: "tasks: {count: 200, rate: 2, trials: 3}", with: "tasks: {count: 60, rate: 2, trials: 3}")

    static let suite = """
        name: desk
        seed: 11
        replications: 6
        scenarios:
          - path: support-desk.yaml
            strategies:
              - {name: single, tier: 0, label: single-small}
              - {name: single, tier: 1, label: single-medium}
              - router

        """

    /// A folder with the suite and its scenario (edited by `edit`), run into `folder/results`.
    static func run(_ edit: (String) -> String = { $0 }, arguments: [String] = []) throws -> URL {
        let folder = CLI.temporaryFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try suite.write(to: folder.appendingPathComponent("suite.yaml"), atomically: true, encoding: .utf8)
        try edit(desk).write(to: folder.appendingPathComponent("support-desk.yaml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "suite.yaml", "--out", "results", "--quiet"] + arguments, in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        return folder
    }

    /// The mid-size model made cheaper but weaker.
    static func weaker(_ text: String) -> String {
        text.replacingOccurrences(of: "    ability: 0.6\n", with: "    ability: 0.45\n")
            .replacingOccurrences(of: "price: {input: 0.003, output: 0.009}", with: "price: {input: 0.002, output: 0.006}")
    }

    @Test("compare: identical results exit 0; a weaker mid-size model exits 1 with its regressions; other seeds exit 3")
    func compare() throws {
        let base = try Self.run(), same = try Self.run(), worse = try Self.run(Self.weaker)
        let other = try Self.run(arguments: ["--seed", "12"])
        defer { for f in [base, same, worse, other] { try? FileManager.default.removeItem(at: f) } }
        let a = base.appendingPathComponent("results").path

        let unchanged = try CLI.run(["compare", a, same.appendingPathComponent("results").path])
        #expect(unchanged.status == 0, "\(unchanged.stderr)")
        #expect(unchanged.stdout.contains("No metric changed beyond noise and threshold."))
        #expect(unchanged.stdout.contains("**0 regressed, 0 improved, "))

        let json = worse.appendingPathComponent("compare.json").path
        let regressed = try CLI.run(["compare", a, worse.appendingPathComponent("results").path, "--json", json])
        #expect(regressed.status == 1, "\(regressed.stderr)")
        #expect(regressed.stdout.contains("| support-desk | default | single-medium | success-rate ↑ |"))
        #expect(regressed.stdout.contains("❌ regressed"))
        #expect(regressed.stdout.contains("- scenario support-desk.yaml: SHA-256 "), "the report says which input changed")
        // The small model is untouched and router escalates past the medium model only sometimes:
        // single-small's rows do not move at all.
        #expect(!regressed.stdout.contains("| single-small |"))
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect((document?["regressed"] as? Int ?? 0) > 0)
        let rows = document?["rows"] as? [[String: Any]] ?? []
        let mediumSuccess = rows.first { $0["strategy"] as? String == "single-medium" && $0["metric"] as? String == "success-rate" }
        #expect(mediumSuccess?["verdict"] as? String == "regressed")
        #expect(mediumSuccess?["paired"] as? Bool == true)

        // A threshold larger than the change (50 % relative, on success rate only) makes it pass.
        let lenient = try CLI.run(["compare", a, worse.appendingPathComponent("results").path,
                                   "--threshold", "50%", "--metrics", "success-rate"])
        #expect(lenient.status == 0, "\(lenient.stdout)")

        // The same from a thresholds file; a bad one is a positioned error.
        let file = worse.appendingPathComponent("thresholds.yaml")
        try "threshold: 1000%\nmetrics:\n  success-rate: 0.5\n".write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try CLI.run(["compare", a, worse.appendingPathComponent("results").path, "--thresholds", file.path])
        #expect(fromFile.status == 0, "\(fromFile.stdout)")
        #expect(fromFile.stdout.contains("(1000% for every metric, success-rate 0.5)"))
        try "threshold: 1000%\nmetrics:\n  success-rate: lots\n".write(to: file, atomically: true, encoding: .utf8)
        let badFile = try CLI.run(["compare", a, a, "--thresholds", file.path])
        #expect(badFile.status == 2)
        #expect(badFile.stderr.contains("thresholds.yaml:3:17: error: threshold of success-rate must be a relative threshold "
                                        + "such as 2% or an absolute one such as 0.01, got 'lots'"), "\(badFile.stderr)")

        let seeds = try CLI.run(["compare", a, other.appendingPathComponent("results").path])
        #expect(seeds.status == 3)
        #expect(seeds.stderr.contains("the base seeds differ (11 in \(a), 12 in "))
        let allowed = try CLI.run(["compare", a, other.appendingPathComponent("results").path, "--allow-unmatched"])
        #expect(allowed.status == 0 || allowed.status == 1)
        #expect(allowed.stdout.contains("0 runs paired"))

        let notResults = try CLI.run(["compare", a, base.path])
        #expect(notResults.status == 2)
        #expect(notResults.stderr.contains("manifest.json: no such file"))
        let badThreshold = try CLI.run(["compare", a, a, "--threshold", "lots"])
        #expect(badThreshold.status == 2)
        let nobody = try CLI.run(["compare", a, a, "--strategies", "single-mediun"])
        #expect(nobody.status == 2)
        #expect(nobody.stderr.contains("unknown strategy 'single-mediun'; did you mean 'single-medium'?"), "\(nobody.stderr)")
    }

    @Test("verify: reproduced exits 0 (also for a sample); a changed runs.csv exits 1; a changed input exits 3")
    func verify() throws {
        let folder = try Self.run()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = folder.appendingPathComponent("results")
        // From another working directory: the manifest locates the suite relative to the results.
        let ok = try CLI.run(["verify", results.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("18 runs reproduce runs.csv"))
        let sample = try CLI.run(["verify", results.path, "--sample", "5"])
        #expect(sample.status == 0, "\(sample.stderr)")
        #expect(sample.stdout.contains("5 of 18 runs (a deterministic sample) reproduce their rows of runs.csv"))

        // Edited data: refused, naming the file.
        let runs = results.appendingPathComponent("runs.csv")
        let original = try String(contentsOf: runs, encoding: .utf8)
        try original.replacingOccurrences(of: ",drained,", with: ",event-budget,").write(to: runs, atomically: true, encoding: .utf8)
        let edited = try CLI.run(["verify", results.path])
        #expect(edited.status == 1)
        #expect(edited.stderr.contains("runs.csv is not the file manifest.json records"))
        try original.write(to: runs, atomically: true, encoding: .utf8)

        // A manifest that points at a device: refused without reading it.
        let manifestURL = results.appendingPathComponent("manifest.json")
        let manifestData = try Data(contentsOf: manifestURL)
        var json = try JSONSerialization.jsonObject(with: manifestData) as! [String: Any]
        let up = String(repeating: "../", count: results.standardizedFileURL.pathComponents.count - 1)
        json["location"] = ["suite": up + "dev/zero"]
        try JSONSerialization.data(withJSONObject: json).write(to: manifestURL)
        let device = try CLI.run(["verify", results.path])
        #expect(device.status == 3)
        #expect(device.stderr.contains("suite /dev/zero is not a readable input file"), "\(device.stderr)")
        try manifestData.write(to: manifestURL)

        // A changed scenario: the recorded inputs are not there any more.
        try Self.weaker(Self.desk).write(to: folder.appendingPathComponent("support-desk.yaml"), atomically: true, encoding: .utf8)
        let changed = try CLI.run(["verify", results.path])
        #expect(changed.status == 3)
        #expect(changed.stderr.contains("support-desk.yaml has changed (SHA-256 "))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("support-desk.yaml"))
        let missing = try CLI.run(["verify", results.path])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("support-desk.yaml is missing"))
    }

    @Test("report rebuilds report.md and the charts from runs.csv and manifest.json, byte for byte")
    func report() throws {
        let folder = try Self.run()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = folder.appendingPathComponent("results")
        let names = try FileManager.default.contentsOfDirectory(atPath: results.path).filter { $0.hasSuffix(".md") || $0.hasSuffix(".svg") }
        #expect(names.count == 2, "report.md and one chart")
        var before: [String: Data] = [:]
        for name in names {
            before[name] = try Data(contentsOf: results.appendingPathComponent(name))
            try FileManager.default.removeItem(at: results.appendingPathComponent(name))
        }
        let rebuilt = try CLI.run(["report", results.path])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        for name in names { #expect(try Data(contentsOf: results.appendingPathComponent(name)) == before[name], "\(name)") }
    }
}
