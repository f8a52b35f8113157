import Foundation
import SimulationKernel

/// What an agent does in a division-of-labour team.
public enum Role: String, Sendable, CaseIterable {
    /// Performs task steps.
    case worker
    /// Checks finished attempts when failures are detected by review; never performs steps.
    case reviewer
}

/// One agent of the team (a group of `count: 3` in a scenario file becomes three of these).
public struct AgentProfile: Sendable, Equatable {
    /// Unique within the team, e.g. `senior-2`.
    public var name: String
    public var role: Role
    /// Work units per time unit at skill level 1.
    public var speed: Double
    /// Cost per time unit of busy time (money, tokens… the scenario's own unit).
    public var costRate: Double
    /// Probability that an attempt at a step within the agent's skill is correct.
    public var reliability: Double
    /// Skill level per task type, 0…1, indexed like `DivisionOfLabourScenario.taskTypes`;
    /// 0 means the agent cannot perform that type.
    public var skills: [Double]

    /// Defaults of fields a scenario may leave out.
    public static let defaultSpeed = 1.0
    public static let defaultCostRate = 1.0
    public static let defaultReliability = 1.0

    public init(name: String, role: Role, speed: Double = defaultSpeed, costRate: Double = defaultCostRate,
                reliability: Double = defaultReliability, skills: [Double]) {
        self.name = name
        self.role = role
        self.speed = speed
        self.costRate = costRate
        self.reliability = reliability
        self.skills = skills
    }
}

/// One step of a workflow: a task type and the steps (by index) that must succeed first.
public struct WorkflowStep: Sendable, Equatable {
    public var type: Int
    public var predecessors: [Int]

    public init(type: Int, predecessors: [Int] = []) {
        self.type = type
        self.predecessors = predecessors
    }
}

/// A kind of job: a small DAG of steps (one step, a pipeline, a fork-join…), drawn with
/// probability proportional to `weight`.
public struct Workflow: Sendable, Equatable {
    public var name: String
    public var weight: Double
    /// Topologically ordered: every predecessor index is smaller than the step's own.
    public var steps: [WorkflowStep]

    public init(name: String, weight: Double, steps: [WorkflowStep]) {
        self.name = name
        self.weight = weight
        self.steps = steps
    }
}

/// How jobs arrive.
public enum ArrivalProcess: Sendable, Equatable {
    /// Poisson arrivals at `rate` per time unit, until `count` jobs have arrived or time
    /// passes `until`, whichever comes first (at least one of them is set).
    case poisson(rate: Double, count: Int?, until: Double?)
    /// `count` jobs, all present at time 0.
    case batch(count: Int)
}

/// How a failed attempt is noticed.
public enum FailureDetection: Sendable, Equatable {
    /// The outcome is known when the attempt ends, at no cost.
    case immediate
    /// A reviewer agent checks each attempt; the check takes a drawn time and costs the
    /// reviewer's rate. Reviews are served first-come-first-served by the free reviewer
    /// with the lowest index.
    case reviewer(time: Distribution)
}

/// A complete division-of-labour scenario: the team, the workload and the rules.
///
/// An attempt by agent a at a step of type t, size s and difficulty d takes
/// `s / (speed_a · skill_a[t])` time units and is correct with probability
/// `reliability_a · exp(−sensitivity · max(0, d − skill_a[t]))`.
public struct DivisionOfLabourScenario: Sendable, Equatable {
    /// Events after which a run stops when `event-budget` is not given.
    public static let defaultEventBudget = 50_000_000
    /// Attempts a step gets before its job fails, when a scenario does not say.
    public static let defaultMaxAttempts = 3
    /// How sharply success falls with difficulty beyond skill, when a scenario does not say.
    public static let defaultSkillSensitivity = 3.0

