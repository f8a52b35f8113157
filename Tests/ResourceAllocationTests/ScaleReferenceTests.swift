import Foundation
import Testing
@testable import ResourceAllocation
import SimulationKernel

/// The sub-quadratic envy count and VCG payments (issue 12) against the quadratic versions
/// they replaced (`QuadraticReference`), bit for bit, on seeded random instances built to
/// hit ties, zeros, equal bids, rounding at the envy threshold, and large and tiny numbers.
@Suite("Scale: fast envy and VCG against the quadratic references")
struct ScaleReferenceTests {
    /// Seeded draws for one instance.
    struct Draws {
        let stream: RandomStream
        init(_ identity: String) { stream = RandomStreams(identity: identity).stream("instance") }
        func pick<T>(_ values: [T]) -> T { values[stream.integer(below: values.count)] }
        func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * stream.uniform() }
        func chance(_ p: Double) -> Bool { stream.uniform() < p }
    }

    static func bidder(value: Double, need: Double, received: Double, paid: Double) -> Bidder {
        Bidder(group: 0, arrival: 0, need: need, value: value, claim: need, bid: value, priority: 0,
               received: received, paid: paid)
    }

    /// Envy instances, by kind: 0 small integers, 1 reals (some negative), 2 pay as bid,
    /// 3 clones just around the 10⁻⁹ threshold, 4 large utilities (the 10⁻⁹ lost in rounding),
    /// 5 tiny and huge magnitudes, 6 outside the exact range (∞, NaN, 10³⁰⁰, subnormals),
    /// 7 two bundles that rounding may rank against their exact values.
    static func envyInstance(kind: Int, seed: Int, size: Int? = nil) -> [Bidder] {
        let d = Draws("envy|\(kind)|\(seed)")
        let n = size ?? d.pick([0, 1, 2, 3, 4, 5, 8, 13, 21, 40, 70])
        var bidders: [Bidder] = []
        for _ in 0..<n {
            var v: Double, need: Double, r: Double, p: Double
            switch kind {
            case 0:
                v = d.pick([0, 1, 2, 3, 5]); need = d.pick([1, 2, 3, 4])
                r = d.pick([0, 1, 2, 3, 4, 5]); p = d.pick([0, 0, 1, 2, 3, 4, 6, 8])
            case 1, 3:
                v = d.chance(0.1) ? 0 : d.uniform(0, 10); need = d.chance(0.2) ? 1e-9 : d.uniform(0.5, 8)
                r = d.chance(0.2) ? 0 : d.chance(0.3) ? need : d.uniform(0, 9)
                p = d.chance(0.3) ? 0 : d.uniform(0, 40)
                if kind == 1 && d.chance(0.05) { v = -v }
                if kind == 1 && d.chance(0.05) { p = -p }
            case 2:
                v = d.uniform(0.5, 12); need = d.pick([1, 2, 3, 4, 5, 6])
                let bid = v * d.pick([1, 0.6, 0.5])
                r = 0; p = 0
                for _ in 0..<d.pick([1, 2, 3]) {
                    let g = d.pick([0.0, 1, 2, 3, d.uniform(0, 2)])
                    r += g; p += g * bid
                }
            case 4:
                v = d.pick([1e6, 3e6, 7.5e6, d.uniform(0, 1e7)]); need = d.pick([1e3, 2e3, d.uniform(1, 1e4)])
                r = d.pick([0, 1e3, 2e3, need, d.uniform(0, 1e4)]); p = d.pick([0, 1e9, 5e9, d.uniform(0, 1e10)])
            case 5:
                let scale = { d.pick([1.0, 1e-100, 1e100, 1e-140, 1e140, 1e-150, 1e150]) }
                v = d.uniform(0, 10) * scale(); need = d.uniform(0.1, 8) * scale()
                r = d.chance(0.2) ? 0 : d.uniform(0, 9) * scale(); p = d.chance(0.2) ? 0 : d.uniform(0, 40) * scale()
            case 7:
                // Two bundles worth about the same to i, where rounding may rank them against their
                // exact values, and i holding the first: only the one-by-one comparison decides.
                if !bidders.isEmpty { continue }
                let v = d.pick([0.1, 0.3, 0.7, 1.1, 3.3, d.uniform(0, 10)])
                let rj = d.uniform(1e6, 1e7), rk = d.uniform(1e6, 1e7), pj = d.uniform(0, 1e6)
                let equal = v * rk - (v * rj - pj)
                let pk = d.pick([equal, equal.nextUp, equal.nextDown])
                bidders = [bidder(value: v, need: 1e8, received: rj, paid: pj), bidder(value: 0, need: 1, received: rj, paid: pj),
                           bidder(value: d.uniform(0, 1), need: 1, received: rk, paid: pk)]
                // Among bundles no one wants (10 a unit or more), so that the search for them
                // has to descend a deep tree.
                for _ in 0..<d.pick([0, 0, 40, 300]) {
                    let units = d.uniform(0, 1.2e7)
                    bidders.append(bidder(value: 0, need: 1, received: units, paid: 10 * units + d.uniform(0, 1e6)))
                }
                continue
            default:
                let odd: [Double] = [.infinity, -.infinity, .nan, 1e300, 1e-300, .leastNonzeroMagnitude, -0.0, 0]
                v = d.chance(0.2) ? d.pick(odd) : d.uniform(0, 10); need = d.chance(0.1) ? d.pick(odd) : d.uniform(0.5, 8)
                r = d.chance(0.2) ? d.pick(odd) : d.uniform(0, 9); p = d.chance(0.2) ? d.pick(odd) : d.uniform(0, 40)
            }
            bidders.append(bidder(value: v, need: need, received: r, paid: p))
        }
        // Clones: another bidder's units at its payment moved by about the threshold.
        if kind == 3 || kind == 4 || (kind < 3 && d.chance(0.3)) || (kind == 7 && d.chance(0.3)) {
            for _ in 0..<(bidders.isEmpty ? 0 : d.pick([1, n / 2, n])) {
                let b = bidders[d.stream.integer(below: bidders.count)]
                let shift: Double = d.pick([0, 1e-9, -1e-9, -2e-9, -5e-10, -1e-9 * (1 + 1e-7), -1e-9 * (1 - 1e-7), -3e-9])
                let value = d.chance(0.5) ? b.value : d.pick([b.value, b.value * 2, d.uniform(0, 10)])
                bidders.append(bidder(value: value, need: d.chance(0.5) ? b.need : b.received, received: b.received,
                                      paid: b.paid + shift))
            }
        }
        return bidders
    }

    static func fastEnvy(_ bidders: [Bidder]) -> Int {
        Envy.count(value: bidders.map(\.value), need: bidders.map(\.need), received: bidders.map(\.received),
                   paid: bidders.map(\.paid))
    }

    @Test("envy: the O(n log n) count equals the pairwise count on random bidders", arguments: 0..<8)
    func envyEqualsPairwise(kind: Int) {
        for seed in 0..<(kind == 7 ? 4000 : 600) {
            let bidders = Self.envyInstance(kind: kind, seed: seed)
            #expect(Self.fastEnvy(bidders) == QuadraticReference.envious(bidders), "kind \(kind), seed \(seed)")
        }
    }

    @Test("envy: equal on large random instances", arguments: [0, 2, 3, 4])
    func envyLarge(kind: Int) {
        for seed in 0..<3 {
            let bidders = Self.envyInstance(kind: kind, seed: 10_000 + seed, size: 1500)
            #expect(Self.fastEnvy(bidders) == QuadraticReference.envious(bidders), "kind \(kind), seed \(seed)")
        }
    }

    @Test("envy: the threshold by hand (strict, 10⁻⁹, lost in large utilities)")
    func envyByHand() {
        let b = Self.bidder
        // Exactly the same bundle: no envy; a payment 2·10⁻⁹ lower: envy; 10⁻⁹ lower: the rounded
        // difference decides, as in the pairwise rule.
        #expect(Self.fastEnvy([b(2, 3, 3, 5), b(2, 3, 3, 5)]) == 0)
        #expect(Self.fastEnvy([b(2, 3, 3, 5), b(2, 3, 3, 5 - 2e-9)]) == 1)
        for shift in [1e-9, 1e-9 * (1 + 1e-6), 1e-9 * (1 - 1e-6)] {
            let pair = [b(2, 3, 3, 5), b(2, 3, 3, 5 - shift)]
            #expect(Self.fastEnvy(pair) == QuadraticReference.envious(pair))
        }
        // Utilities of 10¹⁰, where adding 10⁻⁹ changes nothing: one unit in the last place decides.
        let own = b(1e7, 2e3, 2e3, 1e10)
        #expect(Self.fastEnvy([own, b(1e7, 2e3, 2e3, 1e10)]) == 0)
        #expect(Self.fastEnvy([own, b(1e7, 2e3, 2e3, 1e10.nextDown)]) == QuadraticReference.envious([own, b(1e7, 2e3, 2e3, 1e10.nextDown)]))
        #expect(QuadraticReference.envious([own, b(1e7, 2e3, 2e3, 1e10 - 1e-5)]) == 1)
        #expect(Self.fastEnvy([own, b(1e7, 2e3, 2e3, 1e10 - 1e-5)]) == 1)
        // Rounding can rank two alternatives against their exact values: k's bundle is worth
        // less to i than j's exactly (by 1.7·10⁻¹⁰), more once rounded, and only k's beats i's
        // threshold (the case where the prefix is compared one by one).
        let (rj, pj, rk, pk) = (5285656.741786989, 488240.0, 9892593.029005228, 15691129.747820185)
        #expect(3.3 * rk - pk > 3.3 * rj - pj && 3.3 * rj - pj + 1e-9 == 3.3 * rj - pj)
        let crafted = [b(3.3, 1e8, rj, pj), b(0, 1, rj, pj), b(0, 1, rk, pk)]
        #expect(QuadraticReference.envious(crafted) == 2)
        #expect(Self.fastEnvy(crafted) == 2)
        // More units than i needs are worth only its need; a bidder needing more envies more units.
        #expect(Self.fastEnvy([b(1, 2, 2, 0), b(1, 5, 5, 0)]) == 0)
        #expect(Self.fastEnvy([b(1, 2, 1, 0), b(1, 5, 5, 0)]) == 1)
        #expect(Self.fastEnvy([]) == 0 && Self.fastEnvy([b(1, 1, 0, 0)]) == 0)
    }

    /// Mechanisms leave bidders with particular patterns (payments proportional to units, many
    /// equal bundles); the count must match on them too.
    @Test("envy: equal to the pairwise count on the bidders of real runs of every mechanism", arguments: [false, true])
    func envyOnRuns(divisible: Bool) {
        let scenario = MarketScenario(
            name: "mixed", periods: 12, supply: .uniform(min: 3, max: 30), divisible: divisible, groups: [
                BidderGroup(name: "a", initial: 10, arrivalRate: 4, need: .poisson(mean: 3), value: .uniform(min: 1, max: 10),
                            priority: 1),
                BidderGroup(name: "b", initial: 5, arrivalRate: 3, need: .gamma(shape: 2, scale: 1.5),
                            value: .lognormal(mu: 1, sigma: 0.5), behaviour: .overClaiming(factor: 2)),
                BidderGroup(name: "c", arrivalRate: 2, need: .constant(2), value: .constant(3),
                            behaviour: .shading(factor: 0.5), priority: 3),
                BidderGroup(name: "d", arrivalRate: 2, need: .constant(4), value: .uniform(min: 2, max: 6),
                            behaviour: .budgetConstrained(budget: 8)),
            ], starvationBound: 3)
        for replication in 0..<8 {
            for mechanism in Mechanism.allCases {
                let bidders = ResourceAllocationFamily.run(
                    scenario, mechanism: mechanism, workload: RandomStreams(identity: "envy-runs|\(replication)"),
                    strategy: RandomStreams(identity: "envy-runs|\(replication)|\(mechanism)")).bidders
                let outcome = MarketOutcome(bidders, scenario: scenario, supply: [])
                #expect(outcome.envious == QuadraticReference.envious(bidders), "\(mechanism), replication \(replication)")
            }
        }
    }

    /// VCG instances, by kind: 0 whole units, 1 fractions (rounding in the left-over), 2 few
    /// distinct bids (ties) and zero wants, 3 large and tiny numbers, 4 inputs outside the
    /// fast rule (∞ supply, negative wants, ∞ and NaN bids), 5 many bidders, the supply binding.
    static func vcgInstance(kind: Int, seed: Int) -> (bids: [Double], want: [Double], supply: Double) {
        let d = Draws("vcg|\(kind)|\(seed)")
        let n = kind == 5 ? d.pick([100, 200, 300]) : d.pick([0, 1, 2, 3, 4, 6, 9, 15, 25, 40])
        var bids: [Double] = [], want: [Double] = []
        var supply: Double
        switch kind {
        case 0:
            for _ in 0..<n {
                bids.append(d.chance(0.5) ? d.pick([0, 1, 2, 3, 5, 7.5, 10]) : d.uniform(0, 10))
                want.append(Double(d.pick([0, 1, 1, 2, 3, 4, 6])))
            }
            supply = Double(d.pick([0, 1, 2, 5, 8, 13, 25, 60]))
        case 1, 5:
            for _ in 0..<n {
                bids.append(d.chance(0.3) ? d.pick([1, 2, 3]) : d.uniform(0, 12))
                want.append(d.chance(0.5) ? d.pick([0.1, 0.2, 0.3, 1.0 / 3, 0.7, 1e-12, 2.5]) : d.uniform(0, 5))
            }
            supply = kind == 5 ? d.uniform(0.2, 0.8) * want.reduce(0, +)
                : d.chance(0.5) ? d.pick([0.3, 1, 2.2, 7.7, 100]) : d.uniform(0, 20)
        case 2:
            let levels = (0..<d.pick([1, 2, 3])).map { _ in d.pick([0.0, 1, 4, d.uniform(0, 5)]) }
            for _ in 0..<n {
                bids.append(d.pick(levels))
                want.append(d.pick([0, 0.5, 1, 2, d.uniform(0, 3)]))
            }
            supply = d.pick([0, 1, 3, 4.5, d.uniform(0, 10)])
        case 3:
            let scale = d.pick([1e-100, 1e100, 1e-10, 1e12])
            for _ in 0..<n {
                bids.append(d.uniform(0, 10) * d.pick([1, scale, 1 / scale]))
                want.append(d.uniform(0, 5) * d.pick([1, scale]))
            }
            supply = d.uniform(0, 20) * d.pick([1, scale])
        default:
            for _ in 0..<n {
                bids.append(d.chance(0.1) ? d.pick([.infinity, .nan, -.infinity]) : d.uniform(0, 10))
                want.append(d.chance(0.2) ? d.pick([-1, -0.5, .infinity]) : d.uniform(0, 4))
            }
            supply = d.pick([.infinity, 3, 10, -1])
        }
        return (bids, want, supply)
    }

    static func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

    @Test("VCG: grants and payments equal re-filling without each winner, bit for bit", arguments: 0..<6)
    func vcgEqualsRefilling(kind: Int) {
        for seed in 0..<(kind == 5 ? 60 : 600) {
            let (bids, want, supply) = Self.vcgInstance(kind: kind, seed: seed)
            let fast = Allocation.vcg(bids: bids, want: want, supply: supply)
            let reference = QuadraticReference.vcg(bids: bids, want: want, supply: supply)
            #expect(Self.bits(fast.grant) == Self.bits(reference.grant), "kind \(kind), seed \(seed): grants")
            #expect(Self.bits(fast.pay) == Self.bits(reference.pay), "kind \(kind), seed \(seed): payments")
        }
    }
}
