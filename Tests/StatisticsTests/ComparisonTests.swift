import Testing
@testable import Statistics

// Reference values are printed by scripts/stats-reference.py (scipy 1.17.1, statsmodels 0.15.0,
// numpy 2.4.6); each is quoted with the call that produced it.

/// |actual − expected| ≤ 1e-9·|expected| (1e-12 absolute near 0); NaN matches only NaN.
private func close(_ actual: Double, _ expected: Double, relative: Double = 1e-9) -> Bool {
    if expected.isNaN { return actual.isNaN }
    return abs(actual - expected) <= Swift.max(relative * abs(expected), 1e-12)
}

private func close(_ actual: [Double], _ expected: [Double]) -> Bool {
    actual.count == expected.count && zip(actual, expected).allSatisfy { close($0, $1) }
}

@Suite("Holm adjustment")
struct HolmTests {
    @Test("matches multipletests(p, method='holm')[1]", arguments: [
        ([0.01, 0.04, 0.03, 0.005, 0.2], [0.04, 0.09, 0.09, 0.025, 0.2]),
        // ties
        ([0.02, 0.02, 0.01, 0.04, 0.04, 0.5], [0.1, 0.1, 0.06, 0.12, 0.12, 0.5]),
        // capped at 1
        ([0.3, 0.6, 0.01, 0.45], [0.8999999999999999, 0.9, 0.04, 0.9]),
    ])
    func holm(p: [Double], expected: [Double]) {
        #expect(close(MultipleComparisons.holm(p), expected))
    }

    @Test("NaN entries pass through and are not counted in m")
    func undefined() {
        // The defined entries 0.04, 0.01, 0.03 adjust as a family of 3: 0.06, 0.03, 0.06.
        let adjusted = MultipleComparisons.holm([0.04, .nan, 0.01, 0.03, .nan])
        #expect(adjusted[1].isNaN && adjusted[4].isNaN)
        #expect(close([adjusted[0], adjusted[2], adjusted[3]], [0.06, 0.03, 0.06]))
        #expect(MultipleComparisons.holm([]).isEmpty)
    }
}

@Suite("Wilson interval")
struct WilsonTests {
    @Test("matches proportion_confint(k, n, alpha=1-confidence, method='wilson')", arguments: [
        (0, 20, 0.95, 0.0, 0.16112515805281938),
        (20, 20, 0.95, 0.8388748419471806, 1.0),
        (7, 23, 0.95, 0.15604024453214022, 0.508657562687592),
        (1, 3, 0.90, 0.07826572633372836, 0.746466131718776),
        (45, 50, 0.99, 0.7402692104043159, 0.9660091162215817),
    ])
    func wilson(k: Int, n: Int, confidence: Double, lower: Double, upper: Double) {
        let interval = ProportionInterval.wilson(successes: k, n: n, confidence: confidence)
        #expect(close(interval.lower, lower) && close(interval.upper, upper))
        #expect(interval.lower >= 0 && interval.upper <= 1)
    }

    @Test("exact ends at 0/n and n/n; NaN for n = 0")
    func ends() {
        #expect(ProportionInterval.wilson(successes: 0, n: 7).lower == 0)
        #expect(ProportionInterval.wilson(successes: 7, n: 7).upper == 1)
        let empty = ProportionInterval.wilson(successes: 0, n: 0)
        #expect(empty.lower.isNaN && empty.upper.isNaN)
    }
}

@Suite("Two-sample comparison")
struct TwoSampleComparisonTests {
    static let baseline = [12.1, 10.4, 14.9, 11.7, 13.3, 9.8, 12.6, 15.2, 11.1, 13.9]
    static let current = [11.2, 10.9, 13.1, 10.8, 12.9, 9.1, 12.0, 14.1, 11.5, 12.7]
    static let currentUnpaired = [9.5, 13.8, 8.7, 16.2, 10.1, 14.4, 7.9, 12.3]

