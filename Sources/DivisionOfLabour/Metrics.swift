import SimulationKernel
import Statistics
import Vocabulary

/// The division-of-labour family's metrics, in CSV column order.
///
/// A *task* is one job as the user submits it (a single step or a workflow of steps); it
/// succeeds when every step has a correct attempt, and fails when a step exhausts its
/// attempts.
public enum TeamMetrics {
    public static let descriptors: [MetricDescriptor] = [
        MetricDescriptor("success-rate", unit: "fraction", .higherIsBetter, key: true,
                         "tasks completed correctly / tasks arrived"),
        MetricDescriptor("tasks-completed", unit: "tasks", .higherIsBetter, "tasks whose every step succeeded"),
        MetricDescriptor("tasks-failed", unit: "tasks", .lowerIsBetter, "tasks abandoned after a step used all its attempts"),
        MetricDescriptor("makespan", unit: "time", .lowerIsBetter, key: true,
                         "time when the last task ended (the stop time if work remained)"),
        MetricDescriptor("mean-sojourn", unit: "time", .lowerIsBetter, key: true,
                         "mean time from arrival to completion of completed tasks"),
        MetricDescriptor("p95-sojourn", unit: "time", .lowerIsBetter, "95th percentile of sojourn times (type 7)"),
        MetricDescriptor("mean-queue-wait", unit: "time", .lowerIsBetter,
                         "mean time from a step becoming ready to an attempt starting, over attempts"),
        MetricDescriptor("total-cost", unit: "cost", .lowerIsBetter, "Σ cost rate × busy time, workers and reviewers"),
        MetricDescriptor("cost-per-success", unit: "cost/task", .lowerIsBetter, key: true,
                         "total cost / tasks completed (empty when none completed)"),
        MetricDescriptor("utilisation", unit: "fraction", .neutral,
                         "workers' busy time / (workers × makespan); descriptive: slow work raises it too"),
        MetricDescriptor("load-balance", unit: "index", .higherIsBetter, key: true,
                         "Jain's index over workers' busy time (1 = perfectly even)"),
        MetricDescriptor("messages", unit: "messages", .lowerIsBetter,
                         "coordination messages: assignments, announcements, bids, awards"),
        MetricDescriptor("wasted-work", unit: "time", .lowerIsBetter,
                         "busy time on failed attempts and on abandoned tasks"),
    ]
}

extension TeamModel {
    /// Scores the run once it has stopped at `end`, in `TeamMetrics.descriptors` order.
    func metrics(stoppedAt end: Double, reason: StopReason) -> [Double] {
        var busy = agents.map(\.busyTime)
        // Attempts and reviews still in progress count up to the stop time.
        for a in agents.indices where !agents[a].isIdle { busy[a] += end - agents[a].attemptStart }
        let workerBusy = workers.map { busy[Int($0)] }
        let totalCost = agents.indices.reduce(0.0) { $0 + busy[$1] * agents[$1].profile.costRate }
        let allEnded = arrived == workload.jobCount && completed + failedJobs == arrived
        let makespan = allEnded ? lastJobEnd : end
        let workerTime = Double(workers.count) * makespan
        return [
            arrived > 0 ? Double(completed) / Double(arrived) : .nan,
            Double(completed),
            Double(failedJobs),
            makespan,
            Sample.mean(sojourns),
            Sample.quantile(sojourns, 0.95),
            waitCount > 0 ? waitSum / Double(waitCount) : .nan,
            totalCost,
            completed > 0 ? totalCost / Double(completed) : .nan,
            workerTime > 0 ? workerBusy.reduce(0, +) / workerTime : .nan,
            Sample.jainIndex(workerBusy),
            Double(messages),
            wastedWork,
        ]
    }
}
