import SimulationKernel

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
    case random
    /// Ready steps go to capable agents in cyclic order; agents keep FIFO queues.
    case roundRobin
    /// A central orchestrator with global queue knowledge: one FIFO queue; a ready step goes
    /// at once to the idle capable agent with the least busy time so far, otherwise waits;
    /// a freed agent takes the oldest waiting step it can do. With identical agents and one
    /// step per job this is the M/M/c first-come-first-served queue.
    case leastLoaded
    /// Like least-loaded, but a step only goes to agents expected to succeed with
    /// probability ≥ `minSuccess` (or, if none is, to the most reliable ones), and among
    /// free qualified agents to the one with the lowest expected cost per correct result.
    case skillRouting(minSuccess: Double)
    /// Announce → bid → award: the manager announces each ready step to every capable agent,
    /// each bids, the manager awards by `award`; every message takes `messageDelay`.
    case contractNet(messageDelay: Double, award: AwardCriterion)
    /// Agents self-select from a shared board: an idle agent engages with a waiting type with
    /// probability s²/(s² + θ²) (s: waiting steps of that type, θ: its threshold), checks
    /// again every `pollInterval`, and thresholds adapt: −`learning` for the type done,
    /// +`forgetting` for the others, within [`minThreshold`, `maxThreshold`]. Initial
    /// thresholds are `initialThreshold / skill`.
    case responseThreshold(
        initialThreshold: Double, learning: Double, forgetting: Double,
        pollInterval: Double, minThreshold: Double, maxThreshold: Double)

    /// The family's catalogue, in the order `coordbench list strategies` shows it.
    public static let catalogue: [StrategyDescriptor] = [
        StrategyDescriptor("random", "each ready step to a capable agent drawn at random; agents keep FIFO queues"),
        StrategyDescriptor("round-robin", "ready steps to capable agents in cyclic order; agents keep FIFO queues"),
        StrategyDescriptor(
            "least-loaded",
            "central FIFO queue; steps go to the free capable agent with least busy time (M/M/c when agents are identical)"),
        StrategyDescriptor(
            "skill-routing", "central queue; cheapest free agent expected to succeed (cost- and skill-aware)",
            parameters: [
                ParameterDescriptor("min-success", default: 0.8, range: 0...1,
                                    "least success probability for an agent to qualify"),
            ]),
        StrategyDescriptor(
            "contract-net", "announce → bids → award; messages take simulated time and are counted",
            parameters: [
                ParameterDescriptor("message-delay", default: 0.01, range: 0...1e6, "time each message takes"),
                ParameterDescriptor("award", choices: AwardCriterion.names, default: "earliest-finish",
                                    "how the manager picks the winning bid"),
            ]),
        StrategyDescriptor(
            "response-threshold", "agents self-select from a shared board by stimulus vs. adaptive thresholds",
            parameters: [
                ParameterDescriptor("initial-threshold", default: 2, range: 0...1e6, "θ₀; an agent starts at θ₀ / skill"),
                ParameterDescriptor("learning", default: 0.2, range: 0...1e6, "threshold decrease for the type performed"),
                ParameterDescriptor("forgetting", default: 0.05, range: 0...1e6, "threshold increase for the other types"),
                ParameterDescriptor("poll-interval", default: 0.5, range: 1e-6...1e6, "time between an idle agent's looks at the board"),
                ParameterDescriptor("min-threshold", default: 0.1, range: 0...1e6, "lower bound of a threshold"),
                ParameterDescriptor("max-threshold", default: 50, range: 0...1e6, "upper bound of a threshold"),
            ]),
    ]

    /// Builds a strategy from its catalogue name and parameter values; parameters not given
    /// take their defaults. Returns nil for an unknown name. Values are assumed to have
    /// been checked against the catalogue's ranges.
    public init?(name: String, parameters: [String: Double] = [:]) {
        guard let descriptor = Strategy.catalogue.first(where: { $0.name == name }) else { return nil }
        func value(_ key: String) -> Double { descriptor.value(key, in: parameters) }
        switch name {
        case "random": self = .random
        case "round-robin": self = .roundRobin
        case "least-loaded": self = .leastLoaded
        case "skill-routing": self = .skillRouting(minSuccess: value("min-success"))
        case "contract-net":
            self = .contractNet(messageDelay: value("message-delay"),
                                award: AwardCriterion(rawValue: Int(value("award"))) ?? .earliestFinish)
        case "response-threshold":
            self = .responseThreshold(
                initialThreshold: value("initial-threshold"), learning: value("learning"),
                forgetting: value("forgetting"), pollInterval: value("poll-interval"),
                minThreshold: value("min-threshold"), maxThreshold: value("max-threshold"))
        default: return nil
        }
    }
}
