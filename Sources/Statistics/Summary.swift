internal import CGSL
import Synchronization

/// Descriptive statistics of one sample, computed by GSL (`gsl_stats_*`, `gsl_cdf_tdist_Pinv`).
///
/// NaN values (a metric that is undefined for a run, e.g. cost per success with no success)
/// are left out; `n` counts the values that remain.
public struct Summary: Sendable, Equatable {
    public let n: Int
    public let mean: Double
    /// Sample standard deviation (denominator n − 1); NaN when n < 2.
    public let sd: Double
    /// Half-width of the two-sided t-interval for the mean at `confidence`; NaN when n < 2.
    public let halfWidth: Double
    public let confidence: Double
    public let min: Double
    public let max: Double

    public var lower: Double { mean - halfWidth }
    public var upper: Double { mean + halfWidth }

    public init(_ values: [Double], confidence: Double = 0.95) {
        precondition(confidence > 0 && confidence < 1)
        GSL.prepare()
        let data = values.filter { !$0.isNaN }
        self.confidence = confidence
        n = data.count
        guard n > 0 else {
            mean = .nan; sd = .nan; halfWidth = .nan; min = .nan; max = .nan
            return
        }
        (mean, min, max) = data.withUnsafeBufferPointer { buffer in
            var lo = 0.0, hi = 0.0
            gsl_stats_minmax(&lo, &hi, buffer.baseAddress, 1, buffer.count)
            return (gsl_stats_mean(buffer.baseAddress, 1, buffer.count), lo, hi)
        }
        if n >= 2 {
            let m = mean
            sd = data.withUnsafeBufferPointer { gsl_stats_sd_m($0.baseAddress, 1, $0.count, m) }
            halfWidth = Summary.tQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: Double(n - 1))
                * sd / Double(n).squareRoot()
        } else {
            sd = .nan
            halfWidth = .nan
        }
    }

    /// The `p`-quantile of Student's t with `degreesOfFreedom` (`gsl_cdf_tdist_Pinv`).
    ///
    /// Remembered: a report asks for the same few quantiles thousands of times (one confidence,
    /// a handful of sample sizes), and each is an iterative inversion of the cdf. The cache
    /// holds the value GSL returned for exactly those arguments, so results do not change.
    public static func tQuantile(_ p: Double, degreesOfFreedom: Double) -> Double {
        let key = QuantileKey(p: p.bitPattern, degreesOfFreedom: degreesOfFreedom.bitPattern)
        if let known = quantiles.withLock({ $0[key] }) { return known }
        let value = gsl_cdf_tdist_Pinv(p, degreesOfFreedom)
        quantiles.withLock { cache in
            if cache.count >= 4096 { cache.removeAll() }  // bounded, whatever the callers ask
            cache[key] = value
        }
        return value
    }

    private struct QuantileKey: Hashable {
        let p: UInt64
        let degreesOfFreedom: UInt64
    }

    private static let quantiles = Mutex<[QuantileKey: Double]>([:])
}

/// Single-sample helpers used by the families when they score a run.
public enum Sample {
    /// The `fraction`-quantile (0…1) by linear interpolation between order statistics
    /// (Hyndman–Fan type 7, as `gsl_stats_quantile_from_sorted_data`). NaN for an empty sample.
    ///
    /// By selection instead of sorting: type 7 needs the order statistics x₍ₗ₎ and x₍ₗ₊₁₎ with
    /// l = ⌊fraction · (n − 1)⌋. `gsl_stats_select` (GSL's quickselect, Numerical Recipes'
    /// `select`) finds x₍ₗ₎ in a copy of the values and leaves the copy partitioned around it,
    /// every value after position l at least x₍ₗ₎, so x₍ₗ₊₁₎ is the smallest of those. The two
    /// are combined with exactly the arithmetic of `gsl_stats_quantile_from_sorted_data`
    /// (GSL 2.7.1): index = fraction · (n − 1), l = (int) index, δ = index − l, result
    /// x₍ₗ₎ when l = n − 1, else (1 − δ) · x₍ₗ₎ + δ · x₍ₗ₊₁₎ — so the result is the same double
    /// as sorting and interpolating (StatisticsTests checks it bit for bit, ties included).
    ///
    /// Complexity: O(n) expected time (quickselect, then one pass for the minimum) instead of
    /// O(n log n); memory: one copy of the values (8 bytes each), which the selection reorders.
    /// An exact quantile needs every value: callers keep the whole sample (8 bytes a value).
    ///
    /// A sample with a NaN has no order for selection to respect; it is sorted and
    /// interpolated as before (`sortedQuantile`), so its result does not change either.
    public static func quantile(_ values: [Double], _ fraction: Double) -> Double {
        precondition(fraction >= 0 && fraction <= 1, "quantile fraction \(fraction) outside 0…1")
        guard !values.isEmpty else { return .nan }
        GSL.prepare()
        if values.contains(where: \.isNaN) { return sortedQuantile(values, fraction) }
        var data = values
        return data.withUnsafeMutableBufferPointer { buffer in
            let n = buffer.count
            let index = fraction * Double(n - 1)
            let lhs = Int(index)                 // C's (int) index: truncation toward zero
            let delta = index - Double(lhs)
            let low = gsl_stats_select(buffer.baseAddress, 1, n, lhs)
            if lhs == n - 1 { return low }
            var high = buffer[lhs + 1]
            for i in (lhs + 2)..<n where buffer[i] < high { high = buffer[i] }
            return (1 - delta) * low + delta * high
        }
    }

    /// The type-7 quantile of `values` sorted whole (Swift's `sorted()`, then
    /// `gsl_stats_quantile_from_sorted_data`): O(n log n), for samples with NaN.
    static func sortedQuantile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        return sorted.withUnsafeBufferPointer {
            gsl_stats_quantile_from_sorted_data($0.baseAddress, 1, $0.count, fraction)
        }
    }

    /// Arithmetic mean (`gsl_stats_mean`); NaN for an empty sample.
    public static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return values.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, $0.count) }
    }

    /// Gini coefficient of non-negative values: Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄), computed from the
    /// sorted sample as Σᵢ (2i − n − 1) x₍ᵢ₎ / (n Σx). 0 when all are equal (or all zero),
    /// (n − 1)/n when one value holds everything; NaN for an empty sample.
    public static func gini(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let total = sorted.reduce(0, +)
        guard total > 0 else { return 0 }
        let n = Double(sorted.count)
        var weighted = 0.0
        for (i, x) in sorted.enumerated() { weighted += (2 * Double(i + 1) - n - 1) * x }
        return weighted / (n * total)
    }

    /// Jain's fairness index (Σx)² / (n·Σx²): 1 when all equal, 1/n when one value holds
    /// everything. 1 for an all-zero sample (nobody is favoured); NaN for an empty one.
    public static func jainIndex(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sum = values.reduce(0, +)
        let squares = values.reduce(0) { $0 + $1 * $1 }
        guard squares > 0 else { return 1 }
        return sum * sum / (Double(values.count) * squares)
    }
}

/// One-time GSL set-up shared by every entry point of this module.
enum GSL {
    /// GSL's default error handler aborts the process; inputs are checked here instead.
    static let prepared: Bool = {
        cgsl_disable_error_handler()
        return true
    }()

    static func prepare() { _ = prepared }
}
