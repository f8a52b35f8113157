import Foundation
import Testing
@testable import ResourceAllocation
import SimulationKernel

/// The logistic commons against its difference equation.
@Suite("Commons")
struct CommonsTests {
    static func greedyTeam(rounds: Int = 200) -> CommonsScenario {
        // Greedy agents with ample capacity: whatever quota there is binds exactly.
        CommonsScenario(name: "greedy", rounds: rounds, capacity: 1000, growth: 0.5, initial: 1000, collapseBelow: 0.05,
                        groups: [HarvesterGroup(name: "greedy", count: 5, script: .greedy, capacity: 1000)])
    }

    static func run(_ scenario: CommonsScenario, _ governance: Governance) -> CommonsResult {
        CommonsModel.run(scenario, governance: governance, weather: RandomStream(seed: 1), stream: RandomStream(seed: 2))
    }

    @Test("the maximum sustainable yield is rK/4, reached at stock K/2")
    func msy() {
        let s = Self.greedyTeam()
        #expect(s.maximumSustainableYield == 0.5 * 1000 / 4)
        #expect(s.regrowth(500) == s.maximumSustainableYield)
        for x in stride(from: 0.0, through: 1000, by: 12.5) where x != 500 { #expect(s.regrowth(x) < s.regrowth(500)) }
    }

    @Test("a total quota at the MSY survives the whole horizon and approaches K/2 from above")
    func quotaAtMSY() {
        let result = Self.run(Self.greedyTeam(), .centralQuota(quota: 1))
        #expect(!result.collapsed)
        #expect(result.survival == 200)
        #expect(result.stock.allSatisfy { $0 >= 500 - 1e-6 })
        #expect(abs(result.totalHarvest - 125 * 200) < 1e-6)
        #expect(zip(result.stock, result.stock.dropFirst()).allSatisfy { $0 >= $1 - 1e-9 }, "monotone decline")
    }

    /// The collapse time of a quota above the MSY equals the first t with x_t below the
    /// threshold, iterating x' = x + r·x·(1 − x/K) − min(Q, x + r·x·(1 − x/K)).
    @Test("a quota well above the MSY collapses when the difference equation says", arguments: [1.2, 1.5, 2.0, 3.0])
    func collapseTime(multiple: Double) {
        let scenario = Self.greedyTeam()
        let result = Self.run(scenario, .centralQuota(quota: multiple))
        let q = multiple * scenario.maximumSustainableYield
        var x = scenario.initial, t = 0
        while x >= scenario.collapseBelow * scenario.capacity && t < scenario.rounds {
            let available = x + scenario.regrowth(x)
            x = available - min(q, available)
            t += 1
        }
        #expect(result.collapsed)
        #expect(result.survival == t, "simulated \(result.survival), difference equation \(t)")
    }

    @Test("ungoverned greed collapses; a quota saves it; monitoring deters when probability × fine ≥ 1")
    func governance() {
        let scenario = CommonsScenario(name: "mixed", rounds: 100, capacity: 1000, growth: 0.4, initial: 1000, groups: [
            HarvesterGroup(name: "sustainable", count: 6, script: .sustainable, capacity: 40),
            HarvesterGroup(name: "greedy", count: 4, script: .greedy, capacity: 40),
        ])
        #expect(Self.run(scenario, .none).collapsed)
        #expect(!Self.run(scenario, .centralQuota(quota: 1)).collapsed)
        #expect(!Self.run(scenario, .votedQuota).collapsed, "the sustainable majority votes the MSY")
        #expect(!Self.run(scenario, .monitoring(probability: 0.5, fine: 2, deterrence: 5)).collapsed)
    }
}
