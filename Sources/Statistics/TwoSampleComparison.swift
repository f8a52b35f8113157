internal import CGSL

/// A *current* sample compared with a *baseline* sample on one metric: the difference of
/// means with its t-interval and two-sided p-value, the relative change of the mean with a
/// delta-method interval, and a standardised effect size.
///
/// Paired when the runs correspond one to one (same run identities, so common random
/// numbers): the statistics are those of the per-run differences current − baseline.
/// Unpaired otherwise: Welch's t with Welch–Satterthwaite degrees of freedom.
/// Means and standard deviations are GSL's (`gsl_stats_*` through `Summary`), quantiles and
/// tail probabilities of t are `gsl_cdf_tdist_Pinv` / `gsl_cdf_tdist_Q`.
public struct TwoSampleComparison: Sendable, Equatable {
    public enum Design: Sendable, Equatable { case paired, unpaired }

    public let design: Design
    public let confidence: Double
    /// Values used from each side; for a paired design both are the number of pairs.
    public let nBaseline: Int
    public let nCurrent: Int
    public let baselineMean: Double
    public let currentMean: Double
    /// currentMean − baselineMean (paired: the mean of the per-run differences, the same number).
    public let difference: Double
    /// The t-interval for `difference` at `confidence` (paired: on the differences, n − 1
    /// degrees of freedom; unpaired: Welch). A zero-width interval when the spread is zero;
    /// NaN when a side has fewer than 2 values.
    public let differenceLower: Double
    public let differenceUpper: Double
    /// Degrees of freedom of the t-interval and test: n − 1 paired, Welch–Satterthwaite
    /// unpaired. NaN when a side has fewer than 2 values or (unpaired) both spreads are zero.
    public let degreesOfFreedom: Double
    /// Two-sided p-value of H0: difference = 0 (paired t / Welch t). When the spread is zero,
    /// 1 if the difference is 0 and 0 otherwise; NaN when a side has fewer than 2 values.
    public let pValue: Double
    /// currentMean / baselineMean − 1; NaN when the baseline mean is 0.
    public let relativeChange: Double
    /// Delta-method interval for `relativeChange` with the t quantile of `degreesOfFreedom`.
    /// Paired, the ratio-estimator variance that uses the pairing,
    /// Var(R̂) ≈ Σ(yᵢ − R̂xᵢ)² / ((n − 1)·n·x̄²); unpaired,
    /// Var(R̂) ≈ R̂²(s_y²/(n_y ȳ²) + s_x²/(n_x x̄²)), computed as (s_y²/n_y + R̂²s_x²/n_x)/x̄²
    /// so that ȳ = 0 is allowed (x = baseline, y = current, R̂ = ȳ/x̄).
    /// NaN when the baseline mean is 0 or a side has fewer than 2 values.
    public let relativeLower: Double
    public let relativeUpper: Double
    /// Standardised effect size. Paired: d_z = mean difference / sd of the differences.
    /// Unpaired: Hedges' g = (ȳ − x̄)/s_pooled · (1 − 3/(4(n_x + n_y) − 9)), with the pooled
    /// sd (denominator n_x + n_y − 2) and the usual approximation of the small-sample correction.
    /// NaN when that sd is zero or a side has fewer than 2 values.
    public let effectSize: Double

