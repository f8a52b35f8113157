import Foundation
import Testing
@testable import Negotiation
import SimulationKernel

/// Negotiation outcomes against bargaining theory.
@Suite("Bargaining theory")
struct TheoryTests {
    /// A unit pie in `slices` steps; agent 1 gets share k/slices, agent 2 the rest.
    static func split(slices: Int, reserved: (Double, Double) = (0, 0), discount: (Double, Double) = (1, 1))
        -> NegotiationDomain {
        let space = NegotiationScenario.splitSpace(slices: slices)
        let first = NegotiationScenario.splitPreferences(slices: slices, first: true)
        let second = NegotiationScenario.splitPreferences(slices: slices, first: false)
        return NegotiationDomain(space: space, preferences: [
            LinearUtility(weights: first.weights, tables: first.tables, reserved: reserved.0, discount: discount.0),
            LinearUtility(weights: second.weights, tables: second.tables, reserved: reserved.1, discount: discount.1),
        ])
    }

    static func rubinstein(_ domain: NegotiationDomain, offers: Int) -> NegotiationResult {
        NegotiationFamily.negotiate(domain, tactics: [.rubinstein, .rubinstein], deadline: offers,
                                    protocol: .offerPerStep, stream: RandomStream(seed: 1))
    }

    /// On a pie divided into K slices each backward-induction step rounds the responder's
    /// share up by less than 1/K, and the error of later steps reaches the first proposer
    /// discounted, so the first share is within (1/K)/(1 − δ) of the continuous value.
    @Test("Rubinstein: infinite-horizon first-proposer share (1 − δ₂)/(1 − δ₁δ₂)", arguments: [
        (0.9, 0.9), (0.8, 0.95), (0.95, 0.7),
    ])
    func rubinsteinInfinite(d1: Double, d2: Double) {
        let slices = 10_000
        let domain = Self.split(slices: slices, discount: (d1, d2))
        let result = Self.rubinstein(domain, offers: 400)   // δ^400 < 1e-8: effectively infinite
        let expected = (1 - d2) / (1 - d1 * d2)
        let tolerance = 1 / (Double(slices) * (1 - max(d1, d2)))
        #expect(result.agreement != nil)
        #expect(result.rounds == 2, "the first offer is accepted at once")
        #expect(abs(result.utilities[0] - expected) <= tolerance, "x₁ = \(result.utilities[0]), theory \(expected)")
        if d1 == 0.9 && d2 == 0.9 { #expect(abs(expected - 0.526316) < 1e-6) }
    }

    @Test("Rubinstein: finite horizons follow backward induction", arguments: 2...9)
    func rubinsteinFinite(offers: Int) {
        let (d1, d2) = (0.9, 0.8)
        let slices = 10_000
        let result = Self.rubinstein(Self.split(slices: slices, discount: (d1, d2)), offers: offers)
        // The last offer (step offers − 2) takes the whole pie; each earlier proposer keeps
        // 1 − δ_responder · (the responder's share as next proposer).
        var share = 1.0
        var step = offers - 2
        while step > 0 {
            let responderDiscount = step % 2 == 0 ? d1 : d2   // the next proposer, at `step`
            share = 1 - responderDiscount * share
            step -= 1
        }
        let tolerance = Double(offers) / Double(slices)
        #expect(abs(result.utilities[0] - share) <= tolerance, "\(offers) offers: x₁ = \(result.utilities[0]), theory \(share)")
    }

    @Test("Nash bargaining on a linear split: x₁ = r₁ + (1 − r₁ − r₂)/2", arguments: [
        (0.0, 0.0), (0.2, 0.1), (0.5, 0.3), (0.05, 0.6),
    ])
    func nashSplit(r1: Double, r2: Double) {
        let slices = 1000
        let domain = Self.split(slices: slices, reserved: (r1, r2))
        let result = NegotiationFamily.negotiate(domain, tactics: [.hardliner, .hardliner], deadline: 1,
                                                 protocol: .nashArbitrator, stream: RandomStream(seed: 1))
        let expected = r1 + (1 - r1 - r2) / 2
        #expect(abs(result.utilities[0] - expected) <= 1.0 / Double(slices) + 1e-12)
        #expect(abs(result.utilities[0] + result.utilities[1] - 1) < 1e-12)
    }

    @Test("reference points by hand on a four-outcome domain")
    func solutionsByHand() {
        // Outcomes (u1, u2): 0 → (1, 0), 1 → (0.8, 0.5), 2 → (0.4, 0.4), 3 → (0, 1); reserved 0.1, 0.1.
        let space = OutcomeSpace(issues: [Issue(name: "x", values: ["a", "b", "c", "d"])])
        let domain = NegotiationDomain(space: space, preferences: [
            LinearUtility(weights: [1], tables: [[1, 0.8, 0.4, 0]], reserved: 0.1),
            LinearUtility(weights: [1], tables: [[0, 0.5, 0.4, 1]], reserved: 0.1),
        ])
        let s = BargainingSolutions(domain)
        #expect(s.pareto == [1], "only (0.8, 0.5) is rational and undominated; (0.4, 0.4) is dominated")
        #expect(s.nash == 1 && s.kalaiSmorodinsky == 1 && s.egalitarian == 1)
        // Distance from the disagreement point (0.1, 0.1) to the frontier: |(0.7, 0.4)|.
        #expect(abs(s.distanceToFrontier([0.1, 0.1], in: domain) - (0.49 + 0.16).squareRoot()) < 1e-12)

        // Without reserved values all four count; the frontier is 0, 1, 3.
        let open = NegotiationDomain(space: space, preferences: domain.preferences.map {
            LinearUtility(weights: $0.weights, tables: $0.tables, reserved: 0)
        })
        let t = BargainingSolutions(open)
        #expect(t.pareto == [0, 1, 3])
        #expect(t.nash == 1)             // 0.8 · 0.5 = 0.4 beats 0 and 0
        #expect(t.egalitarian == 1)      // min(0.8, 0.5) = 0.5
    }

    @Test("outcomes are enumerated with the last issue varying fastest")
    func enumeration() {
        let space = OutcomeSpace(issues: [Issue(name: "a", values: ["a0", "a1"]), Issue(name: "b", values: ["b0", "b1", "b2"])])
        #expect(space.count == 6)
        #expect((0..<6).map { space.values(of: $0) } == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]])
        #expect(space.index(of: [1, 2]) == 5)
        #expect(space.describe(4) == "a=a1, b=b1")
    }

    @Test("multilateral SAO needs everyone: three hardliners never agree, three conceders do")
    func multilateral() {
        let spec = RandomDomainSpec(issues: 3, values: 3...4, opposition: 0.5)
        let template = Array(repeating: LinearUtility(weights: [], tables: [], reserved: 0.1), count: 3)
        for seed in 1...5 {
            let domain = spec.draw(agents: template, from: RandomStream(seed: UInt64(seed)))
            let tough = NegotiationFamily.negotiate(domain, tactics: Array(repeating: .hardliner, count: 3), deadline: 20,
                                                    protocol: .alternatingOffers, stream: RandomStream(seed: 1))
            #expect(tough.agreement == nil)
            #expect(tough.utilities == [0.1, 0.1, 0.1])
            let soft = NegotiationFamily.negotiate(domain, tactics: Array(repeating: .timeBased(exponent: 0.25), count: 3),
                                                   deadline: 20, protocol: .alternatingOffers, stream: RandomStream(seed: 1))
            #expect(soft.agreement != nil)
            if let o = soft.agreement {
                for a in 0..<3 { #expect(domain.utility(a, o) >= 0.1) }
            }
        }
    }

    @Test("random domains: opposition 1 makes tables exactly opposed; draws are repeatable")
    func randomDomains() {
        let template = [LinearUtility(weights: [], tables: [], reserved: 0), LinearUtility(weights: [], tables: [], reserved: 0)]
        let opposed = RandomDomainSpec(issues: 3, values: 2...5, opposition: 1).draw(agents: template, from: RandomStream(seed: 3))
        for (a, b) in zip(opposed.preferences[0].tables, opposed.preferences[1].tables) {
            for (x, y) in zip(a, b) { #expect(abs(x + y - 1) < 1e-12) }
        }
        let again = RandomDomainSpec(issues: 3, values: 2...5, opposition: 1).draw(agents: template, from: RandomStream(seed: 3))
        #expect(again.utilities == opposed.utilities)
        for p in opposed.preferences { #expect(abs(p.weights.reduce(0, +) - 1) < 1e-12) }
    }
}
