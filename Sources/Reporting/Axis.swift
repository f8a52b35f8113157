import Foundation

/// One axis of a chart: the domain it shows, its ticks with their labels, and where a value
/// falls along it (`position(of:)`: 0 at the low end of the domain, 1 at the high end). A pure
/// function of the bounds it is made from; it knows nothing of pixels.
///
/// - `linear`: "nice" ticks — a step of 1, 2 or 5 × 10^k giving about five intervals — and a
///   domain extended to whole steps, so its ends are ticks; labels have no more decimals than
///   the step needs ("0", "0.2", … "1" for a step of 0.2).
/// - `logarithmic`: the domain runs from the power of ten at or below the low bound to the one
///   at or above the high bound, with a tick at every power of ten, so every decade has the
///   same width. With at most `minorTickDecades` decades there are minor ticks at 2 and 5 ×
///   10^k, labelled too with at most `labelledMinorTickDecades`. Bounds that are not both
///   positive cannot be drawn on a log scale: the axis is linear instead.
public struct Axis: Sendable, Equatable {
    public enum Scale: Sendable, Equatable {
        case linear
        case logarithmic
    }

    public struct Tick: Sendable, Equatable {
        public let value: Double
        /// Empty for an unlabelled minor tick.
        public let label: String
        /// False for the 2 and 5 × 10^k ticks of a log axis.
        public let major: Bool
    }

    public let scale: Scale
    public let domain: ClosedRange<Double>
    /// In increasing order; the first and last are at the ends of the domain.
    public let ticks: [Tick]
    /// log10 of the domain's ends on a log axis (exact, so decades have exactly equal widths).
    private let exponents: (lo: Int, hi: Int)?

    public static func == (a: Axis, b: Axis) -> Bool {
        a.scale == b.scale && a.domain == b.domain && a.ticks == b.ticks
    }

