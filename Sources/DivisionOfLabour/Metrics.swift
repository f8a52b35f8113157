import SimulationKernel
import Statistics
import Vocabulary

/// The division-of-labour family's metrics, in CSV column order.
///
/// A *task* is one job as the user submits it (a single step or a workflow of steps); it
/// succeeds when every step has a correct attempt, and fails when a step exhausts its
/// attempts.
public enum TeamMetrics {
    public static let declarations: [MetricDeclaration<TeamRunSummary>] = [
        MetricDeclaration("success-rate", unit: "fraction", .higherIsBetter, key: true,
                          "tasks completed correctly / tasks arrived") { r in
            r.arrived > 0 ? Double(r.completed) / Double(r.arrived) : .nan
        },
        MetricDeclaration("tasks-completed", unit: "tasks", .higherIsBetter, "tasks whose every step succeeded") { r in
            Double(r.completed)
        },
        MetricDeclaration("tasks-failed", unit: "tasks", .lowerIsBetter, "tasks abandoned after a step used all its attempts") {
            r in Double(r.failed)
        },
        MetricDeclaration("makespan", unit: "time", .lowerIsBetter, key: true,
                          "time when the last task ended (the stop time if work remained)") { r in r.makespan },
        MetricDeclaration("mean-sojourn", unit: "time", .lowerIsBetter, key: true,
                          "mean time from arrival to completion of completed tasks") { r in Sample.mean(r.sojourns) },
        MetricDeclaration("p95-sojourn", unit: "time", .lowerIsBetter, "95th percentile of sojourn times (type 7)") { r in
            Sample.quantile(r.sojourns, 0.95)
        },
        MetricDeclaration("mean-queue-wait", unit: "time", .lowerIsBetter,
                          "mean time from a step becoming ready to an attempt starting, over attempts") { r in
            r.waitCount > 0 ? r.waitSum / Double(r.waitCount) : .nan
        },
        MetricDeclaration("total-cost", unit: "cost", .lowerIsBetter, "Σ cost rate × busy time, workers and reviewers") { r in
            r.totalCost
        },
        MetricDeclaration("cost-per-success", unit: "cost/task", .lowerIsBetter, key: true,
                          "total cost / tasks completed (empty when none completed)") { r in
            r.completed > 0 ? r.totalCost / Double(r.completed) : .nan
        },
        MetricDeclaration("utilisation", unit: "fraction", .neutral,
                          "workers' busy time / (workers × makespan); descriptive: slow work raises it too") { r in
            r.workerTime > 0 ? r.workerBusy.reduce(0, +) / r.workerTime : .nan
        },
        MetricDeclaration("load-balance", unit: "index", .higherIsBetter, key: true,
                          "Jain's index over workers' busy time (1 = perfectly even)") { r in Sample.jainIndex(r.workerBusy) },
        MetricDeclaration("messages", unit: "messages", .lowerIsBetter,
                          "coordination messages: assignments, announcements, bids, awards") { r in Double(r.messages) },
        MetricDeclaration("wasted-work", unit: "time", .lowerIsBetter,
                          "busy time on failed attempts and on abandoned tasks") { r in r.wastedWork },
    ]

    /// The metrics' descriptors, in CSV column order.
    public static var descriptors: [MetricDescriptor] { declarations.descriptors() }
}

/// What the division-of-labour metrics are computed from: a finished run's counts and times.
public struct TeamRunSummary: Sendable {
    public var arrived: Int
    public var completed: Int
    public var failed: Int
    /// The end of the last task, or the stop time if work remained.
    public var makespan: Double
    /// Arrival to completion, of completed tasks, in completion order: the one record a run
    /// keeps per task (8 bytes), for the exact mean and 95th percentile (`Sample.quantile`
    /// selects its two order statistics in a copy instead of sorting).
    public var sojourns: [Double]
    public var waitSum: Double
    public var waitCount: Int
    /// Σ cost rate × busy time, workers and reviewers (attempts in progress up to the stop).
    public var totalCost: Double
    /// Each worker's busy time.
    public var workerBusy: [Double]
    /// Workers × makespan.
    public var workerTime: Double
    public var messages: Int
    public var wastedWork: Double
}

extension TeamState {
    /// The run's summary once it has stopped at `end`.
    func summary(stoppedAt end: Double) -> TeamRunSummary {
        var busy = agents.map(\.busyTime)
        // Attempts and reviews still in progress count up to the stop time.
        for a in agents.indices where !agents[a].isIdle { busy[a] += end - agents[a].attemptStart }
        let workerBusy = workers.map { busy[Int($0)] }
        let totalCost = agents.indices.reduce(0.0) { $0 + busy[$1] * agents[$1].profile.costRate }
        let allEnded = arrived == workload.jobCount && completed + failedJobs == arrived
        let makespan = allEnded ? lastJobEnd : end
        return TeamRunSummary(
            arrived: arrived, completed: completed, failed: failedJobs, makespan: makespan, sojourns: sojourns,
            waitSum: waitSum, waitCount: waitCount, totalCost: totalCost, workerBusy: workerBusy,
            workerTime: Double(workers.count) * makespan, messages: messages, wastedWork: wastedWork)
    }
}
