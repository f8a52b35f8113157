/// Reference points of a bargaining problem over a discrete domain, in utility space,
/// computed over the individually rational outcomes (every agent's utility ≥ its reserved
/// value). Ties are broken by the lower outcome index.
///
/// Cost, for n agents and m outcomes of which r are rational and f on the frontier: the
/// rational filter, the Nash solution and the best utilities O(n·m); the frontier (see
/// `paretoFrontier`) O(n·r log r) for up to three agents (its sort is the first agent's
/// sorted outcomes, shared with that agent's negotiator: `paretoFrontier(ascending:…)`); for
/// more, O(n·r log r) and a k-d tree query per rational outcome, O(n·r·f) in the worst case
/// (quadratic when most outcomes are on the frontier) but far less in practice;
/// Kalai–Smorodinsky and egalitarian O(n·f).
/// Utilities are assumed finite (the scenario reader admits only weights and table entries
/// in [0, 1]).
public struct BargainingSolutions: Sendable {
    /// Indices of the individually rational outcomes that no other rational outcome
    /// dominates (the Pareto frontier), ascending. An outcome dominates another when it is
    /// at least as good for every agent and better for one; equal utility vectors do not
    /// dominate each other, so duplicates of a frontier vector are all on the frontier.
    public let pareto: [Int]
    /// Maximises Π (uᵢ − rᵢ) (Nash bargaining solution); nil when no rational outcome exists.
    public let nash: Int?
    /// Maximises minᵢ (uᵢ − rᵢ) / (bestᵢ − rᵢ) on the frontier, bestᵢ being agent i's best
    /// rational utility (Kalai–Smorodinsky).
    public let kalaiSmorodinsky: Int?
    /// Maximises minᵢ (uᵢ − rᵢ) on the frontier (egalitarian).
    public let egalitarian: Int?

    public init(_ domain: NegotiationDomain) { self.init(domain, firstAgentAscending: nil) }

    /// `firstAgentAscending`: the first agent's rational outcomes by ascending utility, ties by
    /// index (`Negotiator.ascending`), when the caller has them already (the negotiators of a
    /// run, which search them); up to three agents, the frontier is swept in an order derived
    /// from them (`paretoFrontier(ascending:utilities:reserved:)`), and they are computed here
    /// when not given.
    init(_ domain: NegotiationDomain, firstAgentAscending: [Int32]?) {
        let n = domain.agentCount
        let reserved = domain.reserved
        let utilities = domain.utilities
        let rational = Self.rational(domain)
        nash = Self.nash(rational, utilities: utilities, reserved: reserved)
        let frontier: [Int]
        if (1...3).contains(n) {
            let first = firstAgentAscending ?? Negotiator.ascending(utilities[0], atLeast: reserved[0])
            frontier = Self.paretoFrontier(ascending: first, utilities: utilities, reserved: reserved)
        } else {
            frontier = Self.paretoFrontier(of: rational, utilities: utilities)
        }
        pareto = frontier

        // Each agent's best rational utility (its reserved value when none is rational): the
        // first maximum, as `max()` keeps it. Both scores below are the minimum over agents in
        // agent order (the first minimum, as `min()` keeps it; 0 without agents), maximised
        // over the frontier (first maximum).
        (kalaiSmorodinsky, egalitarian) = withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { best in
            for i in 0..<n {
                let u = utilities[i]
                var m = reserved[i]
                if let first = rational.first {
                    m = u[first]
                    for o in rational where m < u[o] { m = u[o] }
                }
                best[i] = m
            }
            var ksBest: Int?, ksScore = -Double.infinity
            var egBest: Int?, egScore = -Double.infinity
            for o in frontier {
                var ks = 0.0, eg = 0.0
                for i in 0..<n {
                    let gain = utilities[i][o] - reserved[i]
                    let span = best[i] - reserved[i]
                    let share = span > 0 ? gain / span : 1
                    if i == 0 || share < ks { ks = share }
                    if i == 0 || gain < eg { eg = gain }
                }
                if ks > ksScore { ksBest = o; ksScore = ks }
                if eg > egScore { egBest = o; egScore = eg }
            }
            return (ksBest, egBest)
        }
    }

