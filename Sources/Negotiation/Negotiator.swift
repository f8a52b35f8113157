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

    /// The last aspiration computed and its time (an agent that responds and then proposes
    /// in one turn needs the same level twice).
    var aspirationTime = Double.nan
    var aspirationLevel = 0.0

    // Tit-for-tat memory.
    var target: Double
    var lastReceived: Double?
    /// Random tactic: the outcome drawn when deciding whether to accept, offered if it does not.
    var pendingRandomOffer: Int?

    init(agent: Int, tactic: Tactic, domain: NegotiationDomain) {
        self.agent = agent
        self.tactic = tactic
        let preferences = domain.preferences[agent]
        let utility = domain.utilities[agent]
        self.utility = utility
        let reserved = preferences.reserved
        ascending = Self.ascending(utility, atLeast: reserved)
        // Per issue, the last value with the highest table entry and the first with the
        // lowest; the outcome of those values (as `OutcomeSpace.index(of:)` adds them up).
        let strides = domain.space.strides
        var best = 0, worst = 0
        for (i, table) in preferences.tables.enumerated() where i < strides.count {
            var hi = -Double.infinity, lo = Double.infinity, hiIndex = 0, loIndex = 0
            for (k, v) in table.enumerated() {
                if v >= hi { hi = v; hiIndex = k }
                if v < lo { lo = v; loIndex = k }
            }
            best += hiIndex * strides[i]
            worst += loIndex * strides[i]
        }
        self.best = best
        bestUtility = utility[best]
        floor = max(utility[worst], reserved)
        discount = preferences.discount
        target = bestUtility
    }

    /// The outcomes with `utility` ≥ `reserved`, by ascending utility, ties by outcome index.
    ///
    /// Up to 64 of them are placed by rank, counted branch-free: an outcome's rank is the
    /// number of lower-index outcomes with a utility ≤ its own plus the number of higher-index
    /// ones with a lower utility (O(r²) comparisons, cheaper than a sort's mispredicted
    /// branches at this size); more are sorted as (utility, outcome) pairs, O(r log r). Both
    /// give the one order of the comparison (utility, then index).
    static func ascending(_ utility: [Double], atLeast reserved: Double) -> [Int32] {
        let m = utility.count
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: m) { outcomes in
            var r = 0
            for o in 0..<m where utility[o] >= reserved {
                outcomes[r] = Int32(o)
                r += 1
            }
            if r <= 64 {
                return withUnsafeTemporaryAllocation(of: Double.self, capacity: r) { v in
                    for k in 0..<r { v[k] = utility[Int(outcomes[k])] }
                    var ordered = filledArray(Int32(0), count: r)
                    ordered.withUnsafeMutableBufferPointer { placed in
                        for k in 0..<r {
                            let x = v[k]
                            var rank = 0
                            // Bool → 0 or 1 by its bits: a conditional here compiles to a branch.
                            for j in 0..<k { rank &+= Int(unsafeBitCast(v[j] <= x, to: UInt8.self)) }
                            for j in (k + 1)..<r { rank &+= Int(unsafeBitCast(v[j] < x, to: UInt8.self)) }
                            placed[rank] = outcomes[k]
                        }
                    }
                    return ordered
                }
            }
            var pairs: [(utility: Double, outcome: Int32)] = []
            pairs.reserveCapacity(r)
            for k in 0..<r { pairs.append((utility[Int(outcomes[k])], outcomes[k])) }
            pairs.sort { a, b in a.utility != b.utility ? a.utility < b.utility : a.outcome < b.outcome }
            return pairs.map { $0.outcome }
        }
    }

    /// The lowest utility the agent will offer or accept at relative time `t` (time-based).
    func aspiration(_ t: Double, exponent: Double) -> Double {
        let level = 1.0 * (1.0 - pow(t, exponent))
        let raw = (bestUtility - floor) * level + floor - Negotiator.epsilon
        return max(floor, min(bestUtility, raw))
    }

    /// `aspiration(t, exponent:)`, computed once per time.
    mutating func level(_ t: Double, exponent: Double) -> Double {
        if t != aspirationTime {
            aspirationLevel = aspiration(t, exponent: exponent)
            aspirationTime = t
        }
        return aspirationLevel
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
