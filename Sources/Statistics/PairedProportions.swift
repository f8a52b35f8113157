internal import CGSL

/// Tests on paired 0/1 outcomes (a run succeeded or not, under the baseline and the current
/// version of the same run).
public enum PairedProportions {
    /// Two-sided exact McNemar test: only discordant pairs carry information, and under H0
    /// (equal success probabilities) each is equally likely to favour either side, so
    /// p = min(1, 2·P(X ≤ min(b, c))) with X ~ Binomial(b + c, ½) (`gsl_cdf_binomial_P`).
    /// `baselineOnly` counts pairs where only the baseline succeeded, `currentOnly` pairs where
    /// only the current one did. 1 when there is no discordant pair. Matches statsmodels
    /// `mcnemar(table, exact=True)`.
    public static func mcnemarExact(baselineOnly: Int, currentOnly: Int) -> Double {
        precondition(baselineOnly >= 0 && currentOnly >= 0, "counts must be non-negative")
        GSL.prepare()
        let smaller = UInt32(min(baselineOnly, currentOnly))
        return min(1, 2 * gsl_cdf_binomial_P(smaller, 0.5, UInt32(baselineOnly + currentOnly)))
    }
}
