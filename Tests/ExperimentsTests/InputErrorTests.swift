import Foundation
import Testing
@testable import Experiments

/// Bad input: every problem is reported as `path:line:column: error: message`, quoting the
/// bad token and listing what is valid.
@Suite("Input errors")
struct InputErrorTests {
    static let validScenario = """
        family: division-of-labour
        task-types: [code, test]
        agents:
          - name: dev
            count: 2
            speed: 1
            skills: {code: 0.9, test: 0.5}
        workload:
          arrivals: {process: poisson, rate: 1, count: 10}
          size: {distribution: exponential, mean: 1}

        """

    /// Writes `files` (name → text) to a fresh folder and returns its path.
    static func folder(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("coordbench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir.path
    }

    static func scenarioErrors(_ text: String) throws -> [String] {
        let dir = try folder(["s.yaml": text])
        do {
            _ = try ScenarioLoader.load(path: dir + "/s.yaml")
            return []
        } catch {
            return error.diagnostics.map { $0.description.replacingOccurrences(of: dir + "/", with: "") }
        }
    }

    @Test("a valid scenario loads")
    func valid() throws {
        #expect(try Self.scenarioErrors(Self.validScenario) == [])
    }

    @Test("bad scenario input is reported with file, line, column and what is valid", arguments: [
        // Malformed YAML.
        ("family: division-of-labour\ntask-types: [code, test\n",
         ["s.yaml:3:1: error: malformed YAML: did not find expected ',' or ']'"]),
        // Unknown key, with the nearest name suggested.
        (validScenario.replacingOccurrences(of: "    speed: 1", with: "    speeed: 1"),
         ["s.yaml:6:5: error: unknown key 'speeed'; did you mean 'speed'? expected one of: name, count, role, speed, "
          + "cost, reliability, skills (in agent)"]),
        // Negative rate.
        (validScenario.replacingOccurrences(of: "rate: 1,", with: "rate: -1,"),
         ["s.yaml:9:38: error: negative rate -1 is out of range; must be > 0 and ≤ 1000000000"]),
        // Missing field.
        (validScenario.replacingOccurrences(of: "task-types: [code, test]\n", with: ""),
         ["s.yaml:1:1: error: missing field 'task-types' in scenario"]),
        // Unknown task type in skills.
        (validScenario.replacingOccurrences(of: "test: 0.5", with: "tset: 0.5"),
         ["s.yaml:7:25: error: unknown key 'tset'; did you mean 'test'? expected one of: code, test (in skills)"]),
        // Unknown distribution.
        (validScenario.replacingOccurrences(of: "distribution: exponential", with: "distribution: expo"),
         ["s.yaml:10:24: error: unknown distribution 'expo'; expected one of: constant, exponential, gamma, lognormal, "
          + "uniform, beta, poisson"]),
        // Unknown family.
        (validScenario.replacingOccurrences(of: "family: division-of-labour", with: "family: division-of-labor"),
         ["s.yaml:1:9: error: unknown family 'division-of-labor'; did you mean 'division-of-labour'? expected one of: "
          + "division-of-labour, negotiation, resource-allocation, commons, agent-team"]),
        // Several problems at once are all reported.
        (validScenario.replacingOccurrences(of: "count: 2", with: "count: zero")
            .replacingOccurrences(of: "mean: 1}", with: "mean: 0}"),
         ["s.yaml:5:12: error: field 'count' must be a whole number, got 'zero'",
          "s.yaml:10:43: error: mean 0 is out of range; must be > 0 and ≤ 1000000000000"]),
        // A task type nobody can do.
        (validScenario.replacingOccurrences(of: "task-types: [code, test]", with: "task-types: [code, test, ops]"),
         ["s.yaml:4:3: error: no worker has a skill for task type 'ops'"]),
    ])
    func badScenario(text: String, expected: [String]) throws {
        #expect(try Self.scenarioErrors(text) == expected)
    }

    @Test("an unreadable or missing file is an error at 1:1")
    func missingFile() {
        #expect(throws: InputError([Diagnostic("no such file", at: SourceLocation(path: "/nonexistent/x.yaml", line: 1, column: 1))])) {
            try ScenarioLoader.load(path: "/nonexistent/x.yaml")
        }
    }

    static let negotiationScenario = """
        family: negotiation
        deadline: 10
        domain:
          issues:
            - {name: price, values: [low, high]}
        agents:
          - {name: a, tactic: boulware, weights: {price: 1}, values: {price: [1, 0]}}
          - {name: b, tactic: conceder, weights: {price: 1}, values: {price: [0, 1]}}

        """

