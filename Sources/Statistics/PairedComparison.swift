internal import CGSL

/// A paired comparison of two strategies on one metric over the same replications.
///
/// Common random numbers make replication i of both strategies face the same workload,
/// so the per-replication differences are paired and the test is a paired t-test on them
/// (`gsl_stats_mean`, `gsl_stats_sd`, `gsl_cdf_tdist_Q`).
public struct PairedComparison: Sendable, Equatable {
    /// Number of replications where both values are defined.
    public let n: Int
    /// Mean of a − b.
    public let meanDifference: Double
    /// Half-width of the t-interval for the mean difference at `confidence`.
    public let halfWidth: Double
    /// Two-sided p-value of H0: mean difference = 0. NaN when n < 2; 0 or 1 when every
    /// difference is identical (zero spread), by whether that difference is non-zero.
    public let pValue: Double

    public init(_ a: [Double], _ b: [Double], confidence: Double = 0.95) {
        precondition(a.count == b.count, "paired samples must have equal length")
        GSL.prepare()
        let diffs = zip(a, b).compactMap { x, y -> Double? in
            x.isNaN || y.isNaN ? nil : x - y
        }
        let summary = Summary(diffs, confidence: confidence)
        n = summary.n
        meanDifference = summary.mean
        halfWidth = summary.halfWidth
        if n < 2 {
            pValue = .nan
        } else if summary.sd == 0 {
            pValue = summary.mean == 0 ? 1 : 0
        } else {
            let t = summary.mean / (summary.sd / Double(n).squareRoot())
            pValue = 2 * gsl_cdf_tdist_Q(abs(t), Double(n - 1))
        }
    }
}