    // (confidence, difference, p, lower, upper, relative change, relative lower, relative upper)
    // from ttest_rel(current, baseline) and .confidence_interval(confidence_level); the relative
    // interval from numpy: R = ȳ/x̄, se = √(Σ(y − R x)² / ((n − 1) n x̄²)), t.ppf(·, n − 1).
    @Test("paired: t-test, t-interval and ratio interval match scipy / numpy", arguments: [
        (0.95, -0.6700000000000002, 0.014569467087205634, -1.1725067571096133, -0.16749324289038703,
         -0.05359999999999998, -0.09014971772755792, -0.017050282272442048),
        (0.90, -0.6700000000000002, 0.014569467087205634, -1.0772005474921769, -0.26279945250782344,
         -0.05359999999999998, -0.08321764167103451, -0.02398235832896544),
    ])
    func paired(
        confidence: Double, difference: Double, p: Double, lower: Double, upper: Double,
        relative: Double, relativeLower: Double, relativeUpper: Double
    ) {
        let c = TwoSampleComparison(pairedBaseline: Self.baseline, current: Self.current, confidence: confidence)
        #expect(c.design == .paired && c.nBaseline == 10 && c.nCurrent == 10 && c.degreesOfFreedom == 9)
        #expect(close(c.baselineMean, 12.5) && close(c.currentMean, 11.83))
        #expect(close(c.difference, difference) && close(c.pValue, p))
        #expect(close(c.differenceLower, lower) && close(c.differenceUpper, upper))
        #expect(close(c.relativeChange, relative))
        #expect(close(c.relativeLower, relativeLower) && close(c.relativeUpper, relativeUpper))
        // d_z = mean(d) / std(d, ddof=1)
        #expect(close(c.effectSize, -0.9537963822759042))
    }

    // From ttest_ind(current, baseline, equal_var=False), its .df and .confidence_interval(level);
    // the relative interval from numpy: R²(s_y²/(n_y ȳ²) + s_x²/(n_x x̄²)), t.ppf(·, df).
    @Test("unpaired: Welch test, interval and ratio interval match scipy / numpy", arguments: [
        (0.95, -3.5475045371501626, 1.772504537150164, -0.28043627860953096, 0.13843627860953106),
        (0.90, -3.058041243146694, 1.2830412431466955, -0.24189823501586238, 0.09989823501586248),
    ])
    func unpaired(confidence: Double, lower: Double, upper: Double, relativeLower: Double, relativeUpper: Double) {
        let c = TwoSampleComparison(
            unpairedBaseline: Self.baseline, current: Self.currentUnpaired, confidence: confidence)
        #expect(c.design == .unpaired && c.nBaseline == 10 && c.nCurrent == 8)
        #expect(close(c.difference, -0.8874999999999993) && close(c.pValue, 0.478166218121988))
        #expect(close(c.degreesOfFreedom, 11.020221832298764))
        #expect(close(c.differenceLower, lower) && close(c.differenceUpper, upper))
        #expect(close(c.relativeChange, -0.07099999999999995))
        #expect(close(c.relativeLower, relativeLower) && close(c.relativeUpper, relativeUpper))
        // Hedges' g = (ȳ − x̄)/s_pooled · (1 − 3/(4(n_x + n_y) − 9))
        #expect(close(c.effectSize, -0.3501956217379615))
    }

    @Test("NaN values are dropped: pairs with a NaN on either side, values per side unpaired")
    func undefinedValues() {
        let paired = TwoSampleComparison(
            pairedBaseline: Self.baseline + [.nan, 3], current: Self.current + [4, .nan])
        #expect(paired == TwoSampleComparison(pairedBaseline: Self.baseline, current: Self.current))
        let unpaired = TwoSampleComparison(
            unpairedBaseline: [.nan] + Self.baseline, current: Self.currentUnpaired + [.nan, .nan])
        #expect(unpaired == TwoSampleComparison(unpairedBaseline: Self.baseline, current: Self.currentUnpaired))
    }

