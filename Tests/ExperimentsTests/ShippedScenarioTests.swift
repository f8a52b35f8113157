import Foundation
import Statistics
import Testing
@testable import Experiments

/// The claims the shipped scenarios' descriptions make, checked with the same paired
/// comparison the report uses.
@Suite("Shipped scenarios")
struct ShippedScenarioTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scenarios")

    static func metric(_ name: String, of scenario: Scenario, _ strategy: String, replications: Int) -> [Double] {
        metric(name, of: scenario, StrategyChoice(family: scenario.family, name: strategy)!, replications: replications)
    }

    static func metric(_ name: String, of scenario: Scenario, _ choice: StrategyChoice, replications: Int) -> [Double] {
        let index = scenario.family.metrics.firstIndex { $0.name == name }!
        return (0..<replications).map { r in
            let spec = RunSpec(index: 0, scenario: scenario, point: [], strategy: choice, replication: r, baseSeed: 99)
            return scenario.model.run(choice, workloadIdentity: spec.workloadIdentity, identity: spec.identity)
                .metrics[index]
        }
    }

    @Test("heterogeneous team: skill routing beats round robin on success and on cost per success")
    func heterogeneousTeam() throws {
        let scenario = try ScenarioLoader.load(
            path: Self.scenarios.appendingPathComponent("division-of-labour/heterogeneous-team.yaml").path)
        for (metric, better) in [("success-rate", 1.0), ("cost-per-success", -1.0)] {
            let skill = Self.metric(metric, of: scenario, "skill-routing", replications: 10)
            let naive = Self.metric(metric, of: scenario, "round-robin", replications: 10)
            let test = TwoSampleComparison(pairedBaseline: naive, current: skill)
            #expect(test.difference * better > 0, "\(metric)")
            #expect(test.pValue < 0.01, "\(metric): p = \(test.pValue)")
        }
    }

    @Test("M/M/4 team: committing tasks to agents' queues waits longer than a central queue")
    func mmcTeam() throws {
        let scenario = try ScenarioLoader.load(
            path: Self.scenarios.appendingPathComponent("division-of-labour/mmc-team.yaml").path)
        let central = Self.metric("mean-queue-wait", of: scenario, "least-loaded", replications: 10)
        for push in ["random", "round-robin"] {
            let test = TwoSampleComparison(pairedBaseline: central,
                                           current: Self.metric("mean-queue-wait", of: scenario, push, replications: 10))
            #expect(test.difference > 0 && test.pValue < 0.01, "\(push)")
        }
    }
}

/// The agent-team findings the README reports for the shipped support desk.
@Suite("Shipped agent-team scenario")
struct ShippedAgentTeamTests {
    static func scenario(correlation: String) throws -> Scenario {
        try ScenarioLoader.load(
            path: ShippedScenarioTests.scenarios.appendingPathComponent("agent-teams/support-desk.yaml").path,
            overrides: [Override(key: "correlation", value: correlation, line: 1, column: 1, keyLine: 1, keyColumn: 1)])
    }

    static func mean(_ metric: String, _ scenario: Scenario, _ strategy: StrategyChoice) -> Double {
        let values = ShippedScenarioTests.metric(metric, of: scenario, strategy, replications: 5)
        return values.reduce(0, +) / Double(values.count)
    }

    @Test("a verified router beats the frontier model alone at a fraction of its cost")
    func router() throws {
        let desk = try Self.scenario(correlation: "0.6")
        let frontier = StrategyChoice(family: Registry.builtIn.family(named: "agent-team")!, name: "single")!
        let router = StrategyChoice(family: Registry.builtIn.family(named: "agent-team")!, name: "router")!
        #expect(Self.mean("success-rate", desk, router) > Self.mean("success-rate", desk, frontier))
        #expect(Self.mean("cost-per-task", desk, router) < 0.5 * Self.mean("cost-per-task", desk, frontier))
    }

    @Test("voting among copies gains less the more their mistakes are correlated")
    func correlatedVoting() throws {
        let vote = StrategyChoice(family: Registry.builtIn.family(named: "agent-team")!, name: "scatter-gather")!
        let one = StrategyChoice(family: Registry.builtIn.family(named: "agent-team")!, name: "single", parameters: [("tier", 1)])!
        let gains = try ["0", "0.6", "0.95"].map { rho -> Double in
            let desk = try Self.scenario(correlation: rho)
            return Self.mean("success-rate", desk, vote) - Self.mean("success-rate", desk, one)
        }
        #expect(gains[0] > 0.02)
        #expect(gains[0] > gains[1] && gains[1] > gains[2] - 0.005)
        #expect(abs(gains[2]) < 0.01)
    }
}
