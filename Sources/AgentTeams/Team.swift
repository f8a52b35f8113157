import Foundation
import SimulationKernel
import Vocabulary

/// A member of an AI agent team: a model (small, frontier, specialised…) or a human.
public struct TeamMember: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case model, human }

    public var name: String
    public var kind: Kind
    /// Model family: members of one family share mistakes (see `AgentTeamScenario.correlation`).
    public var family: String
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

    public init(name: String, kind: Kind = .model, family: String, ability: Double, slope: Double = 8,
                latency: Distribution, priceIn: Double = 0, priceOut: Double = 0, pricePerCall: Double = 0,
                contextLimit: Double = .infinity, errorRate: Double = 0, hangRate: Double = 0, malformedRate: Double = 0,
                concurrency: Int = 0, timeout: Double? = nil) {
        self.timeout = timeout
        self.name = name
        self.kind = kind
        self.family = family
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
    public var name: String
    public var members: [TeamMember]
    public var roles: Roles
    /// How often members of one model family share their mistake: for each call, with this
    /// probability the correctness draw is the family's shared draw for the task.
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
    public var eventBudget: Int = 100_000_000

    public init(name: String, members: [TeamMember], roles: Roles, correlation: Double, taskCount: Int, rate: Double,
                difficulty: Distribution, risk: Distribution = .constant(0), inputTokens: Distribution = .constant(1000),
                outputTokens: Distribution = .constant(300), trials: Int = 1, timeout: Double = 120, retries: Int = 1) {
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

/// An orchestration pattern: the strategies of the agent-team family.
public enum Pattern: Sendable, Equatable {
    /// Every task to one member: the primary, or tier `tier` of the router's tiers when ≥ 0.
    case single(tier: Int)
    /// Cheapest tier first; a verifier (accuracy, cost per check) accepts or rejects; rejected
    /// answers escalate to the next tier while the task's spending is under `budget`. Tasks
    /// whose estimated difficulty (true difficulty ± 0.1) exceeds `escalateAbove` skip the first tier.
    case router(verifierAccuracy: Double, verifierCost: Double, escalateAbove: Double, budget: Double)
    /// k panel members in parallel (cycling through the panel), merged by majority vote or by
    /// the judge (right when at least one answer is right and the judge's own call is).
    case scatterGather(k: Int, judge: Bool)
    /// The panel answers, then revises for `rounds` rounds, each revision right with
    /// probability (1 − influence)·p + influence·(share of the panel right before); majority vote.
    case debate(rounds: Int, influence: Double)
    /// The lead decomposes (wrong with probability `decompositionError`), workers solve
    /// `subtasks` parts at `subtaskDifficulty` × d in parallel, the lead integrates (at d/2).
    case hierarchical(subtasks: Int, decompositionError: Double, subtaskDifficulty: Double)
    /// Stages research → write → review; the reviewer sends the writing back (up to `sendBacks`
    /// times) when it judges it wrong: it catches a wrong result when its own call is right,
    /// and flags a right one when its call is wrong.
    case pipeline(sendBacks: Int)
    /// Tasks with risk above `riskAbove` go to the human; others to the assistant, whose answer
    /// goes to the human when its confidence is below `confidenceBelow`.
    case humanEscalation(riskAbove: Double, confidenceBelow: Double)

    /// The family's patterns, each declared once.
    public static let catalogue: [StrategyDeclaration<Pattern>] = [
        StrategyDeclaration("single", "every task to one member (roles.primary, or one of the tiers): the baseline", parameters: [
            ParameterDescriptor("tier", default: -1, range: -1...20, "index into roles.tiers (−1: roles.primary)"),
        ]) { p in .single(tier: Int(p["tier"])) },
        StrategyDeclaration("router", "cheap tier first, a verifier decides, escalate on rejection within a budget", parameters: [
            ParameterDescriptor("verifier-accuracy", default: 1, range: 0.5...1, "probability the verifier judges an answer right"),
            ParameterDescriptor("verifier-cost", default: 0, range: 0...1e6, "money per verification"),
            ParameterDescriptor("escalate-above", default: 1, range: 0...1, "estimated difficulty above which the first tier is skipped"),
            ParameterDescriptor("budget", default: 1e9, range: 0...1e12, "no escalation once a task has cost this much"),
        ]) { p in
            .router(verifierAccuracy: p["verifier-accuracy"], verifierCost: p["verifier-cost"],
                    escalateAbove: p["escalate-above"], budget: p["budget"])
        },
        StrategyDeclaration("scatter-gather", "k members in parallel, merged by majority vote or a judge", parameters: [
            ParameterDescriptor("k", default: 0, range: 0...101, "answers gathered (0: the panel's size)"),
            ParameterDescriptor("merge", choices: ["vote", "judge"], default: "vote", "how answers are merged"),
        ]) { p in .scatterGather(k: Int(p["k"]), judge: p.choice("merge") == 1) },
        StrategyDeclaration("debate", "the panel answers, sees each other's answers, revises, then votes", parameters: [
            ParameterDescriptor("rounds", default: 2, range: 0...20, "revision rounds"),
            ParameterDescriptor("influence", default: 0.5, range: 0...1, "weight of the others' answers in a revision"),
        ]) { p in .debate(rounds: Int(p["rounds"]), influence: p["influence"]) },
        StrategyDeclaration("hierarchical", "a lead decomposes, workers solve parts in parallel, the lead integrates", parameters: [
            ParameterDescriptor("subtasks", default: 3, range: 1...50, "parts per task"),
            ParameterDescriptor("decomposition-error", default: 0.05, range: 0...1, "probability a decomposition is wrong"),
            ParameterDescriptor("subtask-difficulty", default: 0.6, range: 0...1, "a part's difficulty as a share of the task's"),
        ]) { p in
            .hierarchical(subtasks: Int(p["subtasks"]), decompositionError: p["decomposition-error"],
                          subtaskDifficulty: p["subtask-difficulty"])
        },
        StrategyDeclaration("pipeline", "research → write → review; the reviewer can send work back", parameters: [
            ParameterDescriptor("send-backs", default: 2, range: 0...20, "most times the reviewer sends work back"),
        ]) { p in .pipeline(sendBacks: Int(p["send-backs"])) },
        StrategyDeclaration("human-escalation", "risky tasks and unconfident answers go to a human", parameters: [
            ParameterDescriptor("risk-above", default: 0.8, range: 0...1, "tasks riskier than this go straight to the human"),
            ParameterDescriptor("confidence-below", default: 0.6, range: 0...1, "answers less confident than this are escalated"),
        ]) { p in .humanEscalation(riskAbove: p["risk-above"], confidenceBelow: p["confidence-below"]) },
    ]
}
