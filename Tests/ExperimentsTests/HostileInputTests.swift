import Foundation
import Testing
@testable import Experiments
import SimulationKernel

/// Inputs written to break the tool: every one must end in positioned errors (or a bounded
/// run) without trapping or exhausting memory. Speed is not timed here (the fuzzer's CPU
/// limits check it): an input that were expanded or multiplied out would not finish. Many of
/// these were found by the fuzzer (scripts/fuzz), whose saved failures the test command replays.
@Suite("Hostile input")
struct HostileInputTests {
    static let team = """
        name: t
        family: division-of-labour
        task-types: [a]
        agents:
          - {name: w, count: 2, skills: 1}
        workload:
          arrivals: {process: poisson, rate: 1, count: 50}

        """

    static func errors(_ files: [String: String], suite: Bool = false, budget: Budget = Budget(),
                       depth: SuiteLoader.Depth = .plan) throws -> [String] {
        let dir = try InputErrorTests.folder(files)
        do {
            if suite {
                _ = try SuiteLoader.load(path: dir + "/suite.yaml", budget: budget, depth: depth)
            } else {
                _ = try ScenarioLoader.load(path: dir + "/s.yaml")
            }
            return []
        } catch {
            return error.diagnostics.map { "\(URL(fileURLWithPath: $0.location.path).lastPathComponent):"
                + "\($0.location.line):\($0.location.column): \($0.message)" }
        }
    }

    @Test("non-finite and huge numbers are positioned errors with the allowed range", arguments: [
        ("rate: 1", "rate: .nan", "s.yaml:7:38: field 'rate' must be a number, got '.nan'"),
        ("rate: 1", "rate: nan", "s.yaml:7:38: field 'rate' must be a finite number, got 'nan'"),
        ("rate: 1", "rate: inf", "s.yaml:7:38: field 'rate' must be a finite number, got 'inf'"),
        ("rate: 1", "rate: 1e308", "s.yaml:7:38: rate 1e308 is out of range; must be > 0 and ≤ 1000000000"),
        ("count: 2", "count: 1e18", "s.yaml:5:22: field 'count' must be a whole number from 1 to 1000000, got '1e18'"),
        ("count: 50", "count: 99999999999999999999999",
         "s.yaml:7:48: field 'count' must be a whole number from 0 to 5000000, got '99999999999999999999999'"),
    ])
    func numbers(from: String, to: String, expected: String) throws {
        let errors = try Self.errors(["s.yaml": Self.team.replacingOccurrences(of: from, with: to)])
        #expect(errors == [expected])
    }