    /// Where `value` falls along the axis: 0 at the low end of the domain, 1 at the high end,
    /// outside [0, 1] for values outside it (−∞ for a value ≤ 0 on a log axis).
    public func position(of value: Double) -> Double {
        if let exponents {
            return (log10(value) - Double(exponents.lo)) / Double(exponents.hi - exponents.lo)
        }
        return (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
    }

    /// About this many intervals between the ticks of a linear axis (3 to 9 in fact).
    public static let targetIntervals = 5.0
    /// A log axis over at most this many decades has minor ticks at 2 and 5 × 10^k…
    public static let minorTickDecades = 4
    /// …labelled when it spans at most this many.
    public static let labelledMinorTickDecades = 2
    /// At most this many intervals between the labelled powers of ten of a log axis: over more
    /// decades, every n-th power is labelled (and the domain extended to labelled ones).
    public static let maximumLogLabels = 10

    // MARK: Linear

    /// A linear axis covering `lo`…`hi` (either order) with nice ticks. Equal bounds get a
    /// domain around them (0…1 for zero); non-finite bounds are ignored.
    public static func linear(lo: Double, hi: Double) -> Axis {
        var (lo, hi) = (min(lo, hi), max(lo, hi))
        if !lo.isFinite || !hi.isFinite {
            let finite = [lo, hi].filter(\.isFinite)
            (lo, hi) = finite.isEmpty ? (0, 1) : (finite.min()!, finite.max()!)
        }
        if lo == hi {
            if lo == 0 {
                hi = 1
            } else {
                let pad = abs(lo) / 10
                (lo, hi) = (lo - pad, hi + pad)
            }
        }
        // Bounds no nice ticks can serve: a span beyond a double's range, or too small for the
        // bounds' magnitude to count steps along it (1e16 + 1 is 1e16).
        func plain() -> Axis {
            Axis(scale: .linear, domain: lo...hi, ticks: [Tick(value: lo, label: compact(lo), major: true),
                                                         Tick(value: hi, label: compact(hi), major: true)],
                 exponents: nil)
        }
        // step = m × 10^e with m ∈ {1, 2, 5}, close to a fifth of the span (3 to 9 intervals).
        let raw = (hi - lo) / targetIntervals
        guard raw.isNormal else { return plain() }
        var e = Int(floor(log10(raw)))
        let normalised = raw / power(e)
        var m: Double
        switch normalised {
        case ..<1.5: m = 1
        case ..<3: m = 2
        case ..<7: m = 5
        default: m = 1; e += 1
        }
        guard (m * power(e)).isNormal else { return plain() }
        // Tick k is at k × m × 10^e, computed as an integer times or over a power of ten, so
        // 3 × 0.2 is 0.6 and not 0.6000000000000001. The slack absorbs lo / step = 2.9999….
        let step = m * power(e)
        let first = (lo / step + 1e-9).rounded(.down), last = (hi / step - 1e-9).rounded(.up)
        guard max(abs(first), abs(last)) < 1e15, last - first <= 20 else { return plain() }
        func value(_ k: Double) -> Double {
            k == 0 ? 0 : e >= 0 ? k * m * power(e) : k * m / power(-e)
        }
        let decimals = max(0, -e)
        let values = stride(from: first, through: last, by: 1).map(value)
        let exponential = decimals > 5 || values.contains { abs($0) >= 1e6 }
        let ticks = values.map { v in
            Tick(value: v, label: exponential ? exponentLabel(v, stepExponent: e) : fixed(v, decimals: decimals), major: true)
        }
        return Axis(scale: .linear, domain: values.first!...values.last!, ticks: ticks, exponents: nil)
    }

    // MARK: Logarithmic

    /// A log axis from the power of ten at or below `lo` to the one at or above `hi` (either
    /// order); at least one decade. Linear when either bound is not a positive finite number.
    public static func logarithmic(lo: Double, hi: Double) -> Axis {
        let (lo, hi) = (min(lo, hi), max(lo, hi))
        guard lo > 0, hi.isFinite, lo.isNormal else { return linear(lo: lo, hi: hi) }
        var loE = exponent(atOrBelow: lo), hiE = exponent(atOrAbove: hi)
        if hiE == loE { hiE += 1 }
        // Over many decades, label every n-th power of ten, the ends included.
        let decades = hiE - loE
        let every = (decades + maximumLogLabels - 1) / maximumLogLabels
        if every > 1 {
            loE = Int((Double(loE) / Double(every)).rounded(.down)) * every
            hiE = Int((Double(hiE) / Double(every)).rounded(.up)) * every
        }
        let span = hiE - loE
        var ticks: [Tick] = []
        for k in loE...hiE {
            let labelled = (k - loE) % every == 0
            if labelled || span <= 50 {
                ticks.append(Tick(value: scaled(1, k), label: labelled ? logLabel(1, k) : "", major: labelled))
            }
            if k < hiE && span <= minorTickDecades {
                for m in [2, 5] {
                    ticks.append(Tick(value: scaled(Double(m), k),
                                      label: span <= labelledMinorTickDecades ? logLabel(m, k) : "", major: false))
                }
            }
        }
        return Axis(scale: .logarithmic, domain: scaled(1, loE)...scaled(1, hiE), ticks: ticks, exponents: (loE, hiE))
    }

    /// The largest k with 10^k ≤ value (value > 0).
    static func exponent(atOrBelow value: Double) -> Int {
        var k = Int(floor(log10(value)))
        while scaled(1, k) > value { k -= 1 }
        while scaled(1, k + 1) <= value { k += 1 }
        return k
    }

    /// The smallest k with 10^k ≥ value (value > 0).
    static func exponent(atOrAbove value: Double) -> Int {
        var k = Int(ceil(log10(value)))
        while scaled(1, k) < value { k += 1 }
        while scaled(1, k - 1) >= value { k -= 1 }
        return k
    }

    // MARK: Numbers and labels

    /// 10^e for e ≥ 0 (exact up to 10^22).
    static func power(_ e: Int) -> Double {
        e >= 0 ? pow(10, Double(e)) : 1 / pow(10, Double(-e))
    }

    /// m × 10^k, correctly rounded for the small integers m used here.
    static func scaled(_ m: Double, _ k: Int) -> Double {
        k >= 0 ? m * pow(10, Double(k)) : m / pow(10, Double(-k))
    }

    /// m × 10^k as a plain number for 10^-3 ≤ m × 10^k < 10^5 (0.002, 50, 10000), else as
    /// "2e-4" or "5e5".
    static func logLabel(_ m: Int, _ k: Int) -> String {
        if (-3...4).contains(k) { return fixed(scaled(Double(m), k), decimals: max(0, -k)) }
        return "\(m)e\(k)"
    }

    /// `value` with `decimals` decimals, trailing zeros (and a trailing point) removed, never "-0".
    static func fixed(_ value: Double, decimals: Int) -> String {
        var text = Printf.format("%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// `value` as mantissa and exponent ("2.5e6", "-1e-7"), with as many mantissa decimals as a
    /// step of 10^stepExponent needs.
    static func exponentLabel(_ value: Double, stepExponent: Int) -> String {
        if value == 0 { return "0" }
        let k = Int(floor(log10(abs(value))))
        let mantissa = fixed(value / power(k), decimals: max(0, k - stepExponent))
        if mantissa == "10" || mantissa == "-10" { return (value < 0 ? "-" : "") + "1e\(k + 1)" }
        return "\(mantissa)e\(k)"
    }

    /// A bound as a short label.
    static func compact(_ value: Double) -> String {
        Printf.format("%g", value)
    }
}