    @Test("bad negotiation input", arguments: [
        (negotiationScenario, [String]()),
        (negotiationScenario.replacingOccurrences(of: "tactic: conceder", with: "tactic: concede"),
         ["s.yaml:8:23: error: unknown tactic 'concede'; did you mean 'conceder'? expected one of: boulware, linear, "
          + "conceder, time-based, hardliner, tit-for-tat, random, rubinstein"]),
        (negotiationScenario.replacingOccurrences(of: "values: {price: [0, 1]}", with: "values: {price: [0, 1, 1]}"),
         ["s.yaml:8:70: error: values.price must list one utility (0…1) per value: 2 for low, high"]),
        (negotiationScenario.replacingOccurrences(of: "weights: {price: 1}, values: {price: [1, 0]}",
                                                   with: "weights: {price: 0.5}, values: {price: [1, 0]}"),
         ["s.yaml:7:42: error: weights of agent 'a' sum to 0.5; they must sum to 1"]),
        (negotiationScenario.replacingOccurrences(of: "deadline: 10", with: "deadline: 0"),
         ["s.yaml:2:11: error: deadline 0 is out of range; must be from 1 to 1000000"]),
        (negotiationScenario.replacingOccurrences(of: "tactic: boulware,", with: "tactic: hardliner, exponent: 3,"),
         ["s.yaml:7:44: error: 'exponent' only applies to time-based tactics (boulware, linear, conceder, time-based)"]),
    ])
    func badNegotiation(text: String, expected: [String]) throws {
        #expect(try Self.scenarioErrors(text) == expected)
    }

    @Test("bad resource-allocation and commons input", arguments: [
        ("family: commons\nrounds: 10\nresource: {capacity: 100, growth: 2.5}\nagents:\n  - {name: a, script: greddy, capacity: 5}\n",
         ["s.yaml:3:35: error: growth 2.5 is out of range; must be > 0 and ≤ 2",
          "s.yaml:5:23: error: unknown script 'greddy'; did you mean 'greedy'? expected one of: sustainable, greedy, conditional"]),
        ("family: resource-allocation\nperiods: 5\nsupply: {units: 3}\nbidders:\n"
            + "  - {name: a, count: 2, need: 1, value: 2, behaviour: shading}\n",
         ["s.yaml:5:5: error: missing field 'factor' in bidder group 'a' (shading)"]),
    ])
    func badResources(text: String, expected: [String]) throws {
        #expect(try Self.scenarioErrors(text) == expected)
    }

    @Test("bad agent-team input: every problem, roles checked against every declared member")
    func badAgentTeam() throws {
        let text = """
            family: agent-team
            tasks: {count: 10}
            difficulty: 0.5
            members:
              - {name: small, ability: 0.4, latency: 1, failures: {error: 0.7, hang: 0.5}}
              - {name: big, ability: 0.8, latency: 2}
            roles: {primary: smal, tiers: [big, huge]}

            """
        #expect(try Self.scenarioErrors(text) == [
            "s.yaml:5:55: error: failure probabilities sum to 1.2; at most 1",
            "s.yaml:7:18: error: unknown member 'smal'; did you mean 'small'? expected one of: small, big (in roles.primary)",
            "s.yaml:7:37: error: unknown member 'huge'; expected one of: small, big (in roles.tiers)",
        ])
    }

    @Test("a folder given as a file cannot be read")
    func folderAsFile() throws {
        let dir = try Self.folder([:])
        #expect(throws: InputError([Diagnostic("cannot read a folder; expected a YAML file",
                                                at: SourceLocation(path: dir, line: 1, column: 1))])) {
            try ScenarioLoader.load(path: dir)
        }
    }

    @Test("suite errors: unknown strategy with a suggestion, bad parameter, bad grid key and grid value")
    func badSuite() throws {
        let dir = try Self.folder(["s.yaml": Self.validScenario, "suite.yaml": """
            seed: 3
            scenarios:
              - path: s.yaml
                strategies: [round-robn, {name: skill-routing, min-success: 2}, {name: contract-net, award: fastest}]
              - path: s.yaml
                grid:
                  workload.arrivals.rates: [1, 2]
              - path: s.yaml
                grid:
                  workload.arrivals.rate: [1, -2]

            """])
        do {
            _ = try SuiteLoader.load(path: dir + "/suite.yaml")
            Issue.record("expected errors")
        } catch {
            let lines = error.diagnostics.map { $0.description.replacingOccurrences(of: dir + "/", with: "") }
            #expect(lines == [
                "suite.yaml:4:18: error: unknown strategy 'round-robn'; did you mean 'round-robin'? expected one of: "
                    + "random, round-robin, least-loaded, skill-routing, contract-net, response-threshold "
                    + "(family division-of-labour)",
                "suite.yaml:4:65: error: skill-routing.min-success 2 is out of range; must be ≥ 0 and ≤ 1",
                "suite.yaml:4:97: error: unknown value 'fastest'; expected one of: earliest-finish, cheapest "
                    + "(for contract-net.award)",
                "suite.yaml:7:7: error: grid key 'workload.arrivals.rates' names no field of scenario s.yaml",
                "suite.yaml:10:35: error: negative rate -2 is out of range; must be > 0 and ≤ 1000000000 "
                    + "(value from the suite's grid)",
            ])
        }
    }

    @Test("duplicate keys are reported")
    func duplicateKeys() throws {
        let text = Self.validScenario.replacingOccurrences(of: "    speed: 1\n", with: "    speed: 1\n    speed: 2\n")
        #expect(try Self.scenarioErrors(text) == ["s.yaml:7:5: error: duplicate key 'speed'"])
    }
}
