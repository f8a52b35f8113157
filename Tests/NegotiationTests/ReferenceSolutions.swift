@testable import Negotiation

/// The bargaining reference points as `BargainingSolutions` computed them before issue 12,
/// kept verbatim as the specification the fast code must reproduce exactly: the Pareto
/// frontier by comparing every pair of rational outcomes (more than two agents), the
/// two-agent sweep, and the argmax scans over arrays built per outcome. Quadratic; tests only.
struct ReferenceSolutions {
    let pareto: [Int]
    let nash: Int?
    let kalaiSmorodinsky: Int?
    let egalitarian: Int?

    init(_ domain: NegotiationDomain) {
        let n = domain.agentCount
        let reserved = domain.preferences.map(\.reserved)
        let rational = (0..<domain.outcomeCount).filter { o in
            (0..<n).allSatisfy { domain.utility($0, o) >= reserved[$0] }
        }
        func dominates(_ a: Int, _ b: Int) -> Bool {
            var strictly = false
            for i in 0..<n {
                let ua = domain.utility(i, a), ub = domain.utility(i, b)
                if ua < ub { return false }
                if ua > ub { strictly = true }
            }
            return strictly
        }
        var frontier: [Int] = []
        if n == 2 {
            // Sweep by the first agent's utility, descending: an outcome is on the frontier
            // when no earlier one gives the second agent as much (equal vectors both stay).
            let sorted = rational.sorted {
                let a = (domain.utility(0, $0), domain.utility(1, $0)), b = (domain.utility(0, $1), domain.utility(1, $1))
                return a.0 != b.0 ? a.0 > b.0 : (a.1 != b.1 ? a.1 > b.1 : $0 < $1)
            }
            var bestSecond = -Double.infinity
            var last: (Double, Double)?
            for o in sorted {
                let point = (domain.utility(0, o), domain.utility(1, o))
                if point.1 > bestSecond || (last.map { $0 == point } ?? false) {
                    frontier.append(o)
                    bestSecond = max(bestSecond, point.1)
                    last = point
                }
            }
            frontier.sort()
        } else {
            for o in rational where !rational.contains(where: { dominates($0, o) }) { frontier.append(o) }
        }
        pareto = frontier

        func argmax(_ candidates: [Int], _ score: (Int) -> Double) -> Int? {
            var best: Int?
            var bestScore = -Double.infinity
            for o in candidates {
                let s = score(o)
                if s > bestScore { best = o; bestScore = s }
            }
            return best
        }
        nash = argmax(rational) { o in (0..<n).reduce(1.0) { $0 * (domain.utility($1, o) - reserved[$1]) } }
        let best = (0..<n).map { i in rational.map { domain.utility(i, $0) }.max() ?? reserved[i] }
        kalaiSmorodinsky = argmax(frontier) { o in
            (0..<n).map { i in
                let span = best[i] - reserved[i]
                return span > 0 ? (domain.utility(i, o) - reserved[i]) / span : 1
            }.min() ?? 0
        }
        egalitarian = argmax(frontier) { o in (0..<n).map { domain.utility($0, o) - reserved[$0] }.min() ?? 0 }
    }

    /// Euclidean distance in utility space between a point and outcome `o`.
    static func distance(_ point: [Double], _ o: Int, in domain: NegotiationDomain) -> Double {
        var sum = 0.0
        for i in point.indices {
            let d = point[i] - domain.utility(i, o)
            sum += d * d
        }
        return sum.squareRoot()
    }

    /// Distance from a point to the nearest frontier outcome (0 when the point is on it).
    func distanceToFrontier(_ point: [Double], in domain: NegotiationDomain) -> Double {
        pareto.map { Self.distance(point, $0, in: domain) }.min() ?? .nan
    }
}
