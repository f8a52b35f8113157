import AgentTeams
import DivisionOfLabour
import Negotiation
import ResourceAllocation
import SimulationKernel

/// The scenario families coordbench knows. Runtime choice between them is made here, once
/// per run; inside a run everything is concrete.
public enum Family: String, CaseIterable, Sendable {
    case divisionOfLabour = "division-of-labour"
    case negotiation
    case resourceAllocation = "resource-allocation"
    case commons
    case agentTeam = "agent-team"

    public var summary: String {
        switch self {
        case .divisionOfLabour: DivisionOfLabourFamily.summary
        case .negotiation: NegotiationFamily.summary
        case .resourceAllocation: ResourceAllocationFamily.summary
        case .commons: CommonsFamily.summary
        case .agentTeam: AgentTeamFamily.summary
        }
    }

    /// The family's strategies (its orchestration policies), in catalogue order.
    public var strategies: [StrategyDescriptor] {
        switch self {
        case .divisionOfLabour: Strategy.catalogue
        case .negotiation: NegotiationProtocol.catalogue
        case .resourceAllocation: Mechanism.catalogue
        case .commons: Governance.catalogue
        case .agentTeam: Pattern.catalogue
        }
    }

    /// The family's metrics, in CSV column order.
    public var metrics: [MetricDescriptor] {
        switch self {
        case .divisionOfLabour: TeamMetrics.descriptors
        case .negotiation: NegotiationMetrics.descriptors
        case .resourceAllocation: ResourceAllocationFamily.metrics
        case .commons: CommonsFamily.metrics
        case .agentTeam: AgentTeamFamily.metrics
        }
    }

    /// The (quality ↑, cost ↓) metrics whose Pareto frontier the report draws, if any.
    public var frontier: (quality: String, cost: String)? {
        switch self {
        case .agentTeam: AgentTeamFamily.frontier
        default: nil
        }
    }
}

/// A parsed scenario of any family.
public enum ScenarioModel: Sendable {
    case divisionOfLabour(DivisionOfLabourScenario)
    case negotiation(NegotiationScenario)
    case market(MarketScenario)
    case commons(CommonsScenario)
    case agentTeam(AgentTeamScenario)

    /// What one run of this scenario is expected to cost (see `Footprint`).
    public var footprint: Footprint {
        switch self {
        case .divisionOfLabour(let scenario): scenario.footprint
        case .negotiation(let scenario): scenario.footprint
        case .market(let scenario): scenario.footprint
        case .commons(let scenario): scenario.footprint
        case .agentTeam(let scenario): scenario.footprint
        }
    }

    public var family: Family {
        switch self {
        case .divisionOfLabour: .divisionOfLabour
        case .negotiation: .negotiation
        case .market: .resourceAllocation
        case .commons: .commons
        case .agentTeam: .agentTeam
        }
    }
}

/// A strategy chosen in a suite: its catalogue name, the parameters set explicitly (in
/// catalogue order), the label it is reported under, and the concrete policy.
public struct StrategyChoice: Sendable {
    public enum Policy: Sendable {
        case divisionOfLabour(Strategy)
        case negotiation(NegotiationProtocol)
        case market(Mechanism)
        case commons(Governance)
        case agentTeam(Pattern)
    }

    public let name: String
    public let parameters: [(name: String, value: Double)]
    public let label: String
    public let policy: Policy