    @Test("zero spread: p is 1 or 0 and the interval has no width")
    func zeroSpread() {
        let shifted = TwoSampleComparison(pairedBaseline: [1, 2, 3], current: [3, 4, 5])
        #expect(shifted.pValue == 0 && shifted.differenceLower == 2 && shifted.differenceUpper == 2)
        #expect(shifted.effectSize.isNaN && shifted.relativeChange == 1)
        #expect(shifted.relativeLower < 1 && shifted.relativeUpper > 1)  // the ratio still varies
        let same = TwoSampleComparison(pairedBaseline: [1, 2, 3], current: [1, 2, 3])
        #expect(same.pValue == 1 && same.differenceLower == 0 && same.differenceUpper == 0)
        #expect(same.relativeLower == 0 && same.relativeUpper == 0)
        let constant = TwoSampleComparison(unpairedBaseline: [2, 2], current: [3, 3, 3])
        #expect(constant.pValue == 0 && constant.differenceLower == 1 && constant.differenceUpper == 1)
        #expect(constant.relativeLower == 0.5 && constant.relativeUpper == 0.5)
    }

    @Test("too few values give NaN tests; a zero baseline mean gives no relative change")
    func degenerate() {
        let one = TwoSampleComparison(pairedBaseline: [1, .nan], current: [2, 5])
        #expect(one.nBaseline == 1 && one.difference == 1 && one.relativeChange == 1)
        #expect(one.pValue.isNaN && one.differenceLower.isNaN && one.relativeLower.isNaN)
        let lonely = TwoSampleComparison(unpairedBaseline: [4], current: [1, 2, 3])
        #expect(lonely.pValue.isNaN && lonely.differenceUpper.isNaN && lonely.effectSize.isNaN)
        let zero = TwoSampleComparison(pairedBaseline: [-1, 1, 0], current: [1, 2, 3])
        #expect(zero.relativeChange.isNaN && zero.relativeLower.isNaN && !zero.pValue.isNaN)
        let empty = TwoSampleComparison(unpairedBaseline: [], current: [])
        #expect(empty.nBaseline == 0 && empty.difference.isNaN && empty.pValue.isNaN)
    }
}