    @Test("distributions are bounded so draws stay finite and samplers end")
    func distributions() throws {
        let poisson = Self.team + "  size: {distribution: poisson, mean: 5e9}\n"
        #expect(try Self.errors(["s.yaml": poisson]) == [
            "s.yaml:8:39: mean 5e9 is out of range; must be > 0 and ≤ 100000000"])
        let lognormal = Self.team + "  size: {distribution: lognormal, mu: 1e6, sigma: 1}\n"
        #expect(try Self.errors(["s.yaml": lognormal]) == ["s.yaml:8:39: mu 1e6 is out of range; must be ≥ -50 and ≤ 50"])
        let skill = Self.team.replacingOccurrences(of: "skills: 1", with: "skills: 1e-300")
        #expect(try Self.errors(["s.yaml": skill]) == [
            "s.yaml:5:33: skills 1e-300 is out of range; must be 0 (cannot do it) or from 0.001 to 1"])
    }

    @Test("an alias bomb is a positioned error")
    func aliasBomb() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...12 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        text += "family: division-of-labour\n"
        let errors = try Self.errors(["s.yaml": text])
        #expect(errors.count == 1)
        #expect(errors.first?.contains("YAML aliases expand this file to more than") == true)
    }

    @Test("a random domain whose outcome count overflows is refused at its position")
    func outcomeOverflow() throws {
        let text = """
            family: negotiation
            deadline: 10
            domain:
              random: {issues: 20, values: 1000}
            agents:
              - {name: a, tactic: boulware}
              - {name: b, tactic: conceder}

            """
        #expect(try Self.errors(["s.yaml": text]) == [
            "s.yaml:4:32: a random domain of 20 issues with up to 1000 values each can have 1e60 outcomes; "
                + "at most 1000000 are supported"])
    }

    @Test("a stated domain whose outcome count overflows Int is refused, not trapped")
    func statedOverflow() throws {
        var text = "family: negotiation\ndeadline: 10\ndomain:\n  issues:\n"
        for i in 0..<30 { text += "    - {name: i\(i), values: [" + (0..<10).map { "v\($0)" }.joined(separator: ", ") + "]}\n" }
        text += "agents:\n  - {name: a, tactic: boulware}\n  - {name: b, tactic: conceder}\n"
        let errors = try Self.errors(["s.yaml": text])
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("s.yaml:5:5: the domain has 1e30 outcomes; at most 1000000") == true)
    }

    @Test("an astronomical grid is counted, not built, and refused with the numbers")
    func astronomicalGrid() throws {
        let suite = "scenarios:\n  - path: s.yaml\n    replications: 1000\n    grid:\n"
            + "      workload.arrivals.rate: [" + (1...1000).map(String.init).joined(separator: ", ") + "]\n"
            + "      workload.arrivals.count: [" + (1...1000).map(String.init).joined(separator: ", ") + "]\n"
            + "      agents.0.count: [" + (1...100).map(String.init).joined(separator: ", ") + "]\n"
        let errors = try Self.errors(["suite.yaml": suite, "s.yaml": Self.team], suite: true, depth: .check)
        #expect(errors == ["suite.yaml:5:7: this entry makes 600,000,000,000 runs (100,000,000 grid points × 6 "
                           + "strategies × 1,000 replications), more than --max-runs 1,000,000; raise --max-runs to run it"])
    }

    @Test("a run that needs more memory than allowed is refused before it starts")
    func memory() throws {
        let big = Self.team.replacingOccurrences(of: "count: 50", with: "count: 5000000")
        let budget = Budget(maxMemory: 64 * 1024 * 1024)
        let errors = try Self.errors(["suite.yaml": "scenarios: [s.yaml]\n", "s.yaml": big], suite: true, budget: budget)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("suite.yaml:1:13: a run of ") == true)
        #expect(errors.first?.contains("of memory, more than --max-memory 64 MiB") == true)
    }

    @Test("scenario paths stay inside the suite's folder unless allowed")
    func outsidePaths() throws {
        let errors = try Self.errors(["suite.yaml": "scenarios:\n  - path: /proc/self/environ\n"], suite: true)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("suite.yaml:2:11: scenario path '/proc/self/environ' lies outside") == true)
        let allowed = try Self.errors(["suite.yaml": "scenarios:\n  - path: /proc/self/environ\n"], suite: true,
                                      budget: Budget(allowOutsidePaths: true))
        #expect(allowed.count == 1)
        // Whatever the file holds, the message quotes at most a short excerpt of it.
        #expect(allowed.allSatisfy { $0.utf8.count < 700 })
    }

    @Test("names that would break outputs are rejected at their position")
    func names() throws {
        let crlf = Self.team.replacingOccurrences(of: "name: t\n", with: "name: \"t\\r\\nx\"\n")
        #expect(try Self.errors(["s.yaml": crlf]) == [
            "s.yaml:1:7: scenario name 't\\r\\nx' must be 1 to 100 bytes without control characters"])
        let long = Self.team.replacingOccurrences(of: "name: t\n", with: "name: " + String(repeating: "n", count: 300) + "\n")
        #expect(try Self.errors(["s.yaml": long]).first?.contains("must be 1 to 100 bytes") == true)
    }

    @Test("every family honours its event budget and records the stop", arguments: [
        "negotiation/supplier.yaml", "resource-allocation/gpu-cluster.yaml", "commons/fishery.yaml",
        "agent-teams/support-desk.yaml", "division-of-labour/mmc-team.yaml",
    ])
    func eventBudgets(path: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scenarios").path
        let text = try String(contentsOfFile: root + "/" + path, encoding: .utf8) + "\nevent-budget: 5\n"
        let dir = try InputErrorTests.folder(["s.yaml": text])
        let scenario = try ScenarioLoader.load(path: dir + "/s.yaml")
        let choice = StrategyChoice(family: scenario.family, name: scenario.family.strategies[0].name)!
        let outcome = scenario.model.run(choice, workloadIdentity: "w", identity: "i")
        #expect(outcome.stopReason == .eventBudget, "\(path)")
    }

    @Test("a wall-clock deadline stops a run and is recorded")
    func wallClock() throws {
        let long = Self.team.replacingOccurrences(of: "count: 50", with: "count: 2000000")
        let dir = try InputErrorTests.folder(["s.yaml": long])
        let scenario = try ScenarioLoader.load(path: dir + "/s.yaml")
        let choice = StrategyChoice(family: scenario.family, name: "least-loaded")!
        let outcome = scenario.model.run(choice, workloadIdentity: "w", identity: "i",
                                         deadline: .after(seconds: 0.05))
        #expect(outcome.stopReason == .wallClock)
    }
}