    /// Resolves `name` in `family`'s catalogue; nil for an unknown name. Parameters must be
    /// known to the strategy and within range (checked by the suite reader).
    public init?(family: Family, name: String, parameters: [(name: String, value: Double)] = [], label: String? = nil) {
        guard let descriptor = family.strategies.first(where: { $0.name == name }) else { return nil }
        let ordered = descriptor.parameters.compactMap { p in
            parameters.first { $0.name == p.name }.map { (name: p.name, value: $0.value) }
        }
        self.name = name
        self.parameters = ordered
        self.label = label ?? (ordered.isEmpty ? name : name + "(" + ordered.map { p in
            "\(p.name)=" + descriptor.parameters.first { $0.name == p.name }!.format(p.value)
        }.joined(separator: ",") + ")")
        let values = Dictionary(uniqueKeysWithValues: ordered.map { ($0.name, $0.value) })
        switch family {
        case .divisionOfLabour:
            guard let strategy = Strategy(name: name, parameters: values) else { return nil }
            policy = .divisionOfLabour(strategy)
        case .negotiation:
            guard let negotiationProtocol = NegotiationProtocol(name: name, parameters: values) else { return nil }
            policy = .negotiation(negotiationProtocol)
        case .resourceAllocation:
            guard let mechanism = Mechanism(rawValue: name) else { return nil }
            policy = .market(mechanism)
        case .commons:
            guard let governance = Governance(name: name, parameters: values) else { return nil }
            policy = .commons(governance)
        case .agentTeam:
            guard let pattern = Pattern(name: name, parameters: values) else { return nil }
            policy = .agentTeam(pattern)
        }
    }
}

/// What one run produced.
public struct RunOutcome: Sendable, Equatable {
    public var stopReason: StopReason
    public var events: Int
    /// In the family's `metrics` order; NaN where a metric is undefined for the run.
    public var metrics: [Double]

    public init(stopReason: StopReason, events: Int, metrics: [Double]) {
        self.stopReason = stopReason
        self.events = events
        self.metrics = metrics
    }
}

extension ScenarioModel {
    /// Runs this scenario under `policy`. Workload streams are seeded from
    /// `workloadIdentity` (no strategy in it), the strategy's own stream from `identity`.
    /// `deadline` stops the run early (stop reason `wall-clock`); by default there is none.
    public func run(_ policy: StrategyChoice.Policy, workloadIdentity: String, identity: String,
                    deadline: WallClockDeadline = .none) -> RunOutcome {
        switch (self, policy) {
        case (.divisionOfLabour(let scenario), .divisionOfLabour(let strategy)):
            let outcome = DivisionOfLabourFamily.run(
                scenario, strategy: strategy, workload: RandomStreams(identity: workloadIdentity),
                strategy: RandomStreams(identity: identity), deadline: deadline)
            return RunOutcome(stopReason: outcome.stopReason, events: outcome.events, metrics: outcome.metrics)
        case (.negotiation(let scenario), .negotiation(let negotiationProtocol)):
            let outcome = NegotiationFamily.run(
                scenario, protocol: negotiationProtocol, workload: RandomStreams(identity: workloadIdentity),
                strategy: RandomStreams(identity: identity), deadline: deadline)
            // A negotiation ends by agreement or deadline, or a limit; its events are its offers.
            return RunOutcome(stopReason: outcome.result.stopReason, events: outcome.result.offers,
                              metrics: outcome.metrics)
        case (.market(let scenario), .market(let mechanism)):
            let outcome = ResourceAllocationFamily.run(
                scenario, mechanism: mechanism, workload: RandomStreams(identity: workloadIdentity),
                strategy: RandomStreams(identity: identity), deadline: deadline)
            return RunOutcome(stopReason: outcome.stop, events: scenario.periods, metrics: outcome.metrics)
        case (.commons(let scenario), .commons(let governance)):
            let outcome = CommonsFamily.run(scenario, governance: governance,
                                            workload: RandomStreams(identity: workloadIdentity),
                                            strategy: RandomStreams(identity: identity), deadline: deadline)
            // A collapse ends the run early, by the model's own rule; it is reported, not hidden.
            return RunOutcome(stopReason: outcome.result.stopReason, events: outcome.result.survival,
                              metrics: outcome.metrics)
        case (.agentTeam(let scenario), .agentTeam(let pattern)):
            // Patterns draw nothing of their own: every call outcome is part of the workload.
            let outcome = AgentTeamFamily.run(scenario, pattern: pattern, workload: RandomStreams(identity: workloadIdentity),
                                              deadline: deadline)
            return RunOutcome(stopReason: outcome.stop, events: outcome.events, metrics: outcome.metrics)
        default:
            preconditionFailure("strategy of another family; the suite reader prevents this")
        }
    }
}
