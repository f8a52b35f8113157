import Testing
@testable import Reporting
@testable import Statistics

@Suite("Formatting")
struct FormattingTests {
    @Test("CSV fields are quoted only when needed", arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
    ])
    func csvField(input: String, expected: String) {
        #expect(CSV.field(input) == expected)
    }

    @Test("CSV numbers: integers plain, others round-trip, NaN empty")
    func csvNumbers() {
        #expect(CSV.number(12) == "12")
        #expect(CSV.number(0.1) == "0.1")
        #expect(Double(CSV.number(1.0 / 3.0)) == 1.0 / 3.0)
        #expect(CSV.number(.nan) == "")
    }

    @Test("intervals: two significant digits of half-width, mean to the same place", arguments: [
        (0.96852, 0.003746, "0.9685 ± 0.0037"), (346.23, 7.293, "346.2 ± 7.3"), (2.6166, 0.1429, "2.62 ± 0.14"),
        (1.0, 0.0, "1.000 ± 0"), (12345.6, 250.0, "12346 ± 250"),
    ])
    func interval(mean: Double, halfWidth: Double, expected: String) {
        #expect(MarkdownReport.format(mean, halfWidth: halfWidth) == expected)
    }

    /// Values near the largest double (a hand-edited runs.csv, a metric that overflows) give an
    /// infinite variance or mean; the report shows them instead of trapping on their digits.
    @Test("intervals and changes that overflow are shown as infinite", arguments: [
        (5.333e307, Double.infinity, "5.333e+307 ± ∞"), (Double.infinity, 1.0, "∞ ± 1.0e+00"),
        (-Double.infinity, Double.infinity, "-∞ ± ∞"), (Double.infinity, .nan, "∞"),
        (1e308, 1e308, "1.000e+308 ± 1.0e+308"),
    ])
    func overflowingInterval(mean: Double, halfWidth: Double, expected: String) {
        #expect(MarkdownReport.format(mean, halfWidth: halfWidth) == expected)
    }

    @Test("a relative change beyond a double's range is ±∞ percent")
    func overflowingPercent() {
        #expect(MarkdownReport.formatPercent(1e307, lower: -1e307, upper: 2e307) == "+∞ % [-∞, +∞]")
        #expect(MarkdownReport.formatPercent(-0.5, lower: -0.75, upper: -0.25) == "-50.0 % [-75.0, -25.0]")
    }
}
