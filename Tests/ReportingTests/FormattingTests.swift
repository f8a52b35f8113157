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
}