    /// The individually rational outcomes (every agent's utility ≥ its reserved value), ascending.
    static func rational(_ domain: NegotiationDomain) -> [Int] {
        let m = domain.outcomeCount
        let utilities = domain.utilities, reserved = domain.reserved
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: m) { isRational in
            isRational.initialize(repeating: true)
            for i in utilities.indices {
                let u = utilities[i], r = reserved[i]
                for o in 0..<m where !(u[o] >= r) { isRational[o] = false }
            }
            var count = 0
            for o in 0..<m where isRational[o] { count += 1 }
            var rational: [Int] = []
            rational.reserveCapacity(count)
            for o in 0..<m where isRational[o] { rational.append(o) }
            return rational
        }
    }

    /// The rational outcome maximising Π (uᵢ − rᵢ), the product taken in agent order from 1
    /// (first maximum: lowest index); nil when none is rational. O(n·m).
    static func nash(_ rational: [Int], utilities: [[Double]], reserved: [Double]) -> Int? {
        var best: Int?
        var bestScore = -Double.infinity
        for o in rational {
            var product = 1.0
            for i in utilities.indices { product *= utilities[i][o] - reserved[i] }
            if product > bestScore { best = o; bestScore = product }
        }
        return best
    }

    /// The Nash bargaining solution of `domain` alone (what the Nash arbitrator imposes),
    /// without the frontier: the same outcome as `BargainingSolutions(domain).nash`.
    public static func nash(_ domain: NegotiationDomain) -> Int? {
        nash(rational(domain), utilities: domain.utilities, reserved: domain.reserved)
    }

    /// The candidates (outcome indices, ascending) that no other candidate dominates, in
    /// ascending order; `utilities[agent][outcome]`. q dominates p when qᵢ ≥ pᵢ for every
    /// agent and qᵢ > pᵢ for one; equal vectors do not dominate each other (all of them stay
    /// when one is undominated). Exactly the set and order of comparing every pair.
    ///
    /// Sort and sweep, for n agents and r candidates of which f are on the frontier. The
    /// candidates are sorted in an order in which every dominator of a point comes before it
    /// and equal vectors are adjacent, whole-vector ties broken by ascending index (a total
    /// order): up to three agents, the utility vectors lexicographically descending (agent 1's
    /// utility first, then agent 2's, …); four or more, the sum of the utilities descending
    /// (summed in agent order: rounding is monotone, so a dominator's sum is never lower), then
    /// lexicographically descending. O(r log r) comparisons. The sweep visits them in that
    /// order; a candidate whose vector equals the previous one's shares its verdict; any other
    /// is on the frontier when no frontier point kept so far is ≥ it in every coordinate (a
    /// dominated point has an undominated dominator, which is earlier and kept, and no kept
    /// point equals it, so ≥ everywhere means dominance). That test:
    /// - one agent: the first group of equal utilities is the frontier; O(r);
    /// - two agents: p₂ > the highest second coordinate kept (p₁ holds by the order); O(r);
    /// - three agents: a Fenwick tree over the ranks of the second coordinate (descending)
    ///   holding the highest third coordinate kept: p is dominated when the ranks ≤ p's
    ///   (second coordinate ≥ p₂) hold a third coordinate ≥ p₃; O(r log r) in all;
    /// - four or more: an orthant query on a k-d tree of the kept points (`DominanceTree`);
    ///   O(n·r·f) in the worst case (when the tree prunes nothing: quadratic if most candidates
    ///   are on the frontier), in practice far less: on random two-issue domains of 8 agents
    ///   (4·10⁴ to 5·10⁵ candidates, a quarter to a twentieth of them on the frontier) a query
    ///   visited about 20 nodes and 60 to 90 stored points for a dominated candidate, 60 to 70
    ///   nodes and 300 points for an undominated one, and the time grew about linearly with r.
    /// Comparisons only (and, for four or more, the sums used to order): the result is exact.
    static func paretoFrontier(of candidates: [Int], utilities: [[Double]]) -> [Int] {
        let d = utilities.count
        let m = candidates.count
        // Without agents nothing is strictly better: every candidate is undominated.
        guard d > 0, m > 1 else { return candidates }
        // Scratch (on the stack when small): the candidates' vectors, row-major (point k's
        // coordinate i at k·d + i), and the same rows in sweep order; the sort keys; the
        // verdicts by sweep position and by candidate position.
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * m * d) { rows in
            let points = UnsafeMutableBufferPointer(rebasing: rows[0 ..< m * d])
            let sorted = UnsafeMutableBufferPointer(rebasing: rows[m * d ..< 2 * m * d])
            for i in 0..<d {
                let u = utilities[i]
                for k in 0..<m { points[k * d + i] = u[candidates[k]] }
            }
            return withUnsafeTemporaryAllocation(of: SortKey.self, capacity: m) { buffer in
                var keys = buffer   // the same memory; `sort` needs a variable
                // The sweep order: up to three agents, lexicographic (the key holds the first
                // two coordinates); more, by the sum and then lexicographic (the key holds the
                // sum and the first coordinate); then by position (= by outcome index).
                let rest = d > 3 ? 1 : 2   // the first coordinate the key does not hold
                for k in 0..<m {
                    var value = points[k * d], second = d > 1 ? points[k * d + 1] : 0
                    if d > 3 {
                        second = value
                        value = 0
                        for i in 0..<d { value += points[k * d + i] }
                    }
                    keys.initializeElement(at: k, to: SortKey(value: value, second: second, position: Int32(k)))
                }
                keys.sort { a, b in
                    if a.value != b.value { return a.value > b.value }
                    if a.second != b.second { return a.second > b.second }
                    let ra = Int(a.position) * d, rb = Int(b.position) * d
                    var i = rest
                    while i < d {
                        let x = points[ra + i], y = points[rb + i]
                        if x != y { return x > y }
                        i += 1
                    }
                    return a.position < b.position
                }
                // The rows in sweep order, so that the sweep reads them in sequence.
                for j in 0..<m {
                    let k = Int(keys[j].position)
                    for i in 0..<d { sorted[j * d + i] = points[k * d + i] }
                }
                return withUnsafeTemporaryAllocation(of: Bool.self, capacity: 2 * m) { flags in
                    flags.initialize(repeating: false)
                    var keep = UnsafeMutableBufferPointer(rebasing: flags[0 ..< m])   // by sweep position
                    let p = UnsafeBufferPointer(sorted)
                    switch d {
                    case 1: sweep1(p, &keep)
                    case 2: sweep2(p, &keep)
                    case 3: sweep3(p, &keep)
                    default: sweepTree(p, d, &keep)
                    }
                    let onFrontier = UnsafeMutableBufferPointer(rebasing: flags[m ..< 2 * m])   // by candidate
                    var count = 0
                    for j in 0..<m where keep[j] {
                        onFrontier[Int(keys[j].position)] = true
                        count += 1
                    }
                    var frontier: [Int] = []
                    frontier.reserveCapacity(count)
                    for k in 0..<m where onFrontier[k] { frontier.append(candidates[k]) }
                    return frontier
                }
            }
        }
    }

    /// The frontier of one to three agents, the same outcomes as `paretoFrontier(of:utilities:)`
    /// of the rational outcomes, from `first`: the first agent's rational outcomes by ascending
    /// utility, ties by index (`Negotiator.ascending`). Read backwards and restricted to the
    /// outcomes rational for every agent, that list is the sweep's order (the utility vectors
    /// lexicographically descending, then the index ascending) except within a group of equal
    /// first utilities, which it has by descending index; an insertion sort by the whole order
    /// puts such groups right and only compares each outcome with its predecessor otherwise
    /// (O(r) without ties; the order is total, so the result is the one sorted order). Then
    /// the same sweep. O(n·r) besides `first`, which the negotiators of a run need anyway.
    static func paretoFrontier(ascending first: [Int32], utilities: [[Double]], reserved: [Double]) -> [Int] {
        let d = utilities.count
        let m = utilities[0].count
        let capacity = first.count
        // Scratch: the candidates' vectors in sweep order, row-major (row j's coordinate i at
        // j·d + i), one more row for the candidate being placed; their outcomes; the verdicts
        // by sweep position and by outcome.
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: (capacity + 1) * d) { rows in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: capacity + 1) { order in
                // The outcomes rational for every agent, first utility descending: each is
                // written at the next row and kept there when rational (no branch on it).
                var r = 0
                for k in stride(from: capacity - 1, through: 0, by: -1) {
                    let o = Int(first[k])
                    var rational = true
                    for i in 0..<d {
                        let u = utilities[i][o]
                        rows[r * d + i] = u
                        rational = rational && (i == 0 || u >= reserved[i])
                    }
                    order[r] = first[k]
                    r += rational ? 1 : 0
                }
                guard r > 1 else { return (0..<r).map { Int(order[$0]) } }
                // Insertion sort by the sweep order: row j goes before row j − 1 only within a
                // group of equal first utilities.
                for k in 1..<r {
                    var j = k
                    while j > 0 && Self.precedes(rows, d, j, Int(order[j]), j - 1, Int(order[j - 1])) {
                        for i in 0..<d { rows.swapAt((j - 1) * d + i, j * d + i) }
                        order.swapAt(j - 1, j)
                        j -= 1
                    }
                }
                return withUnsafeTemporaryAllocation(of: Bool.self, capacity: r + m) { flags in
                    flags.initialize(repeating: false)
                    var keep = UnsafeMutableBufferPointer(rebasing: flags[0 ..< r])   // by sweep position
                    let p = UnsafeBufferPointer(rebasing: rows[0 ..< r * d])
                    switch d {
                    case 1: sweep1(p, &keep)
                    case 2: sweep2(p, &keep)
                    default: sweep3(p, &keep)
                    }
                    let onFrontier = UnsafeMutableBufferPointer(rebasing: flags[r ..< r + m])   // by outcome
                    var count = 0
                    for j in 0..<r where keep[j] {
                        onFrontier[Int(order[j])] = true
                        count += 1
                    }
                    var frontier: [Int] = []
                    frontier.reserveCapacity(count)
                    for o in 0..<m where onFrontier[o] { frontier.append(o) }
                    return frontier
                }
            }
        }
    }

    /// Whether row a (outcome oa) comes before row b (outcome ob) in the sweep: the vectors
    /// lexicographically descending, then the outcome index ascending.
    @inline(__always)
    private static func precedes(_ rows: UnsafeMutableBufferPointer<Double>, _ d: Int, _ a: Int, _ oa: Int,
                                 _ b: Int, _ ob: Int) -> Bool {
        for i in 0..<d {
            let x = rows[a * d + i], y = rows[b * d + i]
            if x != y { return x > y }
        }
        return oa < ob
    }

    /// A candidate's sort keys and position among the candidates.
    private struct SortKey {
        var value: Double
        var second: Double
        var position: Int32
    }

    /// Whether rows a and b of `p` (d coordinates each) are equal vectors.
    @inline(__always)
    private static func equal(_ p: UnsafeBufferPointer<Double>, _ d: Int, _ a: Int, _ b: Int) -> Bool {
        for i in 0..<d where p[a * d + i] != p[b * d + i] { return false }
        return true
    }

    /// One agent: the candidates equal to the first (highest) utility.
    private static func sweep1(_ p: UnsafeBufferPointer<Double>, _ keep: inout UnsafeMutableBufferPointer<Bool>) {
        for j in 0..<keep.count where p[j] == p[0] { keep[j] = true }
    }

    /// Two agents: undominated when the second coordinate beats every kept one.
    private static func sweep2(_ p: UnsafeBufferPointer<Double>, _ keep: inout UnsafeMutableBufferPointer<Bool>) {
        var bestSecond = -Double.infinity
        var kept = false
        for j in 0..<keep.count {
            if j == 0 || !equal(p, 2, j, j - 1) {
                let second = p[2 * j + 1]
                kept = second > bestSecond
                if kept { bestSecond = second }
            }
            keep[j] = kept
        }
    }

    /// Three agents: a Fenwick tree over the ranks of the second coordinate holding the
    /// highest third coordinate kept.
    private static func sweep3(_ p: UnsafeBufferPointer<Double>, _ keep: inout UnsafeMutableBufferPointer<Bool>) {
        let m = keep.count
        // Ranks of the second coordinate, descending (rank 0: the highest), equal values sharing one.
        var bySecond = [Int32](unsafeUninitializedCapacity: m) { buffer, count in
            for j in 0..<m { buffer[j] = Int32(j) }
            count = m
        }
        bySecond.sort { p[Int($0) * 3 + 1] > p[Int($1) * 3 + 1] }
        var rank = [Int32](repeating: 0, count: m)
        var ranks = 0
        for (position, entry) in bySecond.enumerated() {
            if position > 0 && p[Int(entry) * 3 + 1] != p[Int(bySecond[position - 1]) * 3 + 1] { ranks += 1 }
            rank[Int(entry)] = Int32(ranks)
        }
        ranks += 1
        // tree[t] (1-based) holds the highest third coordinate kept among its ranks.
        var tree = [Double](repeating: -Double.infinity, count: ranks + 1)
        var lowestKeptRank = Int.max
        var verdict = false
        for j in 0..<m {
            defer { keep[j] = verdict }
            if j > 0 && equal(p, 3, j, j - 1) { continue }
            let r = Int(rank[j])
            // A kept point ≥ p in coordinates 2 and 3 (the first holds by the order)? The tree
            // answers for the ranks ≤ r; `lowestKeptRank` says whether any is kept there.
            var third = -Double.infinity
            var t = r + 1
            while t > 0 {
                if tree[t] > third { third = tree[t] }
                t -= t & -t
            }
            verdict = !(lowestKeptRank <= r && third >= p[3 * j + 2])
            guard verdict else { continue }
            if r < lowestKeptRank { lowestKeptRank = r }
            let value = p[3 * j + 2]
            t = r + 1
            while t <= ranks {
                if value > tree[t] { tree[t] = value }
                t += t & -t
            }
        }
    }

    /// Four or more agents: an orthant query on a k-d tree of the kept points.
    private static func sweepTree(_ p: UnsafeBufferPointer<Double>, _ d: Int,
                                  _ keep: inout UnsafeMutableBufferPointer<Bool>) {
        var tree = DominanceTree(dimensions: d)
        var probe = [SIMD4<Double>](repeating: .zero, count: tree.chunks)   // padding lanes stay 0
        var stack: [Int32] = []
        var verdict = false
        for j in 0..<keep.count {
            defer { keep[j] = verdict }
            if j > 0 && equal(p, d, j, j - 1) { continue }
            for i in 0..<d { probe[i >> 2][i & 3] = p[j * d + i] }
            let scalar = UnsafeBufferPointer(rebasing: p[j * d ..< j * d + d])
            probe.withUnsafeBufferPointer { probe in
                verdict = !tree.dominates(probe, scalar, stack: &stack)
                if verdict { tree.insert(probe, scalar) }
            }
        }
    }

    /// Euclidean distance in utility space between a point and outcome `o`.
    public static func distance(_ point: [Double], _ o: Int, in domain: NegotiationDomain) -> Double {
        var sum = 0.0
        for i in point.indices {
            let d = point[i] - domain.utility(i, o)
            sum += d * d
        }
        return sum.squareRoot()
    }

    /// Distance from a point to the nearest frontier outcome (0 when the point is on it):
    /// the first minimum over the frontier, NaN when the frontier is empty. O(n·f).
    public func distanceToFrontier(_ point: [Double], in domain: NegotiationDomain) -> Double {
        guard let first = pareto.first else { return .nan }
        var nearest = Self.distance(point, first, in: domain)
        for o in pareto.dropFirst() {
            let d = Self.distance(point, o, in: domain)
            if d < nearest { nearest = d }
        }
        return nearest
    }
}
