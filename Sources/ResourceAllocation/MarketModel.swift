import Foundation
import SimulationKernel
import Statistics

/// One bidder of a run: drawn from the workload streams, then served by the mechanism.
public struct Bidder: Sendable {
    public let group: Int
    public let arrival: Int
    public let need: Double
    public let value: Double
    public let claim: Double
    public let bid: Double
    public let priority: Double
    public internal(set) var received = 0.0
    public internal(set) var paid = 0.0
    /// Period in which its true need was met, if it was.
    public internal(set) var satisfiedAt: Int?

    public var useful: Double { min(received, need) }
    /// Value of what it received (up to its need) minus what it paid.
    public var utility: Double { value * useful - paid }
}

/// The strategy-independent workload of a market run: bidders (arrival, need, value) and the
/// supply of every period, drawn from the streams `arrivals`, `needs`, `values`, `supply`.
public struct MarketWorkload: Sendable {
    public let bidders: [Bidder]
    public let supply: [Double]

    public init(_ scenario: MarketScenario, streams: RandomStreams) {
        let arrivals = streams.stream("arrivals")
        let needs = streams.stream("needs")
        let values = streams.stream("values")
        let supplies = streams.stream("supply")
        var bidders: [Bidder] = []
        var supply: [Double] = []
        for period in 0..<scenario.periods {
            let s = max(0, scenario.supply.draw(from: supplies))
            supply.append(scenario.divisible ? s : s.rounded(.down))
            for (g, group) in scenario.groups.enumerated() {
                let count = (period == 0 ? group.initial : 0) + (group.arrivalRate > 0 ? arrivals.poisson(mean: group.arrivalRate) : 0)
                for _ in 0..<count {
                    var need = max(group.need.draw(from: needs), scenario.divisible ? 1e-9 : 1)
                    if !scenario.divisible { need = need.rounded(.up) }
                    let value = max(0, group.value.draw(from: values))
                    var claim = need, bid = value
                    switch group.behaviour {
                    case .truthful: break
                    case .shading(let f): bid = f * value
                    case .overClaiming(let f):
                        claim = f * need
                        if !scenario.divisible { claim = claim.rounded(.up) }
                    case .budgetConstrained(let budget): bid = min(value, budget / need)
                    }
                    bidders.append(Bidder(group: g, arrival: period, need: need, value: value, claim: claim, bid: bid,
                                          priority: group.priority))
                }
            }
        }
        self.bidders = bidders
        self.supply = supply
    }
}

/// Runs the market period by period.
public enum MarketModel {
    /// Allocates every period's supply with `mechanism`; `stream` feeds the lottery.
    /// The run stops early, with `meter`'s reason, when its event budget or deadline is spent.
    public static func run(_ scenario: MarketScenario, workload: MarketWorkload, mechanism: Mechanism,
                           stream: RandomStream, meter: inout EventMeter) -> (bidders: [Bidder], stop: StopReason) {
        var bidders = workload.bidders
        let integral = !scenario.divisible
        var cursor = 0                      // equal-share round robin
        var active: [Int] = []
        var next = 0
        for period in 0..<scenario.periods {
            while next < bidders.count && bidders[next].arrival <= period {
                active.append(next)
                next += 1
            }
            // The central allocator works on true needs; every other mechanism on claims.
            let remaining: (Int) -> Double = mechanism == .central
                ? { bidders[$0].need - bidders[$0].received } : { bidders[$0].claim - bidders[$0].received }
            active.removeAll { remaining($0) <= 1e-12 }
            if let stop = meter.spend(active.count + 1) { return (bidders, stop) }
            guard !active.isEmpty else { continue }
            let want = active.map(remaining)
            let supply = workload.supply[period]
            var grant = Array(repeating: 0.0, count: active.count)
            var pay = Array(repeating: 0.0, count: active.count)
            switch mechanism {
            case .firstComeFirstServed:
                grant = Allocation.fill(order: Array(active.indices), want: want, supply: supply)
            case .lottery:
                var order = Array(active.indices)
                for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, stream.integer(below: i + 1)) }
                grant = Allocation.fill(order: order, want: want, supply: supply)
            case .equalShare:
                if integral {
                    let shares = Allocation.roundRobin(want: want, supply: supply, start: &cursor, meter: &meter)
                    if let stop = shares.stop { return (bidders, stop) }
                    grant = shares.grant
                } else {
                    grant = Allocation.waterFill(want: want, weights: want.map { _ in 1 }, supply: supply)
                }
            case .proportionalNeed:
                grant = Allocation.proportional(want: want, weights: want, supply: supply, integral: integral)
            case .proportionalBid:
                let weights = active.indices.map { bidders[active[$0]].bid * want[$0] }
                grant = Allocation.proportional(want: want, weights: weights, supply: supply, integral: integral)
                pay = active.indices.map { grant[$0] * bidders[active[$0]].bid }
            case .firstPrice:
                let order = Allocation.byDescending(active.map { bidders[$0].bid })
                grant = Allocation.fill(order: order, want: want, supply: supply)
                pay = active.indices.map { grant[$0] * bidders[active[$0]].bid }
            case .vickrey:
                (grant, pay) = Allocation.vcg(bids: active.map { bidders[$0].bid }, want: want, supply: supply)
            case .priority:
                let order = active.indices.sorted {
                    let a = bidders[active[$0]].priority, b = bidders[active[$1]].priority
                    return a != b ? a > b : $0 < $1
                }
                grant = Allocation.fill(order: order, want: want, supply: supply)
            case .central:
                let order = Allocation.byDescending(active.map { bidders[$0].value })
                grant = Allocation.fill(order: order, want: want, supply: supply)
            }
            for (k, b) in active.enumerated() {
                bidders[b].received += grant[k]
                bidders[b].paid += pay[k]
                if bidders[b].satisfiedAt == nil && bidders[b].received >= bidders[b].need - 1e-9 {
                    bidders[b].satisfiedAt = period
                }
            }
        }
        return (bidders, .drained)
    }
}

