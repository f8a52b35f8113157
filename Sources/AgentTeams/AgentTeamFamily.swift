import SimulationKernel
import Statistics
import Vocabulary

/// The agent-team family: teams of LLM-like agents (and humans) under orchestration patterns,
/// scored on outcome, cost and latency.
public enum AgentTeamFamily {
    public static let name = "agent-team"
    public static let summary = "LLM-like agents and humans solve tasks under orchestration patterns: quality, cost, latency"

    /// The metrics a cost–quality frontier is drawn from: (quality ↑, cost ↓).
    public static let frontier: (quality: String, cost: String)? = (quality: "success-rate", cost: "cost-per-task")

    public static let metrics: [MetricDeclaration<AgentTeamOutcome>] = [
        MetricDeclaration("success-rate", unit: "fraction", .higherIsBetter, key: true, "task instances answered correctly") {
            r in r.successes / r.instances
        },
        MetricDeclaration("cost-per-task", unit: "money", .lowerIsBetter, key: true, "total cost / task instances") { r in
            r.cost / r.instances
        },
        MetricDeclaration("cost-per-correct", unit: "money", .lowerIsBetter, key: true, "total cost / correct answers") { r in
            r.successes > 0 ? r.cost / r.successes : .nan
        },
        MetricDeclaration("tokens-per-task", unit: "tokens", .lowerIsBetter, "model tokens (input + output) / task instances") {
            r in r.tokens / r.instances
        },
        MetricDeclaration("mean-latency", unit: "time", .lowerIsBetter, key: true, "mean time from arrival to final answer") {
            r in Sample.mean(r.latencies)
        },
        MetricDeclaration("p95-latency", unit: "time", .lowerIsBetter, "95th percentile of that time (type 7)") { r in
            Sample.quantile(r.latencies, 0.95)
        },
        MetricDeclaration("critical-path", unit: "time", .lowerIsBetter,
                          "mean time to the final answer had no call waited for a busy member: per stage of the "
                          + "task's path, the calls it waited for (retries included); mean-latency minus this is queueing") {
            r in Sample.mean(r.criticalPaths)
        },
        MetricDeclaration("makespan", unit: "time", .lowerIsBetter, "time of the last final answer") { r in r.lastAnswer },
        MetricDeclaration("calls-per-task", unit: "calls", .lowerIsBetter, "calls (including retries) / task instances") { r in
            Double(r.calls) / r.instances
        },
        MetricDeclaration("escalations", unit: "per task", .lowerIsBetter,
                          "escalations to a stronger tier or a human, and work sent back, per task instance") { r in
            Double(r.escalations) / r.instances
        },
        MetricDeclaration("bound-hits", unit: "per task", .lowerIsBetter,
                          "times a loop's bound stopped a task that would have gone round again (runaway), per task instance") {
            r in Double(r.boundHits) / r.instances
        },
        MetricDeclaration("timeouts", unit: "per task", .lowerIsBetter, "calls that timed out, per task instance") { r in
            Double(r.timeouts) / r.instances
        },
        MetricDeclaration("retries", unit: "per task", .lowerIsBetter,
                          "failed calls repeated or passed to the fallback, per task instance") { r in
            Double(r.retries) / r.instances
        },
        MetricDeclaration("pass-k", unit: "fraction", .higherIsBetter, key: true,
                          "tasks whose every one of the k trials succeeded (pass^k; k = trials)") { r in
            Double(r.passed) / Double(r.tasks)
        },
    ]

    /// Runs `scenario` under `pattern`: its metrics, and its graph's per-node and per-edge
    /// figures (`details`). Tasks and every call outcome come from `workload`
    /// (strategy-independent); the patterns draw nothing of their own.
    public static func run(_ scenario: AgentTeamScenario, pattern: Pattern, workload: RandomStreams,
                           horizon: Double = .infinity, deadline: WallClockDeadline = .none)
        -> (metrics: [Double], stop: StopReason, events: Int, details: [[DetailRow]]) {
        let graph = Orchestration.of(pattern, in: scenario)
        var engine = TeamEngine(scenario: scenario, graph: graph, workload: workload)
        var sim = Simulation<CallEvent>(reservingCapacity: 64)
        if let first = engine.firstArrival { sim.schedule(.arrival(0), at: first) }
        let stop = sim.run(&engine, until: min(horizon, scenario.horizon), eventBudget: scenario.eventBudget,
                           deadline: deadline)
        let totals = engine.finish()
        return (score(engine, totals), stop, sim.eventsProcessed, detailRows(engine, totals, graph: graph))
    }

    /// The metrics of a finished run whose totals are `totals` (`TeamEngine.finish()`).
    static func score(_ engine: TeamEngine, _ totals: RunTotals) -> [Double] {
        metrics.values(of: AgentTeamOutcome(engine, totals))
    }
}

/// What the agent-team metrics are computed from: totals over a run's task instances (each
/// task is tried `trials` times; an instance is one trial).
public struct AgentTeamOutcome: Sendable {
    /// Task instances, as a divisor.
    public let instances: Double
    /// Distinct tasks (instances / trials).
    public let tasks: Int
    public let successes: Double
    public let cost: Double
    public let tokens: Double
    /// Arrival to final answer, of the instances answered.
    public let latencies: [Double]
    /// The critical-path time of the instances answered (`TeamEngine.TaskState.criticalPath`).
    public let criticalPaths: [Double]
    /// Times a loop's bound stopped a task.
    public let boundHits: Int
    /// The time of the last final answer; NaN when none was given.
    public let lastAnswer: Double
    public let calls: Int
    public let escalations: Int
    public let timeouts: Int
    public let retries: Int
    /// Tasks whose every trial succeeded.
    public let passed: Int

    /// The outcome of a run from its totals (`TeamEngine.finish()`): every instance counts,
    /// those that never arrived or never got an answer included.
    init(_ engine: TeamEngine, _ totals: RunTotals) {
        instances = Double(engine.instanceCount)
        successes = Double(totals.successes)
        cost = totals.cost
        tokens = totals.tokens
        latencies = totals.latencies
        criticalPaths = totals.criticalPaths
        boundHits = engine.edgeBoundHits.reduce(0, +)
        lastAnswer = totals.lastAnswer ?? .nan
        calls = totals.calls
        escalations = totals.escalations
        timeouts = totals.timeouts
        retries = totals.retries
        tasks = engine.instanceCount / engine.scenario.trials
        passed = totals.passed
    }
}
