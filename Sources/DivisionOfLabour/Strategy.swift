import SimulationKernel
import Vocabulary

/// How a contract-net manager chooses among bids.
public enum AwardCriterion: Int, Sendable, CaseIterable {
    /// The bid promising the earliest expected finish of a correct result.
    case earliestFinish
    /// The bid with the lowest expected cost of a correct result.
    case cheapest

    public static let names = ["earliest-finish", "cheapest"]
}

/// An orchestration policy of the division-of-labour family: who performs which step.
public enum Strategy: Sendable, Equatable {
    /// Each ready step goes to a capable agent drawn uniformly at random; agents work
    /// through their own FIFO queues.
    ///
    /// Ties: none; the draw is `integer(below: count)` over the capable workers in id order.
    /// O(1) per decision (`RandomPolicy`).
    case random
    /// Ready steps go to capable agents in cyclic order; agents keep FIFO queues.
    ///
    /// Ties: none; the next capable id after the agent served last (ids cycle over all agents,
    /// starting after id 0). O(log n) per decision (`RoundRobinPolicy`).
    case roundRobin
    /// A central orchestrator with global queue knowledge: one FIFO queue; a ready step goes
    /// at once to the idle capable agent with the least busy time so far, otherwise waits;
    /// a freed agent takes the oldest waiting step it can do. With identical agents and one
    /// step per job this is the M/M/c first-come-first-served queue.
    ///
    /// Ties: among equal busy times the lowest id; a freed agent takes the step that became
    /// ready earliest among those it can do. Exact in O(T log n) per decision for T task types
    /// (`LeastLoadedPolicy`).
    case leastLoaded
    /// Like least-loaded, but a step only goes to agents expected to succeed with
    /// probability ≥ `minSuccess` (or, if none is, to the most reliable ones), and among
    /// free qualified agents to the one with the lowest expected cost per correct result.
    ///
    /// Ties: among equal costs the lowest id (an infinite cost never wins); a freed agent takes
    /// the step that became ready earliest among those it qualifies for. The cost depends on
    /// the step and the agent, so no single heap key exists; exact in O(C + T log n) per decision
    /// by evaluating each of the type's C profile classes once (`SkillRoutingPolicy`).
    case skillRouting(minSuccess: Double)
    /// Announce → bid → award: the manager announces each ready step to every capable agent,
    /// each bids, the manager awards by `award`; every message takes `messageDelay`.
    ///
    /// Ties: among equal bids the lowest id; if no bid is finite, the first capable agent.
    /// Bids depend on the step, the agent and (earliest finish) the clock, so no single heap key
    /// exists; exact per profile class, O(C) for `cheapest` and O(C log n + k) for
    /// `earliest-finish`, k the busy bids within rounding of the best (`ContractNetPolicy`).
    case contractNet(messageDelay: Double, award: AwardCriterion)
    /// Agents self-select from a shared board: an idle agent engages with a waiting type with
    /// probability s²/(s² + θ²) (s: waiting steps of that type, θ: its threshold), checks
    /// again every `pollInterval`, and thresholds adapt: −`learning` for the type done,
    /// +`forgetting` for the others, within [`minThreshold`, `maxThreshold`]. Initial
    /// thresholds are `initialThreshold / skill`.
    ///
    /// Ties: none among agents (draws decide); when a step is posted, the idle agents not
    /// waiting for a poll look in id order; a type is drawn over the types in index order, and
    /// the step of that type waiting longest is taken. O(T) per look and O(T log n) amortised
    /// per event (`ResponseThresholdPolicy`).
    case responseThreshold(
        initialThreshold: Double, learning: Double, forgetting: Double,
        pollInterval: Double, minThreshold: Double, maxThreshold: Double)
    /// A user's own rule (see `AssignmentRule`); build it with `.custom(rule, name:)`.
    /// Equal to another custom strategy with the same name and an equal rule of the same type.
    case custom(CustomAssignmentRule)

    /// The family's strategies, each declared once, in the order `coordbench list strategies` shows them.
    public static let catalogue: [StrategyDeclaration<Strategy>] = [
        StrategyDeclaration("random", "each ready step to a capable agent drawn at random; agents keep FIFO queues") { _ in
            .random
        },
        StrategyDeclaration("round-robin", "ready steps to capable agents in cyclic order; agents keep FIFO queues") { _ in
            .roundRobin
        },
        StrategyDeclaration(
            "least-loaded",
            "central FIFO queue; steps go to the free capable agent with least busy time (M/M/c when agents are identical)"
        ) { _ in .leastLoaded },
        StrategyDeclaration(
            "skill-routing", "central queue; cheapest free agent expected to succeed (cost- and skill-aware)",
            parameters: [
                ParameterDescriptor("min-success", default: 0.8, range: 0...1,
                                    "least success probability for an agent to qualify"),
            ]) { p in .skillRouting(minSuccess: p["min-success"]) },
        StrategyDeclaration(
            "contract-net", "announce → bids → award; messages take simulated time and are counted",
            parameters: [
                ParameterDescriptor("message-delay", default: 0.01, range: 0...1e6, "time each message takes"),
                ParameterDescriptor("award", choices: AwardCriterion.names, default: "earliest-finish",
                                    "how the manager picks the winning bid"),
            ]) { p in
            .contractNet(messageDelay: p["message-delay"], award: AwardCriterion(rawValue: p.choice("award")) ?? .earliestFinish)
        },
        StrategyDeclaration(
            "response-threshold", "agents self-select from a shared board by stimulus vs. adaptive thresholds",
            parameters: [
                ParameterDescriptor("initial-threshold", default: 2, range: 0...1e6, "θ₀; an agent starts at θ₀ / skill"),
                ParameterDescriptor("learning", default: 0.2, range: 0...1e6, "threshold decrease for the type performed"),
                ParameterDescriptor("forgetting", default: 0.05, range: 0...1e6, "threshold increase for the other types"),
                ParameterDescriptor("poll-interval", default: 0.5, range: 1e-6...1e6, "time between an idle agent's looks at the board"),
                ParameterDescriptor("min-threshold", default: 0.1, range: 0...1e6, "lower bound of a threshold"),
                ParameterDescriptor("max-threshold", default: 50, range: 0...1e6, "upper bound of a threshold"),
            ]) { p in
            .responseThreshold(
                initialThreshold: p["initial-threshold"], learning: p["learning"], forgetting: p["forgetting"],
                pollInterval: p["poll-interval"], minThreshold: p["min-threshold"], maxThreshold: p["max-threshold"])
        },
    ]
}
