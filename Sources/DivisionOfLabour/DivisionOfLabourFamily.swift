import SimulationKernel
import Vocabulary

/// The division-of-labour family: a team of agents with different skills, speeds, costs and
/// reliabilities works through arriving tasks; strategies decide who does what.
public enum DivisionOfLabourFamily {
    public static let name = "division-of-labour"
    public static let summary = "a team with different skills, speeds, costs and reliabilities works through arriving tasks"

    /// The outcome of one run.
    public struct Outcome: Sendable {
        public var stopReason: StopReason
        /// In `TeamMetrics.declarations` order.
        public var metrics: [Double]
        /// What the metrics were computed from.
        public var summary: TeamRunSummary
        public var events: Int
        public var endTime: Double
        /// Jobs not released when the run stopped, the slots its job and step pools grew to,
        /// and the ids its step id ring grew to (what tests check the memory bound with).
        var keptJobs = 0
        var jobCapacity = 0
        var stepCapacity = 0
        var stepIdCapacity = 0
    }

    /// Runs `scenario` under `strategy`. `workload` draws the jobs (strategy-independent), one
    /// at a time as they arrive; `strategyStreams` feeds the strategy's own randomness (a
    /// custom rule's `team.random`).
    public static func run(
        _ scenario: DivisionOfLabourScenario, strategy: Strategy,
        workload workloadStreams: RandomStreams, strategy strategyStreams: RandomStreams,
        deadline: WallClockDeadline = .none
    ) -> Outcome {
        let team = TeamState(scenario: scenario, streams: workloadStreams, random: strategyStreams.stream("strategy"))
        return run(consume team, strategy: strategy, deadline: deadline)
    }

    /// Runs the workload `workload` was drawn from: its streams are drawn again, lazily, so
    /// the run faces exactly `workload`'s jobs (lets tests and callers reuse one workload
    /// across strategies, and look at it).
    public static func run(
        _ scenario: DivisionOfLabourScenario, strategy: Strategy, workload: Workload, strategyStream: RandomStream,
        deadline: WallClockDeadline = .none
    ) -> Outcome {
        run(TeamState(scenario: scenario, workload: workload, random: strategyStream), strategy: strategy,
            deadline: deadline)
    }

    /// The strategy is mapped here, once, to the concrete policy that runs it (a user's rule
    /// inside `RulePolicy`, its existential opened once), and the event loop is specialised
    /// for that policy.
    static func run(_ team: consuming TeamState, strategy: Strategy, deadline: WallClockDeadline) -> Outcome {
        // Each policy reads the team it starts from; the team then moves into the run.
        switch strategy {
        case .random:
            return run(consume team, RandomPolicy(), deadline: deadline)
        case .roundRobin:
            return run(consume team, RoundRobinPolicy(), deadline: deadline)
        case .leastLoaded:
            let policy = LeastLoadedPolicy(copy team)
            return run(consume team, policy, deadline: deadline)
        case .skillRouting(let minSuccess):
            let policy = SkillRoutingPolicy(minSuccess: minSuccess, copy team)
            return run(consume team, policy, deadline: deadline)
        case .contractNet(let delay, let award):
            let policy = ContractNetPolicy(messageDelay: delay, award: award, copy team)
            return run(consume team, policy, deadline: deadline)
        case .responseThreshold(let theta0, let learning, let forgetting, let poll, let lo, let hi):
            let policy = ResponseThresholdPolicy(
                initialThreshold: theta0, learning: learning, forgetting: forgetting, pollInterval: poll,
                minThreshold: lo, maxThreshold: hi, copy team)
            return run(consume team, policy, deadline: deadline)
        case .custom(let custom):
            return run(consume team, rule: custom.rule, name: custom.name, deadline: deadline)
        }
    }

    /// Runs a user's rule: `rule`'s existential is opened here, once.
    static func run<Rule: AssignmentRule>(_ team: consuming TeamState, rule: Rule, name: String,
                                          deadline: WallClockDeadline) -> Outcome {
        let policy = RulePolicy(rule: rule, name: name, copy team)
        return run(consume team, policy, deadline: deadline)
    }

    /// Runs `team` under `policy`: the event loop specialised for `Policy`.
    static func run<Policy: TeamPolicy>(_ team: consuming TeamState, _ policy: consuming Policy,
                                        deadline: WallClockDeadline) -> Outcome {
        let scenario = team.scenario
        var sim = Simulation<TeamEvent>(reservingCapacity: scenario.agents.count * 4 + 16)
        // The first job was drawn with the team (none when the workload is empty).
        if team.workload.jobCount > 0 { sim.schedule(.arrival(0), at: team.workload.arrival[0]) }
        var model = TeamModel(team: consume team, policy: consume policy)
        let reason = sim.run(&model, until: scenario.horizon, eventBudget: scenario.eventBudget, deadline: deadline)
        let summary = model.team.summary(stoppedAt: sim.now)
        var outcome = Outcome(stopReason: reason, metrics: [], summary: summary, events: sim.eventsProcessed,
                              endTime: sim.now, keptJobs: model.team.workload.jobSlots.inUse,
                              jobCapacity: model.team.workload.jobSlots.capacity,
                              stepCapacity: model.team.workload.stepSlots.capacity,
                              stepIdCapacity: model.team.workload.stepSlot.capacity)
        // The run's storage goes before the metrics: the 95th percentile copies the sojourns.
        _ = consume model
        _ = consume sim
        outcome.metrics = TeamMetrics.declarations.values(of: summary)
        return outcome
    }
}
