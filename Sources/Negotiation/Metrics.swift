import SimulationKernel
import Vocabulary

/// The negotiation family's metrics, in CSV column order.
///
/// Utilities are those of the agreed outcome discounted to the time of agreement (each
/// agent's reserved value without agreement). Distances are Euclidean in the space of the
/// agents' undiscounted utilities, from the agreement (or from the disagreement point of
/// reserved values) to a reference outcome computed over the individually rational outcomes.
public enum NegotiationMetrics {
    public static let declarations: [MetricDeclaration<ScoredNegotiation>] = [
        MetricDeclaration("agreement", unit: "fraction", .higherIsBetter, key: true, binary: true,
                          "1 when the negotiation agreed, else 0; its mean is the agreement rate") { r in
            r.result.agreement == nil ? 0 : 1
        },
        MetricDeclaration("rounds", unit: "rounds", .lowerIsBetter,
                          "rounds (offers, in the offer-per-step protocol) until agreement; empty without one") { r in
            r.result.agreement == nil ? .nan : Double(r.result.rounds)
        },
        MetricDeclaration("offers", unit: "offers", .lowerIsBetter, "offers (proposals, mediator texts) exchanged") { r in
            Double(r.result.offers)
        },
        MetricDeclaration("utility-1", unit: "utility", .higherIsBetter, "first agent's utility") { r in r.utilities[0] },
        MetricDeclaration("utility-2", unit: "utility", .higherIsBetter, "second agent's utility") { r in
            r.utilities.count > 1 ? r.utilities[1] : .nan
        },
        MetricDeclaration("min-utility", unit: "utility", .higherIsBetter, "lowest agent utility") { r in
            r.utilities.min() ?? .nan
        },
        MetricDeclaration("welfare", unit: "utility", .higherIsBetter, key: true, "social welfare: sum of utilities") { r in
            r.utilities.reduce(0, +)
        },
        MetricDeclaration("nash-product", unit: "utility^n", .higherIsBetter,
                          "Π (uᵢ − rᵢ) over agents, 0 without agreement or when someone is below its reserved value") { r in
            r.result.agreement == nil ? 0 : r.utilities.indices.reduce(1.0) { $0 * max(0, r.utilities[$1] - r.reserved[$1]) }
        },
        MetricDeclaration("pareto-distance", unit: "utility", .lowerIsBetter, key: true,
                          "distance to the nearest Pareto-optimal rational outcome") { r in
            r.solutions.distanceToFrontier(r.point, in: r.domain)
        },
        MetricDeclaration("nash-distance", unit: "utility", .lowerIsBetter, key: true,
                          "distance to the Nash bargaining solution") { r in r.distance(to: r.solutions.nash) },
        MetricDeclaration("ks-distance", unit: "utility", .lowerIsBetter, "distance to the Kalai–Smorodinsky solution") { r in
            r.distance(to: r.solutions.kalaiSmorodinsky)
        },
        MetricDeclaration("egalitarian-distance", unit: "utility", .lowerIsBetter,
                          "distance to the egalitarian solution") { r in r.distance(to: r.solutions.egalitarian) },
        MetricDeclaration("utility-gap", unit: "utility", .lowerIsBetter, key: true,
                          "highest minus lowest agent utility (fairness)") { r in
            (r.utilities.max() ?? 0) - (r.utilities.min() ?? 0)
        },
    ]

    /// The metrics' descriptors, in CSV column order.
    public static var descriptors: [MetricDescriptor] { declarations.descriptors() }

    /// Scores a finished negotiation.
    static func score(_ result: NegotiationResult, domain: NegotiationDomain, solutions: BargainingSolutions) -> [Double] {
        declarations.values(of: ScoredNegotiation(result: result, domain: domain, solutions: solutions))
    }
}

/// What the negotiation metrics are computed from: the result, its domain and the domain's
/// bargaining solutions. A class, so that each metric's function receives one reference rather
/// than a copy of every array in it (the functions are stored generically, and calling them
/// with a value of a concrete type copies it).
public final class ScoredNegotiation {
    public let result: NegotiationResult
    public let domain: NegotiationDomain
    public let solutions: BargainingSolutions
    /// Each agent's utility, discounted to the agreement's time (reserved values without one).
    public var utilities: [Double] { result.utilities }
    public let reserved: [Double]
    /// The agents' undiscounted utilities of the agreement, or the reserved values without one.
    public let point: [Double]

    init(result: NegotiationResult, domain: NegotiationDomain, solutions: BargainingSolutions) {
        self.result = result
        self.domain = domain
        self.solutions = solutions
        let n = domain.agentCount
        reserved = domain.reserved
        point = result.agreement.map { o in (0..<n).map { domain.utility($0, o) } } ?? reserved
    }

    /// Euclidean distance in utility space from `point` to `outcome`; NaN when there is none.
    func distance(to outcome: Int?) -> Double {
        outcome.map { BargainingSolutions.distance(point, $0, in: domain) } ?? .nan
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
