/// Whether larger or smaller values of a metric are better, or neither (a descriptive
/// metric such as utilisation, which rises both with useful work and with slow work).
public enum Direction: String, Sendable, CaseIterable {
    case higherIsBetter = "higher"
    case lowerIsBetter = "lower"
    case neutral = "none"

    /// True when `a` is strictly better than `b` in this direction (never, for neutral).
    public func prefers(_ a: Double, over b: Double) -> Bool {
        switch self {
        case .higherIsBetter: a > b
        case .lowerIsBetter: a < b
        case .neutral: false
        }
    }
}

/// Describes one number scored from a run: its name (a CSV column), unit, direction and a
/// one-line meaning. Families publish their metrics as arrays of these, in a fixed order.
public struct MetricDescriptor: Sendable, Equatable {
    public let name: String
    public let unit: String
    public let direction: Direction
    public let summary: String
    /// Shown in the markdown comparison tables (the CSV files carry every metric).
    public let isKey: Bool
    /// Each run scores 0 or 1 (agreed or not, collapsed or not): the mean over runs is a
    /// proportion, whose interval is Wilson's score interval rather than a t-interval.
    public let isBinary: Bool

    public init(_ name: String, unit: String, _ direction: Direction, key: Bool = false, binary: Bool = false,
                _ summary: String) {
        self.name = name
        self.unit = unit
        self.direction = direction
        self.summary = summary
        self.isKey = key
        self.isBinary = binary
    }
}

/// A metric declared with its computation: its name, unit, direction and meaning beside the
/// function that computes it from what a run produced (`Result`, the family's own record of a
/// finished run). A family's metrics are a list of these, in CSV column order.
public struct MetricDeclaration<Result>: Sendable {
    public let descriptor: MetricDescriptor
    @usableFromInline let compute: @Sendable (Result) -> Double

    public init(_ name: String, unit: String, _ direction: Direction, key: Bool = false, binary: Bool = false,
                _ summary: String, compute: @escaping @Sendable (Result) -> Double) {
        descriptor = MetricDescriptor(name, unit: unit, direction, key: key, binary: binary, summary)
        self.compute = compute
    }

    /// The metric's value for `result`; NaN where it is undefined.
    public func value(of result: Result) -> Double { compute(result) }
}

extension Array {
    /// Every declared metric's value for `result`, in declaration order.
    /// Inlinable, so that it is specialised where a family scores its runs; each function is
    /// read in place (`self[i].compute`) rather than its declaration copied, descriptor strings
    /// and all, once a metric and run.
    @inlinable public func values<R>(of result: R) -> [Double] where Element == MetricDeclaration<R> {
        var values: [Double] = []
        values.reserveCapacity(count)
        for i in indices { values.append(self[i].compute(result)) }
        return values
    }

    /// The declared metrics' descriptors, in order.
    public func descriptors<R>() -> [MetricDescriptor] where Element == MetricDeclaration<R> { map(\.descriptor) }
}
