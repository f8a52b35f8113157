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
    }

    /// Runs `scenario` under `strategy`. `workload` draws the jobs (strategy-independent);
    /// `strategyStreams` feeds the strategy's own randomness (a custom rule's `team.random`).
    public static func run(
        _ scenario: DivisionOfLabourScenario, strategy: Strategy,
        workload workloadStreams: RandomStreams, strategy strategyStreams: RandomStreams,
        deadline: WallClockDeadline = .none
    ) -> Outcome {
        let workload = Workload(scenario: scenario, streams: workloadStreams)
        return run(scenario, strategy: strategy, workload: workload, strategyStream: strategyStreams.stream("strategy"),
                   deadline: deadline)
    }

    /// Runs a pre-drawn workload (lets tests and callers reuse one workload across strategies).
    ///
    /// The strategy is mapped here, once, to the concrete policy that runs it (a user's rule
    /// inside `RulePolicy`, its existential opened once), and the event loop is specialised
    /// for that policy.
    public static func run(
        _ scenario: DivisionOfLabourScenario, strategy: Strategy, workload: Workload, strategyStream: RandomStream,
        deadline: WallClockDeadline = .none
    ) -> Outcome {
        // Each policy reads the team it starts from; the team then moves into the run.
        let team = TeamState(scenario: scenario, workload: workload, random: strategyStream)
        switch strategy {
        case .random:
            return run(consume team, RandomPolicy(), deadline: deadline)
        case .roundRobin:
            return run(consume team, RoundRobinPolicy(), deadline: deadline)
        case .leastLoaded:
            let policy = LeastLoadedPolicy(team)
            return run(consume team, policy, deadline: deadline)
        case .skillRouting(let minSuccess):
            let policy = SkillRoutingPolicy(minSuccess: minSuccess, team)
            return run(consume team, policy, deadline: deadline)
        case .contractNet(let delay, let award):
            let policy = ContractNetPolicy(messageDelay: delay, award: award, team)
            return run(consume team, policy, deadline: deadline)
        case .responseThreshold(let theta0, let learning, let forgetting, let poll, let lo, let hi):
            let policy = ResponseThresholdPolicy(
                initialThreshold: theta0, learning: learning, forgetting: forgetting, pollInterval: poll,
                minThreshold: lo, maxThreshold: hi, team)
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
        let workload = team.workload
        var model = TeamModel(team: consume team, policy: consume policy)
        var sim = Simulation<TeamEvent>(reservingCapacity: scenario.agents.count * 4 + 16)
        if workload.jobCount > 0 { sim.schedule(.arrival(0), at: workload.arrival[0]) }
        let reason = sim.run(&model, until: scenario.horizon, eventBudget: scenario.eventBudget, deadline: deadline)
        let summary = model.team.summary(stoppedAt: sim.now)
        return Outcome(stopReason: reason, metrics: TeamMetrics.declarations.values(of: summary), summary: summary,
                       events: sim.eventsProcessed, endTime: sim.now)
    }
}