extension HostileInputTests {
    @Test("a scenario listed twice (under two spellings of its path) is refused: its runs would share identities")
    func listedTwice() throws {
        let suite = "scenarios:\n  - path: ./s.yaml\n  - path: s.yaml\n"
        let errors = try Self.errors(["suite.yaml": suite, "s.yaml": Self.team], suite: true)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("suite.yaml:3:5: ") == true)
        #expect(errors.first?.contains("s.yaml is listed twice") == true)
    }
}

extension HostileInputTests {
    @Test("YAML reader errors carry their real position, not 1:1")
    func readerErrorPosition() throws {
        let errors = try Self.errors(["s.yaml": "name: x\nfamily: commons\nrounds: 1\u{01}\n"])
        #expect(errors == ["s.yaml:3:10: malformed YAML: control characters are not allowed"])
    }

    @Test("a file larger than the limit, or a device, is refused without being read whole")
    func fileLimits() throws {
        let big = String(repeating: "# padding\n", count: ConfigFile.maximumFileSize / 10 + 1)
        #expect(try Self.errors(["s.yaml": big]) == [
            "s.yaml:1:1: file is larger than 2 MiB; scenario and suite files must be smaller"])
        #expect(throws: InputError([Diagnostic("not a regular file (a device, pipe or socket); expected a YAML file",
                                               at: SourceLocation(path: "/dev/zero", line: 1, column: 1))])) {
            try ScenarioLoader.load(path: "/dev/zero")
        }
    }
}

extension HostileInputTests {
    @Test("a grid with an empty axis is reported and never multiplied out")
    func emptyAxis() throws {
        let suite = "scenarios:\n  - path: s.yaml\n    grid:\n"
            + "      workload.arrivals.rate: [" + (1...2000).map(String.init).joined(separator: ", ") + "]\n"
            + "      workload.arrivals.count: [" + (1...2000).map(String.init).joined(separator: ", ") + "]\n"
            + "      agents.0.count: []\n"
        let errors = try Self.errors(["suite.yaml": suite, "s.yaml": Self.team], suite: true, depth: .plan)
        #expect(errors == ["suite.yaml:6:23: grid key 'agents.0.count' needs at least one value"])
    }

    @Test("a suite whose results would not fit in memory is refused before it runs")
    func resultMemory() throws {
        // Results stream to disk; what is held is a comparison group's metric values (here one
        // grid point of 600,000 runs: 6 strategies × 100,000 replications × 14 values of 8 bytes).
        let suite = "scenarios:\n  - path: s.yaml\n    replications: 100000\n"
        let errors = try Self.errors(["suite.yaml": suite, "s.yaml": Self.team], suite: true,
                                     budget: Budget(maxMemory: 32 * 1024 * 1024))
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("suite.yaml:2:3: the suite's results need about 64 MiB while it runs, mostly for "
                                        + "the 600,000 runs of one grid point of ") == true, "\(errors)")
        #expect(errors.first?.hasSuffix("s.yaml, whose metric values are held until they are summarised, besides the runs "
                                        + "in progress, more than --max-memory 32 MiB; lower its replications or raise "
                                        + "--max-memory") == true, "\(errors)")
        // As many runs spread over 100 grid points hold a hundredth as much at a time.
        let spread = "scenarios:\n  - path: s.yaml\n    replications: 1000\n    grid:\n      workload.arrivals.rate: ["
            + (1...100).map(String.init).joined(separator: ", ") + "]\n"
        #expect(try Self.errors(["suite.yaml": spread, "s.yaml": Self.team], suite: true,
                                budget: Budget(maxMemory: 32 * 1024 * 1024), depth: .check) == [])
    }
}

extension HostileInputTests {
    @Test("a grid value listed twice is refused (two points would share an identity); a grid of 81,000 values is refused")
    func gridValues() throws {
        let twice = "scenarios:\n  - path: s.yaml\n    grid:\n      workload.arrivals.rate: [1, 2, 1]\n"
        #expect(try Self.errors(["suite.yaml": twice, "s.yaml": Self.team], suite: true) == [
            "suite.yaml:4:38: grid value '1' is listed twice for 'workload.arrivals.rate'"])
        let long = "scenarios:\n  - path: s.yaml\n    grid:\n      workload.arrivals.rate: ["
            + (1...81_000).map { "\($0)" }.joined(separator: ", ") + "]\n"
        let errors = try Self.errors(["suite.yaml": long, "s.yaml": Self.team], suite: true, depth: .check)
        #expect(errors == ["suite.yaml:4:7: the grid lists 81,000 values; at most 10,000 are supported per scenario entry"])
    }
}
