import Foundation
import Testing
@testable import Experiments

/// A suite may name a baseline strategy and the key metrics its report compares.
@Suite("Suite baselines and key metrics")
struct SuiteBaselineTests {
    static func load(_ suite: String) throws -> Suite {
        let dir = try InputErrorTests.folder(["s.yaml": InputErrorTests.validScenario, "suite.yaml": suite])
        return try SuiteLoader.load(path: dir + "/suite.yaml")
    }

    static func errors(_ suite: String) throws -> [String] {
        let dir = try InputErrorTests.folder(["s.yaml": InputErrorTests.validScenario, "suite.yaml": suite])
        do {
            _ = try SuiteLoader.load(path: dir + "/suite.yaml")
            return []
        } catch {
            return error.diagnostics.map { $0.description.replacingOccurrences(of: dir + "/", with: "") }
        }
    }

    @Test("an entry's baseline and key metrics win over the suite's; metrics keep the family's order")
    func resolved() throws {
        let suite = try Self.load("""
            baseline: random
            key-metrics: [makespan, success-rate]
            scenarios:
              - s.yaml

            """)
        #expect(suite.entries[0].baseline == "random")
        #expect(suite.entries[0].keyMetrics == ["success-rate", "makespan"])
        let other = try Self.load("""
            baseline: random
            scenarios:
              - path: s.yaml
                baseline: least-loaded
                key-metrics: [messages, success-rate]

            """)
        #expect(other.entries[0].baseline == "least-loaded")
        #expect(other.entries[0].keyMetrics == ["success-rate", "messages"])
        let plain = try Self.load("scenarios: [s.yaml]\n")
        #expect(plain.entries[0].baseline == nil)
        #expect(plain.entries[0].keyMetrics == ["success-rate", "makespan", "mean-sojourn", "cost-per-success", "load-balance"])
    }

    @Test("unknown baselines and metrics are positioned errors that list what is valid")
    func errors() throws {
        #expect(try Self.errors("""
            scenarios:
              - path: s.yaml
                strategies: [random, round-robin]
                baseline: least-loaded

            """) == ["suite.yaml:4:15: error: unknown baseline strategy 'least-loaded'; expected one of: random, round-robin"])
        #expect(try Self.errors("""
            baseline: random
            scenarios:
              - path: s.yaml
                strategies: [round-robin]

            """) == ["suite.yaml:3:5: error: unknown baseline strategy 'random'; expected one of: round-robin "
                     + "(the suite's baseline, for s.yaml)"])
        #expect(try Self.errors("""
            scenarios:
              - path: s.yaml
                key-metrics: [sucess-rate, makespan, makespan]

            """) == ["suite.yaml:3:19: error: unknown metric 'sucess-rate'; did you mean 'success-rate'? expected one of: "
                     + "success-rate, tasks-completed, tasks-failed, makespan, mean-sojourn, p95-sojourn, mean-queue-wait, "
                     + "total-cost, cost-per-success, utilisation, load-balance, messages, wasted-work (family division-of-labour)",
                     "suite.yaml:3:42: error: key-metrics lists 'makespan' twice"])
        #expect(try Self.errors("""
            key-metrics: [welfare]
            scenarios: [s.yaml]

            """).first?.hasPrefix("suite.yaml:1:15: error: unknown key metric 'welfare'") == true)
    }
}
