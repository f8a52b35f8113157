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
        let choice = StrategyChoice(family: scenario.family, name: strategy)!
        let index = scenario.family.metrics.firstIndex { $0.name == name }!
        return (0..<replications).map { r in
            let spec = RunSpec(index: 0, scenario: scenario, point: [], strategy: choice, replication: r, baseSeed: 99)
            return scenario.model.run(choice.policy, workloadIdentity: spec.workloadIdentity, identity: spec.identity)
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
            let test = PairedComparison(skill, naive)
            #expect(test.meanDifference * better > 0, "\(metric)")
            #expect(test.pValue < 0.01, "\(metric): p = \(test.pValue)")
        }
    }

    @Test("M/M/4 team: committing tasks to agents' queues waits longer than a central queue")
    func mmcTeam() throws {
        let scenario = try ScenarioLoader.load(
            path: Self.scenarios.appendingPathComponent("division-of-labour/mmc-team.yaml").path)
        let central = Self.metric("mean-queue-wait", of: scenario, "least-loaded", replications: 10)
        for push in ["random", "round-robin"] {
            let test = PairedComparison(Self.metric("mean-queue-wait", of: scenario, push, replications: 10), central)
            #expect(test.meanDifference > 0 && test.pValue < 0.01, "\(push)")
        }
    }
}
