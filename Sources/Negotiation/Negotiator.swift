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

    /// `ascending`: the agent's entry of `domain.ascendingOutcomes()`.
    init(agent: Int, tactic: Tactic, domain: NegotiationDomain, ascending: [Int32]) {
        self.agent = agent
        self.tactic = tactic
        let preferences = domain.preferences[agent]
        let utility = domain.utilities[agent]
        self.utility = utility
        let reserved = preferences.reserved
        self.ascending = ascending
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
    /// Up to 64 of them are bucket-sorted: r outcomes go, in index order, to r buckets evenly
    /// spaced between the lowest and the highest utility (a stable counting sort; the bucket,
    /// ⌊(u − lowest) · (r − 1)/(highest − lowest)⌋, never decreases as u grows, since rounding
    /// is monotone), then an insertion sort by (utility, index) orders each bucket, moving an
    /// outcome only past higher utilities. The insertion sort makes the order exact whatever
    /// the buckets; they only make it cheap (about one comparison per outcome when utilities
    /// are spread, r²/4 moves at worst). More are sorted as (utility, outcome) pairs,
    /// O(r log r). Both give the one order of the comparison (utility, then index).
    static func ascending(_ utility: [Double], atLeast reserved: Double) -> [Int32] {
        let m = utility.count
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: m) { outcomes in
            // Every outcome is written at the next place and kept when rational (no branch on it).
            var r = 0
            var lowest = Double.infinity, highest = -Double.infinity
            utility.withUnsafeBufferPointer { utility in
                for o in 0..<m {
                    let u = utility[o], rational = u >= reserved
                    outcomes[r] = Int32(truncatingIfNeeded: o)
                    r &+= rational ? 1 : 0
                    lowest = rational && u < lowest ? u : lowest
                    highest = rational && u > highest ? u : highest
                }
            }
            if r <= 64 {
                // Buckets per utility; without a finite factor (one outcome, equal or infinite
                // utilities) everything goes to bucket 0 and the insertion sort does the work.
                let span = highest - lowest, factor = Double(max(r - 1, 0)) / span
                let spread = span.isFinite && factor.isFinite
                return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * r + 1) { scratch in
                    let bucket = UnsafeMutableBufferPointer(rebasing: scratch[0 ..< r])
                    // starts[b]: where bucket b's outcomes go next.
                    let starts = UnsafeMutableBufferPointer(rebasing: scratch[r ..< 2 * r + 1])
                    starts.initialize(repeating: 0)
                    for k in 0..<r {
                        // (u − lowest) · factor is in [0, r − 1] up to rounding: the clamp is for that.
                        let b = spread ? min(Int32((utility[Int(outcomes[k])] - lowest) * factor), Int32(r - 1)) : 0
                        bucket[k] = b
                        starts[Int(b) + 1] &+= 1
                    }
                    for b in 0..<r { starts[b + 1] &+= starts[b] }
                    var ordered = filledArray(Int32(0), count: r)
                    ordered.withUnsafeMutableBufferPointer { placed in
                        for k in 0..<r {
                            let b = Int(bucket[k])
                            placed[Int(starts[b])] = outcomes[k]
                            starts[b] &+= 1
                        }
                        for k in 1..<max(r, 1) {
                            let o = placed[k], u = utility[Int(o)]
                            var j = k
                            while j > 0 && utility[Int(placed[j - 1])] > u {
                                placed[j] = placed[j - 1]
                                j -= 1
                            }
                            placed[j] = o
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