/// Allocation rules over a period's waiting bidders (indices into `want`). Ties go to the
/// lower index, i.e. the earlier arrival.
enum Allocation {
    /// Serves `order` in turn, each up to its want, until the supply is gone.
    static func fill(order: [Int], want: [Double], supply: Double) -> [Double] {
        var grant = Array(repeating: 0.0, count: want.count)
        var left = supply
        for i in order where left > 0 {
            grant[i] = min(want[i], left)
            left -= grant[i]
        }
        return grant
    }

    /// Indices by descending key, ties by ascending index.
    static func byDescending(_ keys: [Double]) -> [Int] {
        keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }
    }

    /// Divisible shares in proportion to `weights`, capped at `want`, the excess of capped
    /// bidders shared again among the others (water-filling). Each round costs O(open
    /// bidders) and caps at least one; the total of the weights is summed afresh each round,
    /// in index order, as the results have always been computed.
    static func waterFill(want: [Double], weights: [Double], supply: Double) -> [Double] {
        var grant = Array(repeating: 0.0, count: want.count)
        var open = want.indices.filter { want[$0] > 0 && weights[$0] > 0 }
        var isCapped = Array(repeating: false, count: want.count)
        var left = supply
        while left > 1e-12 && !open.isEmpty {
            let total = open.reduce(0.0) { $0 + weights[$1] }
            var capped: [Int] = []
            for i in open where left * weights[i] / total >= want[i] - grant[i] { capped.append(i) }
            if capped.isEmpty {
                for i in open { grant[i] += left * weights[i] / total }
                left = 0
            } else {
                for i in capped {
                    left -= want[i] - grant[i]
                    grant[i] = want[i]
                    isCapped[i] = true
                }
                open.removeAll { isCapped[$0] }
            }
        }
        return grant
    }

    /// Proportional shares; for whole units, the floors of the divisible shares plus the
    /// remaining units by largest remainder (Hamilton), never beyond a want.
    static func proportional(want: [Double], weights: [Double], supply: Double, integral: Bool) -> [Double] {
        let shares = waterFill(want: want, weights: weights, supply: supply)
        guard integral else { return shares }
        var grant = shares.map { $0.rounded(.down) }
        var left = Allocation.units((min(supply, want.reduce(0, +)) - grant.reduce(0, +)).rounded())
        let order = byDescending(shares.indices.map { shares[$0] - grant[$0] })
        while left > 0 {
            var progressed = false
            for i in order where left > 0 && grant[i] + 1 <= want[i] {
                grant[i] += 1
                left -= 1
                progressed = true
            }
            if !progressed { break }
        }
        return grant
    }

    /// Whole units one at a time in cyclic order, continuing from `start` across periods.
    static func roundRobin(want: [Double], supply: Double, start: inout Int) -> [Double] {
        var meter = EventMeter(budget: .max)
        return roundRobin(want: want, supply: supply, start: &start, meter: &meter).grant
    }

    /// The same, each step of the cycle an event of `meter`; with the reason to stop when
    /// its budget or deadline ran out (a huge supply of whole units cannot hang a run).
    static func roundRobin(want: [Double], supply: Double, start: inout Int, meter: inout EventMeter)
        -> (grant: [Double], stop: StopReason?) {
        var grant = Array(repeating: 0.0, count: want.count)
        var left = units(supply)
        let n = want.count
        var i = start % max(n, 1)
        var idle = 0
        while left > 0 && idle < n {
            if let stop = meter.spend() { return (grant, stop) }
            if grant[i] + 1 <= want[i] {
                grant[i] += 1
                left -= 1
                idle = 0
            } else {
                idle += 1
            }
            i = (i + 1) % n
        }
        start = i
        return (grant, nil)
    }

    /// A whole number of units as an `Int`, for any finite or infinite amount (clamped to 0…10^18).
    static func units(_ amount: Double) -> Int {
        amount >= 1e18 ? 1_000_000_000_000_000_000 : amount > 0 ? Int(amount) : 0
    }

    /// VCG for bidders with a constant value per unit up to their want: units go to the
    /// highest bids (ties: lower index first); each winner pays the bids its units displace,
    /// defined as the others' welfare without it minus their welfare with it, each welfare
    /// summed in `Double` over the bidders in index order (`withAll` and `othersWithout`
    /// below). One item: the second-highest bid.
    ///
    /// The definition re-runs the fill and that sum without each winner: O(winners × bidders)
    /// per period. This computes the same doubles from what the removal of winner w changes:
    /// - The fill without w serves everyone before w in bid order as before (the same supply
    ///   is left), and everyone after w who was served in full is served in full again: each
    ///   left-over amount is the rounded difference of one at least as large (rounding is
    ///   monotone). Only the bidders from the first one not served in full (the marginal
    ///   bidder) on can receive more; they are re-filled from there, w's left-over carried
    ///   through the full servings in between exactly as the fill subtracts them (in one
    ///   vector pass for all winners; for whole units, where every subtraction is exact, it is
    ///   simply the marginal left-over plus w's grant).
    /// - The sum without w differs from the sum with everyone only at w's term (now 0) and at
    ///   the re-filled bidders' terms. Sums of rounded terms depend on their order, so the
    ///   same left-to-right sum is replayed for each winner from the first index where its
    ///   terms differ, all winners in one pass over the bidders: a running total per winner,
    ///   the shared terms added to every started total in one vector loop, and zero terms
    ///   skipped (adding ±0 to a total that starts at +0 never changes it).
    /// Cost per period: O(n log n) for the order, plus O(W² + D) for W winners and D
    /// re-filled bidder terms over all winners (D is about W when the displaced bidders want
    /// about as much as the winners got). The W² is the replayed sums (and, with divisible
    /// supply, the carried left-overs): bit-identical payments need each winner's own
    /// left-to-right sum from its first changed term on, and a sub-quadratic rule would have
    /// to sum in another order (a change of definition, and of results). The vector loop
    /// keeps it small: 0.3 s for 99,000 bidders of the gpu-cluster scenario scaled ×1000
    /// (first price: 0.2 s), 7.8 s for 990,000 (first price: 3.0 s).
    /// Inputs outside that reasoning — a non-finite bid, want or supply, or a negative want,
    /// which the model never produces — take the definition as it is.
    static func vcg(bids: [Double], want: [Double], supply: Double) -> (grant: [Double], pay: [Double]) {
        let n = bids.count
        guard supply.isFinite, bids.allSatisfy(\.isFinite), want.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            return vcgByRefilling(bids: bids, want: want, supply: supply)
        }
        let order = byDescending(bids)
        // The fill (as `fill`), keeping the amount left before each position served.
        var grant = Array(repeating: 0.0, count: n)
        var leftBefore = Array(repeating: 0.0, count: n)
        var left = supply
        for p in 0..<n where left > 0 {
            let k = order[p]
            leftBefore[p] = left
            grant[k] = min(want[k], left)
            left -= grant[k]
        }
        var pay = Array(repeating: 0.0, count: n)
        let withAll = grant.indices.reduce(0.0) { $0 + bids[$1] * grant[$1] }
        // The marginal position: the first not served in full (n if none), and what was left
        // when the fill reached it.
        var marginal = 0
        while marginal < n && grant[order[marginal]] >= want[order[marginal]] { marginal += 1 }
        let leftAtMarginal = marginal < n && grant[order[marginal]] > 0 ? leftBefore[marginal] : left
        // The winners by bid position; a lane each.
        var lanePosition: [Int] = []
        for p in 0..<min(marginal + 1, n) where grant[order[p]] > 0 { lanePosition.append(p) }
        let lanes = lanePosition.count
        guard lanes > 0 else { return (grant, pay) }

        // What each winner's absence leaves at the marginal position (for the marginal winner
        // itself: what was left before it).
        var laneLeft = Array(repeating: 0.0, count: lanes)
        if marginal < n {
            let whole = supply.rounded() == supply && supply <= 9_007_199_254_740_992
                && want.allSatisfy { $0.rounded() == $0 && $0 <= 9_007_199_254_740_992 }
            if whole {
                for l in 0..<lanes {
                    let p = lanePosition[l]
                    laneLeft[l] = p == marginal ? leftBefore[p] : leftAtMarginal + grant[order[p]]
                }
            } else {
                laneLeft.withUnsafeMutableBufferPointer { laneLeft in
                    var started = 0
                    for p in 0..<marginal {
                        let w = want[order[p]]
                        if w != 0 {
                            for l in 0..<started { laneLeft[l] -= w }
                        }
                        if started < lanes && lanePosition[started] == p {
                            laneLeft[started] = leftBefore[p]
                            started += 1
                        }
                    }
                    if started < lanes { laneLeft[started] = leftBefore[marginal] }   // the marginal winner
                }
            }
        }

        // The terms that differ per lane: the winner's own (0) and the re-filled bidders'.
        var changeIndex: [Int] = [], changeLane: [Int] = [], changeTerm: [Double] = []
        var firstChange = Array(repeating: 0, count: lanes)
        for l in 0..<lanes {
            let p = lanePosition[l], w = order[p]
            changeIndex.append(w); changeLane.append(l); changeTerm.append(0)
            var first = w
            var s = p == marginal ? marginal + 1 : marginal
            var remaining = laneLeft[l]
            while s < n && remaining > 0 {
                let k = order[s]
                let g = min(want[k], remaining)
                remaining -= g
                if g != grant[k] {
                    changeIndex.append(k); changeLane.append(l); changeTerm.append(bids[k] * g)
                    first = min(first, k)
                }
                s += 1
            }
            firstChange[l] = first
        }
        // Changes by index (a counting sort), lanes by the index of their first change.
        var changeStart = Array(repeating: 0, count: n + 1)
        for k in changeIndex { changeStart[k + 1] += 1 }
        for k in 0..<n { changeStart[k + 1] += changeStart[k] }
        var fillAt = changeStart
        var changes = Array(repeating: 0, count: changeIndex.count)
        for c in changeIndex.indices {
            changes[fillAt[changeIndex[c]]] = c
            fillAt[changeIndex[c]] += 1
        }
        let started = (0..<lanes).sorted { firstChange[$0] != firstChange[$1] ? firstChange[$0] < firstChange[$1] : $0 < $1 }
        var rank = Array(repeating: 0, count: lanes)
        for (r, l) in started.enumerated() { rank[l] = r }

        // Every lane's sum over the bidders in index order, replayed from its first change.
        var total = Array(repeating: 0.0, count: lanes)   // by rank
        var changed = Array(repeating: 0.0, count: changeIndex.count)
        total.withUnsafeMutableBufferPointer { total in
            var shared = 0.0, running = 0
            for k in 0..<n {
                while running < lanes && firstChange[started[running]] == k {
                    total[running] = shared
                    running += 1
                }
                for c in changeStart[k]..<changeStart[k + 1] {
                    let change = changes[c]
                    changed[change] = total[rank[changeLane[change]]] + changeTerm[change]
                }
                if grant[k] != 0 {
                    let term = bids[k] * grant[k]
                    for r in 0..<running { total[r] += term }
                    shared += term
                }
                for c in changeStart[k]..<changeStart[k + 1] {
                    let change = changes[c]
                    total[rank[changeLane[change]]] = changed[change]
                }
            }
        }
        for l in 0..<lanes {
            let i = order[lanePosition[l]]
            pay[i] = max(0, total[rank[l]] - (withAll - bids[i] * grant[i]))
        }
        return (grant, pay)
    }

    /// VCG by its definition: the fill and the welfare sum re-run without each winner,
    /// O(winners × bidders); for inputs outside `vcg`'s reasoning.
    static func vcgByRefilling(bids: [Double], want: [Double], supply: Double) -> (grant: [Double], pay: [Double]) {
        let order = byDescending(bids)
        let grant = fill(order: order, want: want, supply: supply)
        var pay = Array(repeating: 0.0, count: bids.count)
        let withAll = grant.indices.reduce(0.0) { $0 + bids[$1] * grant[$1] }
        for i in grant.indices where grant[i] > 0 {
            let without = fill(order: order.filter { $0 != i }, want: want, supply: supply)
            let othersWithout = without.indices.reduce(0.0) { $0 + bids[$1] * without[$1] }
            pay[i] = max(0, othersWithout - (withAll - bids[i] * grant[i]))
        }
        return (grant, pay)
    }
}
