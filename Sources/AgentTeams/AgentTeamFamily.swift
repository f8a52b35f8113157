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

    public static let metrics: [MetricDescriptor] = [
        MetricDescriptor("success-rate", unit: "fraction", .higherIsBetter, key: true, "task instances answered correctly"),
        MetricDescriptor("cost-per-task", unit: "money", .lowerIsBetter, key: true, "total cost / task instances"),
        MetricDescriptor("cost-per-correct", unit: "money", .lowerIsBetter, key: true, "total cost / correct answers"),
        MetricDescriptor("tokens-per-task", unit: "tokens", .lowerIsBetter, "model tokens (input + output) / task instances"),
        MetricDescriptor("mean-latency", unit: "time", .lowerIsBetter, key: true, "mean time from arrival to final answer"),
        MetricDescriptor("p95-latency", unit: "time", .lowerIsBetter, "95th percentile of that time (type 7)"),
        MetricDescriptor("makespan", unit: "time", .lowerIsBetter, "time of the last final answer"),
        MetricDescriptor("calls-per-task", unit: "calls", .lowerIsBetter, "calls (including retries) / task instances"),
        MetricDescriptor("escalations", unit: "per task", .lowerIsBetter,
                         "escalations to a stronger tier or a human, and work sent back, per task instance"),
        MetricDescriptor("timeouts", unit: "per task", .lowerIsBetter, "calls that timed out, per task instance"),
        MetricDescriptor("retries", unit: "per task", .lowerIsBetter, "failed calls repeated or passed to the fallback, per task instance"),
        MetricDescriptor("pass-k", unit: "fraction", .higherIsBetter, key: true,
                         "tasks whose every one of the k trials succeeded (pass^k; k = trials)"),
    ]

    /// Runs `scenario` under `pattern`. Tasks and every call outcome come from `workload`
    /// (strategy-independent); the patterns draw nothing of their own.
    public static func run(_ scenario: AgentTeamScenario, pattern: Pattern, workload: RandomStreams,
                           horizon: Double = .infinity, deadline: WallClockDeadline = .none)
        -> (metrics: [Double], stop: StopReason, events: Int) {
        var engine = TeamEngine(scenario: scenario, pattern: pattern, workload: workload)
        var sim = Simulation<CallEvent>(reservingCapacity: 64)
        if !engine.arrival.isEmpty { sim.schedule(.arrival(0), at: engine.arrival[0]) }
        let stop = sim.run(&engine, until: min(horizon, scenario.horizon), eventBudget: scenario.eventBudget,
                           deadline: deadline)
        return (score(engine), stop, sim.eventsProcessed)
    }

    static func score(_ engine: TeamEngine) -> [Double] {
        let tasks = engine.tasks
        let n = Double(tasks.count)
        guard n > 0 else { return Array(repeating: .nan, count: metrics.count) }
        let successes = Double(tasks.filter(\.success).count)
        let cost = tasks.reduce(0) { $0 + $1.cost }
        let latencies = tasks.filter(\.done).map { $0.finish - $0.arrival }
        let k = engine.scenario.trials
        var passed = 0
        for base in stride(from: 0, to: tasks.count, by: k) where tasks[base..<(base + k)].allSatisfy(\.success) {
            passed += 1
        }
        return [
            successes / n,
            cost / n,
            successes > 0 ? cost / successes : .nan,
            tasks.reduce(0) { $0 + $1.tokens } / n,
            Sample.mean(latencies),
            Sample.quantile(latencies, 0.95),
            tasks.filter(\.done).map(\.finish).max() ?? .nan,
            Double(tasks.reduce(0) { $0 + Int($1.calls) }) / n,
            Double(tasks.reduce(0) { $0 + Int($1.escalations) }) / n,
            Double(tasks.reduce(0) { $0 + Int($1.timeouts) }) / n,
            Double(tasks.reduce(0) { $0 + Int($1.retries) }) / n,
            Double(passed) / Double(tasks.count / k),
        ]
    }
}
