import Dispatch
import Foundation
import SimulationKernel
import Synchronization

/// Executes a run plan on `jobs` worker threads.
///
/// Runs are independent values: each is a pure function of its spec, so the set of records
/// — returned in plan order — is the same for any number of jobs. Finished runs are handed
/// to `journal` as they finish, so an interrupted suite can resume without redoing them.
public struct Runner: Sendable {
    public var jobs: Int
    /// Wall-clock seconds after which a run stops (stop reason `wall-clock`); nil: none.
    public var runTimeout: Double?

    public init(jobs: Int, runTimeout: Double? = nil) {
        self.jobs = max(1, jobs)
        self.runTimeout = runTimeout
    }

    /// Runs every spec in `plan` not already in `done` (records by plan index). `progress`
    /// is called after each finished run with (finished, total), from a worker thread.
    public func run(
        _ plan: RunPlan, done: [Int: RunOutcome] = [:], journal: Journal? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> [RunRecord] {
        let pending = plan.runs.filter { done[$0.index] == nil }
        let total = plan.runs.count
        struct Shared: ~Copyable {
            var next = 0
            var finished = 0
            var outcomes: [Int: RunOutcome] = [:]
            var failure: (any Error)?
        }
        let shared = Mutex(Shared(finished: done.count, outcomes: done))
        let workers = min(jobs, max(pending.count, 1))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index: Int? = shared.withLock { state in
                    guard state.failure == nil, state.next < pending.count else { return nil }
                    defer { state.next += 1 }
                    return state.next
                }
                guard let index else { return }
                let spec = pending[index]
                let outcome = spec.scenario.model.run(
                    spec.strategy, workloadIdentity: spec.workloadIdentity, identity: spec.identity,
                    deadline: runTimeout.map { WallClockDeadline.after(seconds: $0) } ?? .none)
                let count: Int = shared.withLock { state in
                    do {
                        try journal?.append(spec, outcome)
                    } catch {
                        state.failure = error
                    }
                    state.outcomes[spec.index] = outcome
                    state.finished += 1
                    return state.finished
                }
                progress?(count, total)
            }
        }
        return try shared.withLock { state in
            if let failure = state.failure { throw failure }
            return plan.runs.map { RunRecord(spec: $0, outcome: state.outcomes[$0.index]!) }
        }
    }
}
