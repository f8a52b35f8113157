import Foundation
import SimulationKernel

/// A member of an AI agent team: a model (small, frontier, specialised…) or a human.
public struct TeamMember: Sendable, Equatable {
    /// How steeply a member's chance of a correct answer falls with difficulty, when `slope` is not given.
    public static let defaultSlope = 8.0

    public enum Kind: String, Sendable, CaseIterable { case model, human }

    public var name: String
    public var kind: Kind
    /// The model family it belongs to (YAML key `family:` of a member; not a scenario family):
    /// members of one model family share mistakes (see `AgentTeamScenario.correlation`).
    public var modelFamily: String
    /// P(correct | difficulty d) = 1 / (1 + exp(−slope · (ability − d))).
    public var ability: Double
    public var slope: Double
    /// Time one call takes.
    public var latency: Distribution
    /// Money per 1,000 input and output tokens, and per call (humans: per call only).
    public var priceIn: Double
    public var priceOut: Double
    public var pricePerCall: Double
    /// Calls whose input exceeds this many tokens fail with an error at once.
    public var contextLimit: Double
    /// Per-call probabilities of an error, a hang (ends by timeout) and malformed output.
    public var errorRate: Double
    public var hangRate: Double
    public var malformedRate: Double
    /// Calls it serves at once (0: unlimited); further calls wait in its queue.
    public var concurrency: Int
    /// Its own call timeout (a human review takes minutes); nil: the scenario's.
    public var timeout: Double?

    public init(name: String, kind: Kind = .model, modelFamily: String, ability: Double, slope: Double = defaultSlope,
                latency: Distribution, priceIn: Double = 0, priceOut: Double = 0, pricePerCall: Double = 0,
                contextLimit: Double = .infinity, errorRate: Double = 0, hangRate: Double = 0, malformedRate: Double = 0,
                concurrency: Int = 0, timeout: Double? = nil) {
        self.timeout = timeout
        self.name = name
        self.kind = kind
        self.modelFamily = modelFamily
        self.ability = ability
        self.slope = slope
        self.latency = latency
        self.priceIn = priceIn
        self.priceOut = priceOut
        self.pricePerCall = pricePerCall
        self.contextLimit = contextLimit
        self.errorRate = errorRate
        self.hangRate = hangRate
        self.malformedRate = malformedRate
        self.concurrency = concurrency
    }

    /// Probability of a correct answer at difficulty `d`.
    public func accuracy(_ d: Double) -> Double { 1 / (1 + exp(-slope * (ability - d))) }
}

/// Which members play which part in each pattern (indices into the team).
public struct Roles: Sendable, Equatable {
    public var primary: Int
    public var tiers: [Int]
    public var panel: [Int]
    public var judge: Int
    public var lead: Int
    public var workers: [Int]
    public var stages: [Int]
    public var assistant: Int
    public var human: Int?
    public var fallback: Int?

    /// The member `single` asks: tier `tier` of `tiers` when it is a valid index, else `primary`.
    public func single(tier: Int) -> Int { tier >= 0 && tier < tiers.count ? tiers[tier] : primary }

    public init(primary: Int, tiers: [Int], panel: [Int], judge: Int, lead: Int, workers: [Int], stages: [Int],
                assistant: Int, human: Int?, fallback: Int?) {
        self.primary = primary
        self.tiers = tiers
        self.panel = panel
        self.judge = judge
        self.lead = lead
        self.workers = workers
        self.stages = stages
        self.assistant = assistant
        self.human = human
        self.fallback = fallback
    }
}

/// An agent-team scenario: the team, the roles, the tasks and the call policy.
public struct AgentTeamScenario: Sendable, Equatable {
    /// Events after which a run stops when `event-budget` is not given.
    public static let defaultEventBudget = 100_000_000
    /// A call's timeout and its retries on the same member, when `calls` does not give them.
    public static let defaultTimeout = 120.0
    public static let defaultRetries = 1

    public var name: String
    public var members: [TeamMember]
    public var roles: Roles
    /// The scenario's own orchestration graphs, each a strategy under its name
    /// (`Pattern.orchestration(k)` runs the k-th).
    public var orchestrations: [Orchestration] = []
    /// How often members of one model family share their mistake: for each call, with this
    /// probability the correctness draw is the one its model family shares for the task.
    public var correlation: Double
    /// Tasks: `count` arriving as a Poisson stream of `rate` per time unit (rate 0: all at once).
    public var taskCount: Int
    public var rate: Double
    public var difficulty: Distribution
    public var risk: Distribution
    public var inputTokens: Distribution
    public var outputTokens: Distribution
    /// Independent trials of every task (for pass^k).
    public var trials: Int
    /// Per call: the timeout and retries on the same member before the fallback member.
    public var timeout: Double
    public var retries: Int
    /// Simulated time at which the run stops even if tasks remain.
    public var horizon: Double = .infinity
    /// Events after which the run stops even if tasks remain.
    public var eventBudget: Int = defaultEventBudget

    /// Defaults of fields a scenario may leave out.
    public static let defaultRisk = Distribution.constant(0)
    public static let defaultInputTokens = Distribution.constant(1000)
    public static let defaultOutputTokens = Distribution.constant(300)
    public static let defaultTrials = 1

    public init(name: String, members: [TeamMember], roles: Roles, correlation: Double, taskCount: Int, rate: Double,
                difficulty: Distribution, risk: Distribution = defaultRisk, inputTokens: Distribution = defaultInputTokens,
                outputTokens: Distribution = defaultOutputTokens, trials: Int = defaultTrials,
                timeout: Double = defaultTimeout, retries: Int = defaultRetries) {
        self.name = name
        self.members = members
        self.roles = roles
        self.correlation = correlation
        self.taskCount = taskCount
        self.rate = rate
        self.difficulty = difficulty
        self.risk = risk
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.trials = trials
        self.timeout = timeout
        self.retries = retries
    }
}
