import Foundation
import Testing
@testable import Reporting

/// Chart axes: ticks where their labels say, decades of equal width on a log axis, nice steps
/// on a linear one.
@Suite("Chart axes")
struct AxisTests {
    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 }

    static func positions(_ axis: Axis, majorOnly: Bool = false) -> [Double] {
        axis.ticks.filter { $0.major || !majorOnly }.map { axis.position(of: $0.value) }
    }

    static func labels(_ axis: Axis, majorOnly: Bool = false) -> [String] {
        axis.ticks.filter { $0.major || !majorOnly }.map(\.label)
    }

    @Test("log axis 0.0023…4.1: powers of ten 0.001…10 at 0, 0.25, 0.5, 0.75, 1")
    func logFourDecades() {
        let axis = Axis.logarithmic(lo: 0.0023, hi: 4.1)
        #expect(axis.scale == .logarithmic)
        #expect(axis.domain == 0.001...10)
        #expect(Self.labels(axis, majorOnly: true) == ["0.001", "0.01", "0.1", "1", "10"])
        #expect(axis.ticks.filter(\.major).map(\.value) == [0.001, 0.01, 0.1, 1, 10])
        #expect(zip(Self.positions(axis, majorOnly: true), [0, 0.25, 0.5, 0.75, 1]).allSatisfy(Self.close))
        // Four decades: unlabelled minor ticks at 2 and 5 × 10^k, inside the domain.
        let minor = axis.ticks.filter { !$0.major }
        #expect(minor.map(\.value) == [0.002, 0.005, 0.02, 0.05, 0.2, 0.5, 2, 5])
        #expect(minor.allSatisfy { $0.label.isEmpty })
        #expect(Self.positions(axis).allSatisfy { (0...1).contains($0) })
        // The data sit where they should: 0.0023 a little right of 0.001, 4.1 left of 10.
        #expect(Self.close(axis.position(of: 0.0023), (log10(0.0023) + 3) / 4))
        #expect(Self.close(axis.position(of: 4.1), (log10(4.1) + 3) / 4))
    }

    @Test("every decade of a log axis has the same width, for data of many magnitudes",
          arguments: [(0.0023, 4.1), (0.5, 30.0), (1, 1000), (3e-7, 2e5), (0.999, 1.001e3), (12, 13), (1e-30, 1e30)])
    func equalDecades(lo: Double, hi: Double) {
        let axis = Axis.logarithmic(lo: lo, hi: hi)
        let powers = axis.ticks.filter { $0.value == Axis.scaled(1, Axis.exponent(atOrBelow: $0.value)) }
        let positions = powers.map { axis.position(of: $0.value) }
        #expect(positions.count >= 2)
        #expect(Self.close(positions.first!, 0) && Self.close(positions.last!, 1))
        let widths = zip(positions.dropFirst(), positions).map { $0 - $1 }
        #expect(widths.allSatisfy { Self.close($0, widths[0]) }, "decade widths \(widths)")
        // The data lie inside the domain, whose ends are powers of ten.
        #expect((0...1).contains(axis.position(of: lo)) && (0...1).contains(axis.position(of: hi)))
        #expect(axis.domain.lowerBound <= lo && axis.domain.upperBound >= hi)
    }

    @Test("exact powers of ten are the ends of the domain, not a decade beyond")
    func exactPowers() {
        let axis = Axis.logarithmic(lo: 0.01, hi: 1000)
        #expect(axis.domain == 0.01...1000)
        #expect(Self.labels(axis, majorOnly: true) == ["0.01", "0.1", "1", "10", "100", "1000"])
    }

    @Test("a log axis over two decades labels its minor ticks at 2 and 5 × 10^k")
    func labelledMinorTicks() {
        let axis = Axis.logarithmic(lo: 0.3, hi: 9)
        #expect(axis.domain == 0.1...10)
        #expect(Self.labels(axis) == ["0.1", "0.2", "0.5", "1", "2", "5", "10"])
        #expect(axis.ticks.map(\.value) == [0.1, 0.2, 0.5, 1, 2, 5, 10])
        #expect(axis.ticks.map(\.major) == [true, false, false, true, false, false, true])
        let p = Self.positions(axis)
        #expect(Self.close(p[1], log10(2) / 2) && Self.close(p[2], log10(5) / 2) && Self.close(p[3], 0.5))
        // Three decades: minor ticks, unlabelled.
        let three = Axis.logarithmic(lo: 0.5, hi: 30)
        #expect(three.domain == 0.1...100 && three.ticks.count == 10)
        #expect(Self.labels(three) == ["0.1", "", "", "1", "", "", "10", "", "", "100"])
    }

    @Test("extreme powers of ten are labelled 1e-4 style; many decades label every n-th power")
    func extremeLabels() {
        let small = Axis.logarithmic(lo: 3e-7, hi: 2e-3)
        #expect(Self.labels(small, majorOnly: true) == ["1e-7", "1e-6", "1e-5", "1e-4", "0.001", "0.01"])
        let big = Axis.logarithmic(lo: 2, hi: 3e6)
        #expect(Self.labels(big, majorOnly: true) == ["1", "10", "100", "1000", "10000", "1e5", "1e6", "1e7"])
        let huge = Axis.logarithmic(lo: 1e-30, hi: 1e30)
        #expect(Self.labels(huge, majorOnly: true) == ["1e-30", "1e-24", "1e-18", "1e-12", "1e-6", "1", "1e6", "1e12", "1e18", "1e24", "1e30"])
        #expect(Self.close(huge.position(of: 1), 0.5))
    }

    @Test("no positive low bound: a log axis is impossible and the axis is linear")
    func logFallsBackToLinear() {
        #expect(Axis.logarithmic(lo: 0, hi: 4.1) == Axis.linear(lo: 0, hi: 4.1))
        #expect(Axis.logarithmic(lo: -2, hi: 4.1).scale == .linear)
        #expect(Axis.logarithmic(lo: 0, hi: 0).scale == .linear)
    }

    @Test("linear 0…0.87: ticks 0, 0.2, …, 1 at 0, 0.2, …, 1")
    func linearFraction() {
        let axis = Axis.linear(lo: 0, hi: 0.87)
        #expect(axis.scale == .linear)
        #expect(axis.domain == 0...1)
        #expect(axis.ticks.map(\.value) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Self.labels(axis) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(zip(Self.positions(axis), [0, 0.2, 0.4, 0.6, 0.8, 1]).allSatisfy(Self.close))
        #expect(Self.close(axis.position(of: 0.87), 0.87))
    }

    @Test("linear axes: nice steps of 1, 2 or 5 × 10^k, domains of whole steps, no surplus decimals",
          arguments: [
              (0.21, 0.94, 0.2...1.0, ["0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"]),
              (0.0, 4.1, 0.0...5.0, ["0", "1", "2", "3", "4", "5"]),
              (0.12, 0.37, 0.1...0.4, ["0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4"]),
              (0.931, 0.987, 0.93...0.99, ["0.93", "0.94", "0.95", "0.96", "0.97", "0.98", "0.99"]),
              (13.0, 480.0, 0.0...500.0, ["0", "100", "200", "300", "400", "500"]),
              (-0.3, 0.5, -0.4...0.6, ["-0.4", "-0.2", "0", "0.2", "0.4", "0.6"]),
              (-7.5, -2.25, -8.0...(-2.0), ["-8", "-7", "-6", "-5", "-4", "-3", "-2"]),
              (0.0, 2.5e6, 0.0...2.5e6, ["0", "5e5", "1e6", "1.5e6", "2e6", "2.5e6"]),
          ] as [(Double, Double, ClosedRange<Double>, [String])])
    func linearNice(lo: Double, hi: Double, domain: ClosedRange<Double>, labels: [String]) {
        let axis = Axis.linear(lo: lo, hi: hi)
        #expect(axis.domain == domain)
        #expect(Self.labels(axis) == labels)
        let p = Self.positions(axis)
        #expect(Self.close(p.first!, 0) && Self.close(p.last!, 1))
        let gaps = zip(p.dropFirst(), p).map { $0 - $1 }
        #expect(gaps.allSatisfy { Self.close($0, gaps[0]) }, "equal steps: \(gaps)")
        // The step is 1, 2 or 5 × 10^k.
        let step = axis.ticks[1].value - axis.ticks[0].value
        let mantissa = step / pow(10, floor(log10(step) + 1e-9))
        #expect([1.0, 2, 5].contains { abs(mantissa - $0) < 1e-9 }, "step \(step)")
        #expect((4...10).contains(axis.ticks.count))
    }

    @Test("degenerate linear data: a single value, all equal, all zero, reversed or non-finite bounds")
    func linearEdges() {
        let single = Axis.linear(lo: 0.8, hi: 0.8)
        #expect(single.domain == 0.7...0.9)
        #expect(Self.labels(single) == ["0.7", "0.75", "0.8", "0.85", "0.9"])
        #expect(Self.close(single.position(of: 0.8), 0.5))
        let zero = Axis.linear(lo: 0, hi: 0)
        #expect(zero.domain == 0...1 && Self.labels(zero) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        let negative = Axis.linear(lo: -3, hi: -3)
        #expect(Self.close(negative.position(of: -3), 0.5))
        #expect(Axis.linear(lo: 0.87, hi: 0) == Axis.linear(lo: 0, hi: 0.87))
        #expect(Axis.linear(lo: .nan, hi: .infinity).domain == 0...1)
        #expect(Axis.linear(lo: 2, hi: .infinity).domain.contains(2))
        // Spans no nice step can serve get their bounds as the only ticks (and no endless loop).
        let tiny = Axis.linear(lo: 1e16, hi: 1e16 + 2)
        #expect(tiny.ticks.map(\.value) == [1e16, 1e16 + 2])
        let vast = Axis.linear(lo: -1e308, hi: 1e308)
        #expect(vast.ticks.map(\.value) == [-1e308, 1e308])
    }
}
