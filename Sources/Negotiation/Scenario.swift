import SimulationKernel
import Vocabulary

/// An agent's negotiation script.
public enum Tactic: Sendable, Equatable {
    /// Time-dependent concession with aspiration 1 − tˣ: x > 1 concedes late (Boulware),
    /// x = 1 linearly, x < 1 early (Conceder). Faratin's e is 1/x: a Boulware agent with
    /// Faratin's e = 0.2 is x = 5, and NegMAS 0.16's `BoulwareTBNegotiator` (x = 4) is e = 0.25.
    /// The named tactics use NegMAS 0.16's exponents: boulware 4, linear 1, conceder 0.25.
    case timeBased(exponent: Double)
    /// Offers its best outcome every time; accepts only an outcome as good as its best.
    case hardliner
    /// Naive tit-for-tat: concedes, in its own utility, as much as the opponent's last offer
    /// conceded to it.
    case titForTat
    /// Offers a random outcome it finds acceptable (at or above its reserved value); accepts
    /// an offer at least as good as the one it would make. Draws from the strategy stream.
    case random
    /// Subgame-perfect equilibrium play for alternating offers, computed by backward
    /// induction over the protocol's turns with full information (both utility functions,
    /// discount factors, reserved values and the deadline).
    case rubinstein

    /// Named tactics and the exponents of the named time-based ones.
    public static let names = ["boulware", "linear", "conceder", "time-based", "hardliner", "tit-for-tat", "random",
                               "rubinstein"]
    public static let boulwareExponent = 4.0
    public static let concederExponent = 0.25

    public var label: String {
        switch self {
        case .timeBased(let x):
            if x == Tactic.boulwareExponent { return "boulware" }
            if x == 1 { return "linear" }
            if x == Tactic.concederExponent { return "conceder" }
            return "time-based(x=\(formatNumber(x)))"
        case .hardliner: return "hardliner"
        case .titForTat: return "tit-for-tat"
        case .random: return "random"
        case .rubinstein: return "rubinstein"
        }
    }
}

/// One negotiator of a scenario.
public struct NegotiatorSpec: Sendable, Equatable {
    public var name: String
    public var tactic: Tactic
    /// Preferences over a stated domain; for a random domain only `reserved` and `discount`
    /// are used (weights and tables are drawn).
    public var preferences: LinearUtility

    public init(name: String, tactic: Tactic, preferences: LinearUtility) {
        self.name = name
        self.tactic = tactic
        self.preferences = preferences
    }
}

/// Where a scenario's domain comes from.
public enum DomainSource: Sendable {
    /// Stated completely in the scenario.
    case fixed(OutcomeSpace)
    /// Drawn per replication from the workload stream `domain`.
    case random(RandomDomainSpec)
}

/// A complete negotiation scenario: the domain, the negotiators and the deadline.
public struct NegotiationScenario: Sendable {
    /// Offers and responses after which a negotiation stops when `event-budget` is not given.
    public static let defaultEventBudget = 50_000_000

    public var name: String
    public var domain: DomainSource
    public var agents: [NegotiatorSpec]
    /// Rounds (or offers, in the offer-per-step protocol) before the negotiation ends without
    /// agreement.
    public var deadline: Int
    /// Actions (offers and responses, or mediator rounds) after which the run stops.
    public var eventBudget: Int

    public init(name: String, domain: DomainSource, agents: [NegotiatorSpec], deadline: Int,
                eventBudget: Int = defaultEventBudget) {
        self.name = name
        self.domain = domain
        self.agents = agents
        self.deadline = deadline
        self.eventBudget = eventBudget
    }

    /// The domain of one run: the stated one, or one drawn from `streams`.
    public func domain(streams: RandomStreams) -> NegotiationDomain {
        switch domain {
        case .fixed(let space):
            return NegotiationDomain(space: space, preferences: agents.map { $0.preferences })
        case .random(let spec):
            return spec.draw(agents: agents.map { $0.preferences }, from: streams.stream("domain"))
        }
    }

    /// A linear split of a unit pie into `slices` equal steps: one issue `share` whose value
    /// k gives the first agent k/slices and the second 1 − k/slices.
    public static func splitSpace(slices: Int) -> OutcomeSpace {
        OutcomeSpace(issues: [Issue(name: "share", values: (0...slices).map { formatNumber(Double($0) / Double(slices)) })])
    }

    public static func splitPreferences(slices: Int, first: Bool) -> (weights: [Double], tables: [[Double]]) {
        let table = (0...slices).map { Double($0) / Double(slices) }
        return ([1], [first ? table : table.map { 1 - $0 }])
    }
}

extension Tactic {
    public var isTimeBased: Bool {
        if case .timeBased = self { return true }
        return false
    }
}
