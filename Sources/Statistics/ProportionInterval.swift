internal import CGSL

/// A confidence interval for a proportion (e.g. the success rate over runs).
public struct ProportionInterval: Sendable, Equatable {
    public let lower: Double
    public let upper: Double

    /// The Wilson score interval for `successes` out of `n` at `confidence`:
    /// (p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n), with p̂ = successes/n and z the
    /// standard normal quantile at 1 − (1 − confidence)/2 (`gsl_cdf_ugaussian_Pinv`).
    ///
    /// The interval lies in [0, 1]: it starts at exactly 0 when there is no success and ends at
    /// exactly 1 when every trial succeeded (the formula gives these up to rounding). Both
    /// bounds are NaN when n = 0. Matches statsmodels `proportion_confint(method="wilson")`.
    public static func wilson(successes: Int, n: Int, confidence: Double = 0.95) -> ProportionInterval {
        precondition(successes >= 0 && successes <= n, "successes must lie in 0...n")
        precondition(confidence > 0 && confidence < 1)
        guard n > 0 else { return ProportionInterval(lower: .nan, upper: .nan) }
        GSL.prepare()
        let z = gsl_cdf_ugaussian_Pinv(1 - (1 - confidence) / 2)
        let trials = Double(n), p = Double(successes) / trials, z2 = z * z
        let denominator = 1 + z2 / trials
        let center = (p + z2 / (2 * trials)) / denominator
        let half = z * (p * (1 - p) / trials + z2 / (4 * trials * trials)).squareRoot() / denominator
        return ProportionInterval(
            lower: successes == 0 ? 0 : Swift.max(0, center - half),
            upper: successes == n ? 1 : Swift.min(1, center + half))
    }
}
