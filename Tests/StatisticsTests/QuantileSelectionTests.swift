import CGSL
import Foundation
import Testing
@testable import Statistics

/// `Sample.quantile` finds its two order statistics by selection (`gsl_stats_select`); it must
/// return exactly what sorting everything and `gsl_stats_quantile_from_sorted_data` return.
@Suite("Quantiles by selection")
struct QuantileSelectionTests {
    /// The reference: the whole sample sorted, then GSL's type-7 interpolation (how
    /// `Sample.quantile` worked before it selected).
    static func sortedQuantile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted.withUnsafeBufferPointer {
            gsl_stats_quantile_from_sorted_data($0.baseAddress, 1, $0.count, fraction)
        }
    }

    /// A small deterministic generator (SplitMix64), so the samples are the same on every run.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// A sample of `n` values of one of several shapes: continuous, a few distinct values
    /// (many ties), all equal, exponential-like with a long tail, integers with infinities,
    /// sorted ascending, sorted descending.
    static func sample(_ n: Int, shape: Int, _ g: inout Generator) -> [Double] {
        var values: [Double] = (0..<n).map { _ in
            switch shape {
            case 0: return g.uniform() * 100 - 50
            case 1: return Double(g.below(4))
            case 2: return 7.25
            case 3: return -log1p(-g.uniform()) * 3
            case 4: return g.below(10) == 0 ? .infinity : Double(g.below(1000))
            default: return g.uniform()
            }
        }
        if shape == 5 { values.sort() }
        if shape == 6 { values.sort(by: >) }
        return values
    }

    static let fractions: [Double] = [0, 1, 0.95, 0.5, 0.25, 0.05, 0.99, 0.999, 1.0 / 3, 0.1, 0.9]

    @Test("the same double as sorting, bit for bit, on random samples of every shape and size")
    func randomSamples() {
        var g = Generator(state: 12)
        var checked = 0
        for n in Array(1...64) + [99, 100, 101, 1000, 1001, 4096, 20_000] {
            for shape in 0...6 {
                let values = Self.sample(n, shape: shape, &g)
                for fraction in Self.fractions + [g.uniform(), g.uniform()] {
                    let expected = Self.sortedQuantile(values, fraction)
                    let actual = Sample.quantile(values, fraction)
                    #expect(actual.bitPattern == expected.bitPattern,
                            "n \(n), shape \(shape), fraction \(fraction): \(actual) vs \(expected)")
                    checked += 1
                }
            }
        }
        #expect(checked > 5000)
    }

    @Test("n = 1 and n = 2, every fraction of a fine grid; fractions whose index is a whole number")
    func smallAndExact() {
        for fraction in stride(from: 0.0, through: 1.0, by: 1.0 / 64) {
            #expect(Sample.quantile([3.5], fraction) == 3.5)
            for pair in [[1.0, 2.0], [2.0, 1.0], [5.0, 5.0], [0.0, .infinity]] {
                let expected = Self.sortedQuantile(pair, fraction)
                #expect(Sample.quantile(pair, fraction).bitPattern == expected.bitPattern, "\(pair) at \(fraction)")
            }
        }
        // index = f·(n − 1) whole: δ = 0, and the next order statistic still enters the sum
        // (0 · ∞ is NaN in both).
        for (values, fraction) in [([1.0, 2, 3, 4, 5], 0.5), ([1.0, 2, .infinity], 0.5), ([4.0, 1, 3, 2], 1.0 / 3)] {
            let expected = Self.sortedQuantile(values, fraction)
            #expect(Sample.quantile(values, fraction).bitPattern == expected.bitPattern, "\(values) at \(fraction)")
        }
    }

    @Test("the caller's array is left as it was")
    func inputUnchanged() {
        let values: [Double] = [5, 3, 9, 1, 7, 3, 8]
        let copy = values
        _ = Sample.quantile(values, 0.95)
        #expect(values == copy)
    }
}
