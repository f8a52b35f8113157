import Testing
@testable import Negotiation
import SimulationKernel

/// Exact ties in the Rubinstein agent's comparisons: on round grids (a pie of K slices,
/// δ = 0.8) an offer and the value of proposing next are often equal in exact arithmetic
/// but not in binary floating point. The plan must decide them as exact arithmetic does,
/// so the reference here is backward induction in exact fractions.
@Suite("Rubinstein ties")
struct RubinsteinTieTests {
    /// A non-negative fraction n/d, compared by cross-multiplication (small terms only).
    struct Fraction: Comparable {
        var n: Int
        var d: Int
        static func * (a: Fraction, b: Fraction) -> Fraction { Fraction(n: a.n * b.n, d: a.d * b.d).reduced }
        static func < (a: Fraction, b: Fraction) -> Bool { a.n * b.d < b.n * a.d }
        static func == (a: Fraction, b: Fraction) -> Bool { a.n * b.d == b.n * a.d }
        var reduced: Fraction {
            var (x, y) = (n, d)
            while y != 0 { (x, y) = (y, x % y) }
            return x == 0 ? Fraction(n: 0, d: 1) : Fraction(n: n / x, d: d / x)
        }
        var value: Double { Double(n) / Double(d) }
    }

    /// Backward induction over `turns` offers (one per step, δᵏ for an offer made at step k)
    /// on a pie of `slices` slices; agent 1's share of outcome o is o/slices. Returns agent
    /// 1's and 2's present values of the whole game and the first offer.
    static func exactPlan(slices: Int, delta: Fraction, turns: Int) -> (values: [Fraction], firstOffer: Int) {
        let zero = Fraction(n: 0, d: 1), one = Fraction(n: 1, d: 1)
        func utility(_ agent: Int, _ o: Int) -> Fraction {
            Fraction(n: agent == 0 ? o : slices - o, d: slices).reduced
        }
        var next = [zero, zero]
        var firstOffer = 0
        for turn in stride(from: turns - 2, through: 0, by: -1) {
            let i = turn % 2, j = 1 - i
            var power = one
            for _ in 0..<turn { power = power * delta }
            var best: Int?
            for o in 0...slices where utility(j, o) * power >= next[j] {
                if best == nil || utility(i, o) * power > utility(i, best!) * power { best = o }
            }
            if let best, utility(i, best) * power >= next[i] {
                next = [utility(0, best) * power, utility(1, best) * power]
                if turn == 0 { firstOffer = best }
            }
        }
        return (next, firstOffer)
    }

    @Test("the issue's case: sao-per-offer, deadline 7, 7 slices, δ = 0.8 — the tie is accepted")
    func issueCase() {
        let domain = TheoryTests.split(slices: 7, discount: (0.8, 0.8))
        let result = TheoryTests.rubinstein(domain, offers: 7)
        let exact = Self.exactPlan(slices: 7, delta: Fraction(n: 4, d: 5), turns: 7)
        #expect(result.agreement == exact.firstOffer)
        #expect(result.rounds == 2, "the first offer is accepted at once, by the next step")
        #expect(abs(result.utilities[0] - exact.values[0].value) < 1e-12)
        #expect(abs(result.utilities[1] - exact.values[1].value) < 1e-12)
    }

    @Test("round grids: every deadline agrees with exact backward induction",
          arguments: [(7, 4, 5), (10, 4, 5), (100, 4, 5), (12, 1, 2), (20, 3, 4)], 2...9)
    func roundGrids(grid: (slices: Int, num: Int, den: Int), turns: Int) {
        let delta = Double(grid.num) / Double(grid.den)
        let domain = TheoryTests.split(slices: grid.slices, discount: (delta, delta))
        let result = TheoryTests.rubinstein(domain, offers: turns)
        let exact = Self.exactPlan(slices: grid.slices, delta: Fraction(n: grid.num, d: grid.den), turns: turns)
        #expect(result.agreement == exact.firstOffer, "K=\(grid.slices) δ=\(delta) turns=\(turns)")
        #expect(abs(result.utilities[0] - exact.values[0].value) < 1e-12, "K=\(grid.slices) δ=\(delta) turns=\(turns)")
    }
}