    /// Paired: `pairedBaseline[i]` and `current[i]` are the same run. Pairs where either value
    /// is NaN are left out.
    public init(pairedBaseline baseline: [Double], current: [Double], confidence: Double = 0.95) {
        precondition(baseline.count == current.count, "paired samples must have equal length")
        precondition(confidence > 0 && confidence < 1)
        GSL.prepare()
        var x: [Double] = [], y: [Double] = []
        x.reserveCapacity(baseline.count)
        y.reserveCapacity(current.count)
        for (b, c) in zip(baseline, current) where !b.isNaN && !c.isNaN {
            x.append(b)
            y.append(c)
        }
        let n = x.count
        let differences = Summary(zip(y, x).map { $0 - $1 }, confidence: confidence)
        let xMean = Sample.mean(x), yMean = Sample.mean(y)
        let df = n >= 2 ? Double(n - 1) : .nan
        let ratio = yMean / xMean
        var residualSquares = 0.0
        for (b, c) in zip(x, y) { residualSquares += (c - ratio * b) * (c - ratio * b) }
        let ratioError = (residualSquares / (Double(n - 1) * Double(n))).squareRoot() / abs(xMean)
        self.init(
            design: .paired, confidence: confidence, nBaseline: n, nCurrent: n,
            baselineMean: xMean, currentMean: yMean, difference: differences.mean,
            standardError: differences.sd / Double(n).squareRoot(), degreesOfFreedom: df,
            ratio: ratio, ratioError: n >= 2 ? ratioError : .nan,
            effectSize: differences.sd > 0 ? differences.mean / differences.sd : .nan)
    }

    /// Unpaired: independent runs. NaN values are left out on each side.
    public init(unpairedBaseline baseline: [Double], current: [Double], confidence: Double = 0.95) {
        precondition(confidence > 0 && confidence < 1)
        GSL.prepare()
        let x = Summary(baseline, confidence: confidence), y = Summary(current, confidence: confidence)
        let nx = Double(x.n), ny = Double(y.n)
        // Squared standard errors of the two means; NaN when a side has fewer than 2 values.
        let vx = x.sd * x.sd / nx, vy = y.sd * y.sd / ny
        let df = (vx + vy) * (vx + vy) / (vx * vx / (nx - 1) + vy * vy / (ny - 1))
        let ratio = y.mean / x.mean
        let pooledSD = (((nx - 1) * x.sd * x.sd + (ny - 1) * y.sd * y.sd) / (nx + ny - 2)).squareRoot()
        self.init(
            design: .unpaired, confidence: confidence, nBaseline: x.n, nCurrent: y.n,
            baselineMean: x.mean, currentMean: y.mean, difference: y.mean - x.mean,
            standardError: (vx + vy).squareRoot(), degreesOfFreedom: df,
            ratio: ratio, ratioError: (vy + ratio * ratio * vx).squareRoot() / abs(x.mean),
            effectSize: pooledSD > 0 ? (y.mean - x.mean) / pooledSD * (1 - 3 / (4 * (nx + ny) - 9)) : .nan)
    }

    /// Shared tail: intervals and p-value from an estimate, its standard error and degrees of freedom.
    private init(
        design: Design, confidence: Double, nBaseline: Int, nCurrent: Int,
        baselineMean: Double, currentMean: Double, difference: Double,
        standardError: Double, degreesOfFreedom: Double, ratio: Double, ratioError: Double,
        effectSize: Double
    ) {
        self.design = design
        self.confidence = confidence
        self.nBaseline = nBaseline
        self.nCurrent = nCurrent
        self.baselineMean = baselineMean
        self.currentMean = currentMean
        self.difference = difference
        self.degreesOfFreedom = degreesOfFreedom
        self.effectSize = effectSize
        let quantile = degreesOfFreedom > 0
            ? Summary.tQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: degreesOfFreedom) : .nan
        // t·se; 0 when se is 0 (whatever the degrees of freedom), NaN when either is undefined.
        func halfWidth(_ se: Double) -> Double { se == 0 ? 0 : quantile * se }
        let half = halfWidth(standardError)
        differenceLower = difference - half
        differenceUpper = difference + half
        if standardError.isNaN {
            pValue = .nan
        } else if standardError == 0 {
            pValue = difference == 0 ? 1 : 0
        } else {
            pValue = 2 * gsl_cdf_tdist_Q(abs(difference / standardError), degreesOfFreedom)
        }
        if baselineMean == 0 || baselineMean.isNaN {
            relativeChange = .nan; relativeLower = .nan; relativeUpper = .nan
        } else {
            let relativeHalf = halfWidth(ratioError)
            relativeChange = ratio - 1
            relativeLower = relativeChange - relativeHalf
            relativeUpper = relativeChange + relativeHalf
        }
    }
}
