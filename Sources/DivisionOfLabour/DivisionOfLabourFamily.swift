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
    public static func run(
        _ scenario: DivisionOfLabourScenario, strategy: Strategy, workload: Workload, strategyStream: RandomStream,
        deadline: WallClockDeadline = .none
    ) -> Outcome {
        if case .custom(let custom) = strategy {
            // Opens the rule's existential once: the run is generic over its concrete type.
            return run(scenario, strategy: strategy, rule: custom.rule, workload: workload,
                       strategyStream: strategyStream, deadline: deadline)
        }
        return run(scenario, strategy: strategy, rule: NoRule(), workload: workload, strategyStream: strategyStream,
                   deadline: deadline)
    }

    /// Runs with `rule` as the model's concrete rule (`NoRule` for the built-in strategies).
    static func run<Rule: AssignmentRule>(
        _ scenario: DivisionOfLabourScenario, strategy: Strategy, rule: Rule, workload: Workload,
        strategyStream: RandomStream, deadline: WallClockDeadline
    ) -> Outcome {
        var model = TeamModel(scenario: scenario, strategy: strategy, rule: rule, workload: workload,
                              strategyStream: strategyStream)
        var sim = Simulation<TeamEvent>(reservingCapacity: scenario.agents.count * 4 + 16)
        if workload.jobCount > 0 { sim.schedule(.arrival(0), at: workload.arrival[0]) }
        let reason = sim.run(&model, until: scenario.horizon, eventBudget: scenario.eventBudget, deadline: deadline)
        let summary = model.summary(stoppedAt: sim.now)
        return Outcome(stopReason: reason, metrics: TeamMetrics.declarations.values(of: summary), summary: summary,
                       events: sim.eventsProcessed, endTime: sim.now)
    }
}
