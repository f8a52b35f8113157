internal import CGSL

/// Wilcoxon signed-rank test of paired samples: does the per-run difference current − baseline
/// lean to one side? Rank-based, so it needs no normality of the differences.
///
/// Follows `scipy.stats.wilcoxon(current, baseline)` with its defaults (scipy 1.17):
/// zero differences are dropped (zero_method "wilcox"), tied |differences| get their mean rank,
/// no continuity correction, two-sided. The p-value is exact (the distribution of R+ over all
/// 2ⁿ sign assignments, by dynamic programming over rank sums) when there are at most 50 pairs
/// and no ties or zeros, or at most 13 pairs (then over the mid-ranks, as scipy's permutation
/// test enumerates); otherwise the normal approximation of R+ with mean n(n + 1)/4 and variance
/// (n(n + 1)(2n + 1) − Σ(t³ − t)/2)/24 over tie groups of size t (`gsl_cdf_ugaussian_Q`).
/// Pairs where either value is NaN are left out.
public struct WilcoxonSignedRank: Sendable, Equatable {
    public enum Method: Sendable, Equatable { case exact, normalApproximation }

    /// min(R+, R−), the smaller sum of the ranks of positive and of negative differences.
    public let statistic: Double
    /// Two-sided p-value; 1 when every difference is zero, NaN when there is no pair.
    public let pValue: Double
    /// Number of non-zero differences (the ranked ones).
    public let n: Int
    public let method: Method

    public init(pairedBaseline baseline: [Double], current: [Double]) {
        precondition(baseline.count == current.count, "paired samples must have equal length")
        GSL.prepare()
        var pairs = 0
        var differences: [Double] = []
        differences.reserveCapacity(baseline.count)
        for (b, c) in zip(baseline, current) {
            let d = c - b
            guard !d.isNaN else { continue }
            pairs += 1
            if d != 0 { differences.append(d) }
        }
        differences.sort { abs($0) < abs($1) }
        n = differences.count

        // Ranks are kept doubled so that mid-ranks of ties, (i + j)/2, stay integers.
        var doubledRanks: [Int] = []
        doubledRanks.reserveCapacity(n)
        var positive = 0, tieTerm = 0.0, start = 0
        while start < n {
            var end = start
            while end + 1 < n, abs(differences[end + 1]) == abs(differences[start]) { end += 1 }
            let rank = (start + 1) + (end + 1)
            for d in differences[start...end] {
                doubledRanks.append(rank)
                if d > 0 { positive += rank }
            }
            let t = Double(end - start + 1)
            tieTerm += t * t * t - t
            start = end + 1
        }
        let total = n * (n + 1)
        statistic = Double(Swift.min(positive, total - positive)) / 2

        if pairs == 0 {
            method = .exact
            pValue = .nan
        } else if pairs <= 50 && (tieTerm == 0 && pairs == n || pairs <= 13) {
            method = .exact
            pValue = WilcoxonSignedRank.exactPValue(doubledRanks: doubledRanks, observed: positive)
        } else {
            method = .normalApproximation
            let count = Double(n)
            let mean = count * (count + 1) / 4
            let variance = (count * (count + 1) * (2 * count + 1) - tieTerm / 2) / 24
            let z = (Double(positive) / 2 - mean) / variance.squareRoot()
            pValue = n == 0 ? 1 : Swift.min(1, 2 * gsl_cdf_ugaussian_Q(abs(z)))
        }
    }

    /// 2·min(P(R+ ≤ r), P(R+ ≥ r)), capped at 1, where R+ (doubled) is the sum of a random
    /// subset of `doubledRanks`, each rank in with probability ½. The counts of subsets per sum
    /// are integers below 2⁵⁰, exact in a Double.
    static func exactPValue(doubledRanks: [Int], observed: Int) -> Double {
        var counts = [Double](repeating: 0, count: doubledRanks.reduce(0, +) + 1)
        counts[0] = 1
        var reach = 0
        for rank in doubledRanks {
            reach += rank
            for sum in stride(from: reach, through: rank, by: -1) { counts[sum] += counts[sum - rank] }
        }
        let atMost = counts[...observed].reduce(0, +), atLeast = counts[observed...].reduce(0, +)
        let all = Double(sign: .plus, exponent: doubledRanks.count, significand: 1)
        return Swift.min(1, 2 * Swift.min(atMost, atLeast) / all)
    }
}
