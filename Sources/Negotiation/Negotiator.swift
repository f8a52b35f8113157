import Foundation
import SimulationKernel

/// One negotiator's state during a run: its tactic, its utilities, and what the tactic
/// remembers. A value type; the protocols hold them in an array indexed by agent.
///
/// Time-based tactics follow NegMAS 0.16 (`BoulwareTBNegotiator` and its siblings) exactly:
/// at relative time t the aspiration 1 − tˣ is mapped onto [r̂, u⁺] as
/// `(u⁺ − r̂) · (1 − tˣ) + r̂ − ε` (ε = 10⁻⁴, clamped to [r̂, u⁺]), where u⁺ is the agent's best
/// utility and r̂ = max(worst utility, reserved value); the agent offers the lowest-utility
/// rational outcome at or above that level (ties: lowest outcome index) and accepts an offer
/// whose utility is at or above it.
struct Negotiator {
    static let epsilon = 1e-4

    let agent: Int
    let tactic: Tactic
    let utility: [Double]
    /// Rational outcomes (utility ≥ reserved) by ascending utility, ties by outcome index.
    let ascending: [Int32]
    /// The best outcome: per issue, the last value with the highest table entry (NegMAS's
    /// choice, which decides what a hardliner offers among equally good outcomes).
    let best: Int
    let bestUtility: Double
    /// max(worst utility, reserved value).
    let floor: Double
    let discount: Double

    // Tit-for-tat memory.
    var target: Double
    var lastReceived: Double?
    /// Random tactic: the outcome drawn when deciding whether to accept, offered if it does not.
    var pendingRandomOffer: Int?

    init(agent: Int, tactic: Tactic, domain: NegotiationDomain) {
        self.agent = agent
        self.tactic = tactic
        let preferences = domain.preferences[agent]
        utility = domain.utilities[agent]
        let reserved = preferences.reserved
        let own = domain.utilities[agent]
        var rational: [Int] = []
        for o in 0..<domain.outcomeCount where own[o] >= reserved { rational.append(o) }
        rational.sort { (a: Int, b: Int) -> Bool in own[a] != own[b] ? own[a] < own[b] : a < b }
        ascending = rational.map { Int32($0) }
        var bestValues: [Int] = []
        var worstValues: [Int] = []
        for table in preferences.tables {
            var hi = -Double.infinity, lo = Double.infinity, hiIndex = 0, loIndex = 0
            for (k, v) in table.enumerated() {
                if v >= hi { hi = v; hiIndex = k }
                if v < lo { lo = v; loIndex = k }
            }
            bestValues.append(hiIndex)
            worstValues.append(loIndex)
        }
        best = domain.space.index(of: bestValues)
        bestUtility = utility[best]
        floor = max(utility[domain.space.index(of: worstValues)], reserved)
        discount = preferences.discount
        target = bestUtility
    }

    /// The lowest utility the agent will offer or accept at relative time `t` (time-based).
    func aspiration(_ t: Double, exponent: Double) -> Double {
        let level = 1.0 * (1.0 - pow(t, exponent))
        let raw = (bestUtility - floor) * level + floor - Negotiator.epsilon
        return max(floor, min(bestUtility, raw))
    }

    /// The lowest-utility rational outcome with utility ≥ `level` (ties: lowest index), or the
    /// best outcome when none is.
    func cheapestOutcome(atLeast level: Double) -> Int {
        var lo = 0, hi = ascending.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if utility[Int(ascending[mid])] >= level { hi = mid } else { lo = mid + 1 }
        }
        return lo < ascending.count ? Int(ascending[lo]) : (ascending.last.map(Int.init) ?? best)
    }
}
