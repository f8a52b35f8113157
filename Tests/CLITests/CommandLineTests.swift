import Foundation
import Testing

/// The `coordbench` executable as a user meets it: exit codes, messages, files written.
@Suite("Command line", .serialized)
struct CommandLineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The binary built next to the tests (`swift build --build-tests` builds it), or
    /// `$COORDBENCH_BINARY`.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["COORDBENCH_BINARY"] { return path }
        let testBundle = Bundle.main.bundleURL
        for candidate in [testBundle.appendingPathComponent("coordbench"),
                          testBundle.deletingLastPathComponent().appendingPathComponent("coordbench"),
                          root.appendingPathComponent(".build/debug/coordbench")]
        where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate.path
        }
        return root.appendingPathComponent(".build/debug/coordbench").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the executable; `environment`, when given, is its whole environment.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? root
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("coordbench-cli-\(UUID().uuidString)")
    }

    @Test("bad input: positioned error on stderr, exit 2, nothing written")
    func badInput() throws {
        let out = Self.temporaryFolder()
        let scenario = Self.fixtures.appendingPathComponent("bad-rate.yaml").path
        let result = try Self.run(["simulate", scenario, "--strategy", "least-loaded"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad-rate.yaml:7:38: error: negative rate -2 is out of range; must be > 0"))
        #expect(result.stdout.isEmpty)

        let suite = Self.fixtures.appendingPathComponent("bad-suite.yaml").path
        let run = try Self.run(["run", suite, "--out", out.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains(
            "bad-suite.yaml:4:32: error: unknown strategy 'gredy'; expected one of: random, round-robin, least-loaded"))
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing may be written for bad input")

        let missing = try Self.run(["run", "/nonexistent/suite.yaml", "--out", out.path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/suite.yaml:1:1: error: no such file"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("unknown strategy on the command line suggests the nearest name")
    func unknownStrategy() throws {
        let scenario = Self.root.appendingPathComponent("scenarios/division-of-labour/mmc-team.yaml").path
        let result = try Self.run(["simulate", scenario, "--strategy", "round-robn"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown strategy 'round-robn'; did you mean 'round-robin'?"))
    }

    @Test("run writes four files; runs.csv and summary.csv are byte-identical for --jobs 1 and 2")
    func runDeterminism() throws {
        let suite = Self.root.appendingPathComponent("Tests/ReportingTests/Fixtures/small.yaml").path
        let a = Self.temporaryFolder(), b = Self.temporaryFolder()
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        let one = try Self.run(["run", suite, "--jobs", "1", "--out", a.path])
        let two = try Self.run(["run", suite, "--jobs", "2", "--out", b.path])
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        for name in ["runs.csv", "summary.csv", "report.md"] {
            let x = try Data(contentsOf: a.appendingPathComponent(name))
            let y = try Data(contentsOf: b.appendingPathComponent(name))
            #expect(x == y, "\(name) differs between --jobs 1 and --jobs 2")
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: a.appendingPathComponent("manifest.json")))
            as? [String: Any]
        let content = manifest?["content"] as? [String: Any]
        #expect(content?["rng"] as? String == "gsl_rng_mt19937")
        #expect((content?["options"] as? [String: Any])?["seed"] as? Int == 7)
        #expect((content?["scenarios"] as? [[String: Any]])?.count == 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: a.path).sorted()
        #expect(leftovers == ["manifest.json", "report.md", "results.json", "runs.csv", "summary.csv"],
                "no journal or temporary files left")
    }

    @Test("list shows every strategy and metric with its direction")
    func list() throws {
        let strategies = try Self.run(["list", "strategies"])
        #expect(strategies.status == 0)
        for name in ["random", "round-robin", "least-loaded", "skill-routing", "contract-net", "response-threshold"] {
            #expect(strategies.stdout.contains("  \(name) "))
        }
        let metrics = try Self.run(["list", "metrics"])
        #expect(metrics.stdout.contains("success-rate         ↑ fraction"))
        #expect(metrics.stdout.contains("makespan             ↓ time"))
        let bad = try Self.run(["list", "strategys"])
        #expect(bad.status == 2)
    }

    @Test("usage errors exit 2 (bad input or usage), not the parser's 64, with the parser's message and usage",
          arguments: [
              (["--bogus"], "Error: Unknown option '--bogus'"),
              (["run"], "Error: Missing expected argument '<suite>'"),
              (["run", "--jobs", "x", "Tests/ReportingTests/Fixtures/small.yaml"], "Error: The value 'x' is invalid for '--jobs <jobs>'"),
              (["run", "--jobs", "0", "Tests/ReportingTests/Fixtures/small.yaml"], "Error: --jobs must be at least 1, got 0"),
              (["frobnicate"], "Error: Unexpected argument 'frobnicate'"),
              (["list", "strategys"], "Error: The value 'strategys' is invalid for '<topic>'"),
              (["bench", "--pending", "x"], "Error: The value 'x' is invalid for '--pending <N,N,…>'"),
              (["bench", "--seconds=-1"], "Error: --seconds must be a number of seconds from 0 to 1000000"),
              (["bench", "--seconds", "inf"], "Error: --seconds must be a number of seconds from 0 to 1000000"),
              (["bench", "--min-runs", "0"], "Error: --min-runs must be from 1 to 1000000"),
          ])
    func usageErrors(arguments: [String], message: String) throws {
        let out = Self.temporaryFolder()
        let result = try Self.run(arguments + (arguments.first == "run" ? ["--out", out.path] : []))
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: coordbench"))
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing may be written for a usage error")
    }

    @Test("bench --scenario with --seconds 0 makes one run (it used to trap), or --min-runs of them")
    func benchScenarioOnce() throws {
        let once = try Self.run(["bench", "--scenario", "scenarios/agent-teams/support-desk.yaml", "--strategy", "single",
                                 "--seconds", "0"])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(once.stdout.hasPrefix("support-desk under single: 1 runs in "), "\(once.stdout)")
        let three = try Self.run(["bench", "--scenario", "scenarios/agent-teams/support-desk.yaml", "--strategy", "single",
                                  "--seconds", "0", "--min-runs", "3"])
        #expect(three.stdout.hasPrefix("support-desk under single: 3 runs in "), "\(three.stdout)")
    }

    @Test("help and --version exit 0 and print to stdout",
          arguments: [["--help"], ["--version"], ["run", "--help"], ["help", "run"], ["-h"]])
    func helpAndVersion(arguments: [String]) throws {
        let result = try Self.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        #expect(!result.stdout.isEmpty && result.stderr.isEmpty)
        if arguments == ["--version"] {
            #expect(result.stdout.wholeMatch(of: /\d+\.\d+\.\d+\S*\n/) != nil, "\(result.stdout)")
        } else {
            #expect(result.stdout.contains("USAGE: coordbench"))
        }
    }

    @Test("validate accepts every shipped scenario and suite")
    func validateShipped() throws {
        let dir = Self.root.appendingPathComponent("scenarios")
        let files = FileManager.default.enumerator(atPath: dir.path)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "scenarios/" + $0 }
        #expect(!files.isEmpty)
        let result = try Self.run(["validate"] + files)
        #expect(result.status == 0, "\(result.stderr)")
    }
}
