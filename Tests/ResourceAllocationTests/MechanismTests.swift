import Foundation
import Testing
@testable import ResourceAllocation
import SimulationKernel

/// Allocation mechanisms against auction theory and by hand.
@Suite("Mechanisms")
struct MechanismTests {
    static func singleItem(bidders: Int, behaviour: Behaviour = .truthful) -> MarketScenario {
        MarketScenario(name: "single", periods: 1, supply: .constant(1), divisible: false, groups: [
            BidderGroup(name: "bidder", initial: bidders, need: .constant(1), value: .uniform(min: 0, max: 10),
                        behaviour: behaviour),
        ])
    }

    static func run(_ scenario: MarketScenario, _ mechanism: Mechanism, replication: Int) -> [Bidder] {
        ResourceAllocationFamily.run(scenario, mechanism: mechanism,
                                     workload: RandomStreams(identity: "market|rep=\(replication)"),
                                     strategy: RandomStreams(identity: "market|rep=\(replication)|\(mechanism)")).bidders
    }

    @Test("Vickrey: the highest value wins and pays the second-highest bid", arguments: 0..<50)
    func vickrey(replication: Int) {
        let bidders = Self.run(Self.singleItem(bidders: 6), .vickrey, replication: replication)
        let values = bidders.map(\.value).sorted(by: >)
        let winners = bidders.filter { $0.received == 1 }
        #expect(winners.count == 1)
        #expect(winners.first?.value == values[0])
        #expect(winners.first?.paid == values[1])
        #expect(bidders.filter { $0.received == 0 }.allSatisfy { $0.paid == 0 })
    }

    /// A focal bidder (the first) shading its bid by a factor, against the same workload
    /// with it bidding truthfully: under VCG it can never gain. Checked per replication,
    /// for one item and for several units with multi-unit needs.
    @Test("Vickrey: shading never beats truthful bidding", arguments: [0.9, 0.7, 0.4])
    func shadingNeverPays(factor: Double) {
        for (units, need) in [(1.0, Distribution.constant(1)), (5.0, Distribution.poisson(mean: 2))] {
            for replication in 0..<200 {
                func focal(_ behaviour: Behaviour) -> Double {
                    let scenario = MarketScenario(name: "focal", periods: 1, supply: .constant(units), divisible: false, groups: [
                        BidderGroup(name: "focal", initial: 1, need: need, value: .uniform(min: 0, max: 10), behaviour: behaviour),
                        BidderGroup(name: "others", initial: 5, need: need, value: .uniform(min: 0, max: 10)),
                    ])
                    return Self.run(scenario, .vickrey, replication: replication)[0].utility
                }
                let truthful = focal(.truthful), shaded = focal(.shading(factor: factor))
                #expect(shaded <= truthful + 1e-9, "units \(units), replication \(replication): \(shaded) > \(truthful)")
            }
        }
    }

    @Test("first price: the highest bid wins and pays it")
    func firstPrice() {
        for replication in 0..<20 {
            let bidders = Self.run(Self.singleItem(bidders: 4, behaviour: .shading(factor: 0.8)), .firstPrice,
                                   replication: replication)
            let winner = bidders.first { $0.received == 1 }!
            #expect(winner.bid == bidders.map(\.bid).max())
            #expect(abs(winner.paid - winner.bid) < 1e-12)
        }
    }

    /// With common random numbers every mechanism faces the same bidders and supply, so the
    /// full-information allocator (highest true values first, true needs) must reach at least
    /// the welfare of each of them in every single replication.
    @Test("the central allocator's welfare is never below any other mechanism's", arguments: [true, false])
    func centralUpperBound(divisible: Bool) {
        let scenario = MarketScenario(
            name: "mixed", periods: 15, supply: .uniform(min: 3, max: 9), divisible: divisible, groups: [
                BidderGroup(name: "a", initial: 3, arrivalRate: 1, need: .poisson(mean: 3), value: .uniform(min: 1, max: 10),
                            priority: 1),
                BidderGroup(name: "b", initial: 2, arrivalRate: 1, need: .gamma(shape: 2, scale: 1.5),
                            value: .lognormal(mu: 1, sigma: 0.5), behaviour: .overClaiming(factor: 2)),
                BidderGroup(name: "c", arrivalRate: 0.5, need: .constant(2), value: .uniform(min: 0, max: 4),
                            behaviour: .shading(factor: 0.5), priority: 3),
                BidderGroup(name: "d", arrivalRate: 0.5, need: .constant(4), value: .uniform(min: 2, max: 6),
                            behaviour: .budgetConstrained(budget: 8)),
            ], starvationBound: 3)
        for replication in 0..<30 {
            let welfare = { (m: Mechanism) -> Double in
                ResourceAllocationFamily.run(scenario, mechanism: m, workload: RandomStreams(identity: "crn|\(replication)"),
                                             strategy: RandomStreams(identity: "crn|\(replication)|\(m)")).metrics[0]
            }
            let central = welfare(.central)
            for m in Mechanism.allCases where m != .central {
                #expect(central >= welfare(m) - 1e-9, "replication \(replication): \(m)")
            }
        }
    }

    @Test("allocation rules by hand")
    func byHand() {
        // Water-filling 10 among wants 1, 4, 8: 1, then 4.5 each capped at 4, then the rest.
        #expect(Allocation.waterFill(want: [1, 4, 8], weights: [1, 1, 1], supply: 10) == [1, 4, 5])
        // Proportional to weights 1:3 of 8 whole units, wants 5 and 5: 2 and 6 → capped 5, 3 to the first.
        #expect(Allocation.proportional(want: [5, 5], weights: [1, 3], supply: 8, integral: true) == [3, 5])
        // Hamilton: 7 units by weights 1:1:1 → 2.33 each → 2, 2, 2 and one more to the first.
        #expect(Allocation.proportional(want: [9, 9, 9], weights: [1, 1, 1], supply: 7, integral: true) == [3, 2, 2])
        // Round robin continues where it stopped.
        var cursor = 0
        #expect(Allocation.roundRobin(want: [2, 2, 2], supply: 4, start: &cursor) == [2, 1, 1])
        #expect(Allocation.roundRobin(want: [2, 2, 2], supply: 2, start: &cursor) == [0, 1, 1])
        // VCG, two units, bids 5, 4, 3 with unit wants: the two highest win and pay 3 each.
        let (grant, pay) = Allocation.vcg(bids: [5, 4, 3], want: [1, 1, 1], supply: 2)
        #expect(grant == [1, 1, 0] && pay == [3, 3, 0])
        // VCG with a two-unit want: bids 5 (want 2), 4, 3; two units: the first takes both and
        // pays the displaced 4 + 3.
        let (g2, p2) = Allocation.vcg(bids: [5, 4, 3], want: [2, 1, 1], supply: 2)
        #expect(g2 == [2, 0, 0] && p2 == [7, 0, 0])
    }
}
