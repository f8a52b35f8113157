import SimulationKernel
import Vocabulary

/// The negotiation family's metrics, in CSV column order.
///
/// Utilities are those of the agreed outcome discounted to the time of agreement (each
/// agent's reserved value without agreement). Distances are Euclidean in the space of the
/// agents' undiscounted utilities, from the agreement (or from the disagreement point of
/// reserved values) to a reference outcome computed over the individually rational outcomes.
public enum NegotiationMetrics {
    public static let descriptors: [MetricDescriptor] = [
        MetricDescriptor("agreement", unit: "fraction", .higherIsBetter, key: true, binary: true,
                         "1 when the negotiation agreed, else 0; its mean is the agreement rate"),
        MetricDescriptor("rounds", unit: "rounds", .lowerIsBetter,
                         "rounds (offers, in the offer-per-step protocol) until agreement; empty without one"),
        MetricDescriptor("offers", unit: "offers", .lowerIsBetter, "offers (proposals, mediator texts) exchanged"),
        MetricDescriptor("utility-1", unit: "utility", .higherIsBetter, "first agent's utility"),
        MetricDescriptor("utility-2", unit: "utility", .higherIsBetter, "second agent's utility"),
        MetricDescriptor("min-utility", unit: "utility", .higherIsBetter, "lowest agent utility"),
        MetricDescriptor("welfare", unit: "utility", .higherIsBetter, key: true, "social welfare: sum of utilities"),
        MetricDescriptor("nash-product", unit: "utility^n", .higherIsBetter,
                         "Π (uᵢ − rᵢ) over agents, 0 without agreement or when someone is below its reserved value"),
        MetricDescriptor("pareto-distance", unit: "utility", .lowerIsBetter, key: true,
                         "distance to the nearest Pareto-optimal rational outcome"),
        MetricDescriptor("nash-distance", unit: "utility", .lowerIsBetter, key: true,
                         "distance to the Nash bargaining solution"),
        MetricDescriptor("ks-distance", unit: "utility", .lowerIsBetter, "distance to the Kalai–Smorodinsky solution"),
        MetricDescriptor("egalitarian-distance", unit: "utility", .lowerIsBetter,
                         "distance to the egalitarian solution"),
        MetricDescriptor("utility-gap", unit: "utility", .lowerIsBetter, key: true,
                         "highest minus lowest agent utility (fairness)"),
    ]

    /// Scores a finished negotiation.
    static func score(_ result: NegotiationResult, domain: NegotiationDomain, solutions: BargainingSolutions) -> [Double] {
        let n = domain.agentCount
        let reserved = domain.preferences.map(\.reserved)
        let utilities = result.utilities
        let point: [Double] = result.agreement.map { o in (0..<n).map { domain.utility($0, o) } } ?? reserved
        func distance(to outcome: Int?) -> Double {
            outcome.map { BargainingSolutions.distance(point, $0, in: domain) } ?? .nan
        }
        let nashProduct: Double = result.agreement == nil ? 0
            : (0..<n).reduce(1.0) { $0 * max(0, utilities[$1] - reserved[$1]) }
        return [
            result.agreement == nil ? 0 : 1,
            result.agreement == nil ? .nan : Double(result.rounds),
            Double(result.offers),
            utilities[0],
            n > 1 ? utilities[1] : .nan,
            utilities.min() ?? .nan,
            utilities.reduce(0, +),
            nashProduct,
            solutions.distanceToFrontier(point, in: domain),
            distance(to: solutions.nash),
            distance(to: solutions.kalaiSmorodinsky),
            distance(to: solutions.egalitarian),
            (utilities.max() ?? 0) - (utilities.min() ?? 0),
        ]
    }
}

/// What a protocol produced.
public struct NegotiationResult: Sendable, Equatable {
    /// The agreed outcome, or nil.
    public var agreement: Int?
    /// Rounds (or steps) used: the round of agreement, counted from 1, or the deadline.
    public var rounds: Int
    public var offers: Int
    /// Each agent's utility, discounted to the agreement's time; reserved values without one.
    public var utilities: [Double]
    /// Every offer made, in order: (turn, agent, outcome).
    public var trace: [(turn: Int, agent: Int, outcome: Int)]
    /// `drained` when the negotiation ended by its own rules (agreement or deadline);
    /// `event-budget` or `wall-clock` when a limit cut it short (then without agreement).
    public var stopReason: StopReason = .drained

    public static func == (a: Self, b: Self) -> Bool {
        a.agreement == b.agreement && a.rounds == b.rounds && a.offers == b.offers && a.utilities == b.utilities
            && a.trace.elementsEqual(b.trace) { $0 == $1 }
    }
}
