import Testing
@testable import Statistics

@Suite("Statistics")
struct SummaryTests {
    @Test("mean, sd and t-interval against hand-computed values")
    func summary() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7.
        let s = Summary([2, 4, 4, 4, 5, 5, 7, 9], confidence: 0.95)
        #expect(s.n == 8)
        #expect(s.mean == 5)
        #expect(abs(s.sd - (32.0 / 7).squareRoot()) < 1e-12)
        // t(0.975, 7) = 2.364624251592784 (scipy.stats.t.ppf); half-width = t·sd/√n.
        #expect(abs(s.halfWidth - 2.364624251592784 * (32.0 / 7).squareRoot() / 8.0.squareRoot()) < 1e-9)
        #expect(s.min == 2 && s.max == 9)
    }

    @Test("t quantiles match tables", arguments: [
        (0.975, 9.0, 2.262157162798205), (0.995, 29.0, 2.756385903670605), (0.95, 1.0, 6.313751514675037),
    ])
    func tQuantiles(p: Double, df: Double, expected: Double) {
        #expect(abs(Summary.tQuantile(p, degreesOfFreedom: df) - expected) < 1e-9)
    }

    @Test("NaN values are left out; a single value has no interval")
    func undefinedValues() {
        let s = Summary([1, .nan, 3])
        #expect(s.n == 2 && s.mean == 2)
        let one = Summary([4])
        #expect(one.n == 1 && one.mean == 4 && one.halfWidth.isNaN)
        #expect(Summary([]).mean.isNaN)
    }

    @Test("Jain's index: 1 for equal shares, 1/n for one holder, hand value otherwise")
    func jain() {
        #expect(Sample.jainIndex([3, 3, 3, 3]) == 1)
        #expect(abs(Sample.jainIndex([5, 0, 0, 0]) - 0.25) < 1e-15)
        // (1+2+3)² / (3·(1+4+9)) = 36/42.
        #expect(abs(Sample.jainIndex([1, 2, 3]) - 36.0 / 42.0) < 1e-15)
        #expect(Sample.jainIndex([0, 0]) == 1)
    }

    @Test("quantile interpolates between order statistics (type 7)")
    func quantile() {
        #expect(Sample.quantile([1, 2, 3, 4, 5], 0.5) == 3)
        #expect(abs(Sample.quantile([10, 20, 30, 40], 0.95) - 38.5) < 1e-12)
        #expect(Sample.quantile([], 0.5).isNaN)
    }

    @Test("paired t-test against a hand-computed value")
    func paired() {
        // Differences 1, 2, 3, 2, 2: mean 2, sd √0.5, t = 2/(√0.5/√5) = 6.3246, df 4 → p = 0.003198.
        let test = TwoSampleComparison(pairedBaseline: [10, 10, 10, 10, 10], current: [11, 12, 13, 12, 12])
        #expect(test.nCurrent == 5)
        #expect(test.difference == 2)
        #expect(abs(test.pValue - 0.0031982) < 1e-6)
        let same = TwoSampleComparison(pairedBaseline: [1, 2, 3], current: [1, 2, 3])
        #expect(same.pValue == 1)
    }
}

@Suite("Inequality")
struct InequalityTests {
    @Test("Gini by hand")
    func gini() {
        #expect(Sample.gini([5, 5, 5]) == 0)
        // One of four holds everything: (n − 1)/n.
        #expect(abs(Sample.gini([0, 0, 0, 8]) - 0.75) < 1e-15)
        // 1, 2, 3: Σ|xi − xj| over ordered pairs = 8; 8 / (2 · 9 · 2) = 2/9.
        #expect(abs(Sample.gini([3, 1, 2]) - 2.0 / 9.0) < 1e-15)
        #expect(Sample.gini([0, 0]) == 0)
        #expect(Sample.gini([]).isNaN)
    }
}
