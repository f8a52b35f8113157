import SimulationKernel
import Vocabulary

/// A negotiation protocol: the orchestration strategy of this family.
public enum NegotiationProtocol: Sendable, Equatable {
    /// Stacked alternating offers (NegMAS's SAO) with a deadline in rounds: in each round
    /// every agent in turn, first agent first, accepts the standing offer or replaces it with
    /// its own; making an offer counts as accepting it; agreement when every agent has
    /// accepted the standing offer; none by the deadline ⇒ reserved values. Bilateral or
    /// multilateral (round robin). Relative time in round s of N is (s + 1)/(N + 1), the same
    /// for every agent of the round; discounting is per round, by the round of agreement.
    case alternatingOffers
    /// The same protocol with one offer per step: the deadline counts single actions and
    /// discounting is per offer, as in Rubinstein's model.
    case offerPerStep
    /// Single-text mediation: a mediator starts from a random text and in each of the
    /// deadline's rounds proposes a variant (one issue changed at random); every agent votes,
    /// and the variant replaces the text when all accept. Agents accept a variant at least as
    /// good for them as the text, or (time-based tactics) at or above their aspiration. The
    /// final text is the agreement if it is rational for everyone.
    case singleText
    /// An arbitrator with full information imposes the Nash bargaining solution: the rational
    /// outcome maximising Π (uᵢ − rᵢ). The reference upper bound of the others.
    case nashArbitrator

    /// The family's protocols, each declared once.
    public static let catalogue: [StrategyDeclaration<NegotiationProtocol>] = [
        StrategyDeclaration("sao", "stacked alternating offers, rounds, deadline; bilateral or multilateral (NegMAS SAO)") { _ in
            .alternatingOffers
        },
        StrategyDeclaration("sao-per-offer", "alternating offers, one offer per step, per-offer discounting (Rubinstein timing)") {
            _ in .offerPerStep
        },
        StrategyDeclaration("single-text", "a mediator proposes variants of one text; agents vote; hill-climbs on accepted texts") {
            _ in .singleText
        },
        StrategyDeclaration("nash-arbitrator", "imposes the Nash bargaining solution with full information (upper bound)") { _ in
            .nashArbitrator
        },
    ]

    /// Whether the protocol's agents are `Negotiator`s (all but the arbitrator's).
    var hasNegotiators: Bool { self != .nashArbitrator }
}

/// Runs negotiations.
public enum NegotiationFamily {
    public static let name = "negotiation"
    public static let summary = "agents with private multi-issue preferences bargain under a protocol and a deadline"

    /// The outcome of one run.
    public struct Outcome: Sendable {
        public var result: NegotiationResult
        public var metrics: [Double]
    }

    /// Runs `scenario` under `protocol`: the domain comes from the workload streams
    /// (strategy-independent), random choices of tactics and mediator from `strategy`.
    public static func run(
        _ scenario: NegotiationScenario, protocol: NegotiationProtocol,
        workload: RandomStreams, strategy: RandomStreams, recordTrace: Bool = false,
        deadline wallClock: WallClockDeadline = .none
    ) -> Outcome {
        let domain = scenario.domain(streams: workload)
        var meter = EventMeter(budget: scenario.eventBudget, deadline: wallClock)
        // The agents' sorted outcomes, made once for the negotiators and the frontier.
        let ascending = `protocol`.hasNegotiators ? domain.ascendingOutcomes() : []
        let result = negotiate(domain, tactics: scenario.agents.map { $0.tactic }, ascending: ascending,
                               deadline: scenario.deadline, protocol: `protocol`, stream: StrategyStream(strategy),
                               recordTrace: recordTrace, meter: &meter)
        let solutions = BargainingSolutions(domain, firstAgentAscending: ascending.first)
        let metrics = NegotiationMetrics.score(result, domain: domain, solutions: solutions)
        return Outcome(result: result, metrics: metrics)
    }

    /// One negotiation on a given domain.
    public static func negotiate(
        _ domain: NegotiationDomain, tactics: [Tactic], deadline: Int, protocol: NegotiationProtocol,
        stream: RandomStream, recordTrace: Bool = false
    ) -> NegotiationResult {
        var meter = EventMeter(budget: .max)
        return negotiate(domain, tactics: tactics, ascending: `protocol`.hasNegotiators ? domain.ascendingOutcomes() : [],
                         deadline: deadline, protocol: `protocol`, stream: StrategyStream(stream),
                         recordTrace: recordTrace, meter: &meter)
    }

    /// One negotiation on a given domain, its actions counted by `meter`; `ascending` is
    /// `domain.ascendingOutcomes()` when the protocol has negotiators (else unused).
    static func negotiate(
        _ domain: NegotiationDomain, tactics: [Tactic], ascending: [[Int32]], deadline: Int, protocol: NegotiationProtocol,
        stream: StrategyStream, recordTrace: Bool, meter: inout EventMeter
    ) -> NegotiationResult {
        var stream = stream
        switch `protocol` {
        case .alternatingOffers, .offerPerStep:
            var session = AlternatingOffers(domain: domain, tactics: tactics, ascending: ascending, deadline: deadline,
                                            perOffer: `protocol` == .offerPerStep, stream: stream, recordTrace: recordTrace)
            return session.run(meter: &meter)
        case .singleText:
            return singleText(domain, tactics: tactics, ascending: ascending, deadline: deadline, stream: stream.stream(),
                              meter: &meter)
        case .nashArbitrator:
            let n = domain.agentCount
            guard let nash = BargainingSolutions.nash(domain) else {
                return NegotiationResult(agreement: nil, rounds: 1, offers: 0,
                                         utilities: domain.reserved, trace: [])
            }
            return NegotiationResult(agreement: nash, rounds: 1, offers: 1,
                                     utilities: (0..<n).map { domain.utility($0, nash) }, trace: [])
        }
    }
}

/// A run's strategy stream ("strategy"), made on first use: seeding its Mersenne Twister is a
/// noticeable part of a small negotiation, and time-based, hardliner, tit-for-tat and
/// Rubinstein agents under alternating offers never draw. The draws are the same whenever
/// the stream is made (its seed depends on the run's identity and purpose only).
struct StrategyStream {
    private let streams: RandomStreams?
    private var made: RandomStream?

    init(_ streams: RandomStreams) { self.streams = streams }
    init(_ stream: RandomStream) {
        streams = nil
        made = stream
    }

    /// The stream, made now if it was not yet.
    mutating func stream() -> RandomStream {
        if let made { return made }
        let stream = streams!.stream("strategy")
        made = stream
        return stream
    }
}