    public var name: String
    public var taskTypes: [String]
    public var agents: [AgentProfile]
    public var arrivals: ArrivalProcess
    public var workflows: [Workflow]
    public var size: Distribution
    public var difficulty: Distribution
    public var detection: FailureDetection
    /// Attempts per step before its job is abandoned (≥ 1).
    public var maxAttempts: Int
    /// How fast the success probability falls with difficulty above skill.
    public var skillSensitivity: Double
    /// Simulated time at which the run stops even if work remains.
    public var horizon: Double
    /// Events after which the run stops even if work remains.
    public var eventBudget: Int

    public init(
        name: String, taskTypes: [String], agents: [AgentProfile], arrivals: ArrivalProcess,
        workflows: [Workflow], size: Distribution, difficulty: Distribution = .constant(0),
        detection: FailureDetection = .immediate, maxAttempts: Int = defaultMaxAttempts,
        skillSensitivity: Double = defaultSkillSensitivity,
        horizon: Double = .infinity, eventBudget: Int = defaultEventBudget
    ) {
        self.name = name
        self.taskTypes = taskTypes
        self.agents = agents
        self.arrivals = arrivals
        self.workflows = workflows
        self.size = size
        self.difficulty = difficulty
        self.detection = detection
        self.maxAttempts = maxAttempts
        self.skillSensitivity = skillSensitivity
        self.horizon = horizon
        self.eventBudget = eventBudget
    }

    /// Whether no attempt can fail: the skill sensitivity is finite, difficulty is a constant
    /// (within 0…1 as drawn) no greater than any worker's skill for a type it can do, and every
    /// worker's reliability is 1 — so every success probability is exactly 1 (see
    /// `successProbability(reliability:skill:difficulty:sensitivity:)`), above every outcome
    /// uniform in [0, 1).
    var everyAttemptSucceeds: Bool {
        guard skillSensitivity.isFinite, case .constant(let value) = difficulty else { return false }
        let drawn = min(max(value, 0), 1)
        return agents.allSatisfy { agent in
            agent.role != .worker || (agent.reliability >= 1 && agent.skills.allSatisfy { $0 <= 0 || drawn <= $0 })
        }
    }

    /// Probability that `agent` performs a step of `type` and `difficulty` correctly.
    @inlinable
    public func successProbability(_ agent: AgentProfile, type: Int, difficulty: Double) -> Double {
        Self.successProbability(agent, type: type, difficulty: difficulty, sensitivity: skillSensitivity)
    }

    /// Time `agent` takes for a step of `type` and `size`.
    @inlinable
    public func duration(_ agent: AgentProfile, type: Int, size: Double) -> Double {
        Self.duration(agent, type: type, size: size)
    }

    /// `successProbability(_:type:difficulty:)` for a scenario of skill sensitivity
    /// `sensitivity` (shared with `TeamView`, so both compute the same value).
    @inlinable
    static func successProbability(_ agent: AgentProfile, type: Int, difficulty: Double, sensitivity: Double) -> Double {
        successProbability(reliability: agent.reliability, skill: agent.skills[type], difficulty: difficulty,
                           sensitivity: sensitivity)
    }

    /// The success probability of an agent of `reliability` and `skill` at a step of
    /// `difficulty`: what every form above computes, with the same operations.
    @inlinable
    static func successProbability(reliability: Double, skill: Double, difficulty: Double, sensitivity: Double)
        -> Double
    {
        guard skill > 0 else { return 0 }
        let excess = max(0, difficulty - skill)
        // Within the agent's skill, exp(−sensitivity · 0) is exactly 1 (sensitivity finite):
        // the same value without the call.
        guard excess != 0 || !sensitivity.isFinite else { return reliability }
        return reliability * exp(-sensitivity * excess)
    }

    /// `duration(_:type:size:)`, which depends on the agent only.
    @inlinable
    static func duration(_ agent: AgentProfile, type: Int, size: Double) -> Double {
        duration(speed: agent.speed, skill: agent.skills[type], size: size)
    }

    /// The time an agent of `speed` and `skill` takes for a step of `size`.
    @inlinable
    static func duration(speed: Double, skill: Double, size: Double) -> Double {
        size / (speed * skill)
    }
}