@Suite("Wilcoxon signed-rank")
struct WilcoxonTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let baseline: [Double], current: [Double]
        /// wilcoxon(current, baseline).statistic and .pvalue
        let statistic: Double, p: Double
        let n: Int, method: WilcoxonSignedRank.Method
        var testDescription: String { "\(baseline.count) pairs, p = \(p)" }
    }

    /// Pairs built the same way by scripts/stats-reference.py, exact in binary:
    /// dᵢ = ±(i + 1)/4 (distinct |d|, no zeros) for the exact cases,
    /// dᵢ = ((37i mod 101) − 40)/8 (ties, and one zero) for the approximate one.
    static func generated(_ n: Int, exact: Bool) -> (baseline: [Double], current: [Double]) {
        var baseline: [Double] = [], current: [Double] = []
        for i in 0..<n {
            let sign: Double = (i * i) % 7 < 3 ? -1 : 1
            let d: Double = exact ? sign * Double(i + 1) / 4 : Double((i * 37) % 101 - 40) / 8
            baseline.append(Double(i))
            current.append(Double(i) + d)
        }
        return (baseline, current)
    }

    static let cases: [Case] = {
        let exact30 = generated(30, exact: true), exact50 = generated(50, exact: true)
        let approx60 = generated(60, exact: false)
        let twenty: [Double] = [1, -2, 3, 0, 2, 1, -1, 4, 3, 0, 2, -3, 5, 1, 2, 0, 3, -1, 2, 4]
        return [
            // scipy's documentation example, n = 9: exact
            Case(baseline: [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30],
                 current: [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29],
                 statistic: 5.0, p: 0.0390625, n: 9, method: .exact),
            // tied |d|, n = 10 ≤ 13: every sign assignment of the mid-ranks
            Case(baseline: [Double](repeating: 10, count: 10), current: [12, 9, 13, 12, 8, 11, 14, 12, 9, 13],
                 statistic: 9.5, p: 0.07421875, n: 10, method: .exact),
            // two zero differences in 11 pairs: dropped, then every sign assignment
            Case(baseline: [Double](repeating: 5, count: 11), current: [5, 7.5, 4, 6.25, 5, 8, 3.5, 6, 9, 7, 5.5],
                 statistic: 7.5, p: 0.08203125, n: 9, method: .exact),
            // 14 pairs with two zero differences: over 13 pairs (zeros included), so approximated
            Case(baseline: [Double](repeating: 3, count: 14), current: [4, 1, 3, 5.5, 6, 2, 3, 7, 4.5, 8, 0, 5, 9, 6.5],
                 statistic: 13.5, p: 0.04520985139754179, n: 12, method: .normalApproximation),
            // ties and 3 zeros in 20 pairs: normal approximation with the tie-corrected variance
            Case(baseline: [Double](repeating: 0, count: 20), current: twenty,
                 statistic: 26.5, p: 0.01712582887219501, n: 17, method: .normalApproximation),
            Case(baseline: exact30.baseline, current: exact30.current,
                 statistic: 120.0, p: 0.019660815596580505, n: 30, method: .exact),
            Case(baseline: exact50.baseline, current: exact50.current,
                 statistic: 357.0, p: 0.006131180232502587, n: 50, method: .exact),
            // 60 pairs (> 50), one zero difference (i = 12): normal approximation
            Case(baseline: approx60.baseline, current: approx60.current,
                 statistic: 583.0, p: 0.02263320893600752, n: 59, method: .normalApproximation),
        ]
    }()

    @Test("matches scipy.stats.wilcoxon(current, baseline) with its defaults", arguments: cases)
    func scipy(_ c: Case) {
        let test = WilcoxonSignedRank(pairedBaseline: c.baseline, current: c.current)
        #expect(test.statistic == c.statistic && close(test.pValue, c.p))
        #expect(test.n == c.n && test.method == c.method)
        // Two-sided: swapping the samples changes nothing.
        #expect(WilcoxonSignedRank(pairedBaseline: c.current, current: c.baseline) == test)
    }

    @Test("NaN pairs are dropped; all-zero differences give p = 1; no pair gives NaN")
    func degenerate() {
        let withNaN = WilcoxonSignedRank(pairedBaseline: [1, .nan, 2, 3, 9], current: [2, 4, 4, 6, .nan])
        #expect(withNaN == WilcoxonSignedRank(pairedBaseline: [1, 2, 3], current: [2, 4, 6]))
        let zeros = [Double](repeating: 1, count: 20)
        let same = WilcoxonSignedRank(pairedBaseline: zeros, current: zeros)
        #expect(same.pValue == 1 && same.n == 0 && same.statistic == 0)
        #expect(WilcoxonSignedRank(pairedBaseline: [.nan], current: [1]).pValue.isNaN)
    }
}

@Suite("McNemar exact")
struct McNemarTests {
    @Test("matches mcnemar([[a, b], [c, d]], exact=True).pvalue", arguments: [
        (3, 9, 0.14599609375), (0, 5, 0.0625), (7, 7, 1.0), (0, 0, 1.0), (12, 30, 0.007915897334896727), (1, 0, 1.0),
    ])
    func mcnemar(baselineOnly: Int, currentOnly: Int, p: Double) {
        #expect(close(PairedProportions.mcnemarExact(baselineOnly: baselineOnly, currentOnly: currentOnly), p))
        #expect(PairedProportions.mcnemarExact(baselineOnly: currentOnly, currentOnly: baselineOnly)
            == PairedProportions.mcnemarExact(baselineOnly: baselineOnly, currentOnly: currentOnly))
    }
}
