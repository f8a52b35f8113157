import Dispatch
import Foundation
import SimulationKernel
import Synchronization

/// Executes a run plan on `jobs` worker threads and hands the finished runs to the calling
/// thread one at a time, in plan order.
///
/// Runs are independent values: each is a pure function of its spec, so what the caller
/// receives — in plan order — is the same for any number of jobs. Workers finish runs out of
/// order; each finished run waits in a reorder window until every run before it has been
/// handed over.
///
/// **Memory bound.** A worker must take one of `window` slots before it starts a run, and a
/// slot is given back only when the caller has consumed that run; so at most `window` runs are
/// started and not yet consumed, and every one of them lies in the `window` plan positions
/// from the next one to consume. Whatever a run leaves behind (its `prepare`d piece) is held
/// at most that long: a suite of any size runs in the memory of `window` pieces plus what the
/// caller keeps.
///
/// **Ordering.** `consume` is called exactly once per run of the plan, on the calling thread,
/// in plan order; `prepare` runs on the worker that ran the run, so per-run work that needs no
/// order (formatting the run's rows) happens in parallel. A run found in `done` (a journal
/// being resumed) is read back instead of run. Newly finished runs are appended to `journal`
/// by their worker as they finish (in finishing order), so an interrupted suite loses at most
/// the runs in progress.
public struct Runner: Sendable {
    public var jobs: Int
    /// Wall-clock seconds after which a run stops (stop reason `wall-clock`); nil: none.
    public var runTimeout: Double?
    /// Runs that may be started ahead of the next one to consume (see the memory bound).
    public var window: Int

    /// Slots per job: enough that a slow run does not stall the other workers in the default
    /// suite (they run ahead by up to this many runs each), small enough to be nothing in memory.
    public static let slotsPerJob = 16

    public init(jobs: Int, runTimeout: Double? = nil, window: Int? = nil) {
        self.jobs = max(1, jobs)
        self.runTimeout = runTimeout
        self.window = max(1, window ?? Runner.slotsPerJob * max(1, jobs))
    }

    /// What a streamed plan did, for tests and measurements.
    public struct Statistics: Sendable {
        /// The reorder window's size.
        public let window: Int
        /// The most finished runs waiting at once to be consumed; never more than `window`.
        public let mostHeld: Int
        /// How many times a worker waited for a slot (another run was holding the line).
        public let stalls: Int

        @usableFromInline
        init(window: Int, mostHeld: Int, stalls: Int) {
            self.window = window
            self.mostHeld = mostHeld
            self.stalls = stalls
        }
    }

    /// Runs every spec of `plan` (reading those in `done` back from their journal instead),
    /// calls `prepare` on the worker that finished each, and `consume` with the result on the
    /// calling thread in plan order. `progress` is called after each finished run with
    /// (finished, total), from a worker thread. An error thrown by `consume`, or a journal
    /// that cannot be written, stops the workers (runs in progress finish) and is rethrown.
    ///
    /// Inlinable, so that it is specialised for each caller's `Piece`: generic, every piece
    /// moved through the ring cost the consuming thread some 5,000 instructions of metadata
    /// look-ups and copies through value witnesses (a quarter of its work in the default suite).
    @inlinable
    public func stream<Piece: Sendable>(
        _ plan: RunPlan, done: JournaledRuns = .none, journal: Journal? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil,
        prepare: @escaping @Sendable (RunSpec, RunOutcome) -> Piece,
        consume: (Int, Piece) throws -> Void
    ) throws -> Statistics {
        let total = plan.runs.count
        let window = self.window
        // The calling thread sleeps until the run `batch - 1` places ahead of the one it needs
        // is ready (or, failing that, the one it needs), then takes every ready run in order:
        // one wake-up per few runs, not one per run.
        let batch = max(1, min(window / 2, Runner.slotsPerJob / 2))
        let shared = Mutex(StreamState<Piece>(ring: Array(repeating: nil, count: window)))
        let next = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let slots = DispatchSemaphore(value: window)
        let wake = DispatchSemaphore(value: 0)
        let exited = DispatchSemaphore(value: 0)
        let workers = min(jobs, max(total, 1))
        let timeout = runTimeout

        let work: @Sendable () -> Void = {
            while true {
                if slots.wait(timeout: .now()) == .timedOut {
                    shared.withLock { $0.stalls += 1 }
                    slots.wait()
                }
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < total, !stop.load(ordering: .relaxed) else {
                    slots.signal()  // let the next waiting worker see that there is nothing left
                    return
                }
                let spec = plan.runs[index]
                var outcome = done.outcome(at: index)
                if outcome == nil {
                    let run = spec.scenario.model.run(
                        spec.strategy, workloadIdentity: spec.workloadIdentity, identity: spec.identity,
                        deadline: timeout.map { WallClockDeadline.after(seconds: $0) } ?? .none)
                    outcome = run
                    if let journal {
                        do {
                            try journal.append(line: Journal.line(spec, run))
                        } catch {
                            stop.store(true, ordering: .relaxed)
                            shared.withLock { state in
                                if state.failure == nil { state.failure = error }
                                if state.awaited != nil {
                                    state.awaited = nil
                                    wake.signal()
                                }
                            }
                            slots.signal()
                            return
                        }
                    }
                }
                let piece = prepare(spec, outcome!)
                let (count, awaited): (Int, Bool) = shared.withLock { state in
                    state.ring[index % window] = piece
                    state.held += 1
                    state.mostHeld = max(state.mostHeld, state.held)
                    state.finished += 1
                    guard state.awaited == index else { return (state.finished, false) }
                    state.awaited = nil
                    return (state.finished, true)
                }
                if awaited { wake.signal() }  // outside the lock, which the woken thread takes next
                progress?(count, total)
            }
        }
        for _ in 0..<workers {
            let thread = Thread {
                work()
                exited.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }

        var failure: (any Error)?
        var position = 0
        var ready: [Piece] = []
        ready.reserveCapacity(window)
        consuming: while position < total {
            let stopped: Bool = shared.withLock { state in
                while position + ready.count < total, let piece = state.ring[(position + ready.count) % window].take() {
                    ready.append(piece)
                }
                state.held -= ready.count
                guard ready.isEmpty else { return false }
                if state.failure != nil { return true }
                let ahead = min(position + batch - 1, total - 1)
                state.awaited = state.ring[ahead % window] == nil ? ahead : position
                return false
            }
            if stopped { break consuming }
            if ready.isEmpty {
                wake.wait()
                continue
            }
            // Each piece is moved out of the batch (reversed, so that popping from its end
            // gives plan order), not copied: a copy of a piece retains, and later releases,
            // every reference it holds.
            ready.reverse()
            while let piece = ready.popLast() {
                do {
                    try consume(position, piece)
                } catch {
                    failure = error
                    stop.store(true, ordering: .relaxed)
                    break consuming
                }
                position += 1
                slots.signal()
            }
        }
        // Let every worker past its wait for a slot, then wait for all of them.
        for _ in 0..<workers { slots.signal() }
        for _ in 0..<workers { exited.wait() }
        return try shared.withLock { state in
            if let failure = failure ?? state.failure { throw failure }
            return Statistics(window: window, mostHeld: state.mostHeld, stalls: state.stalls)
        }
    }

    /// Runs every spec in `plan` and returns the records in plan order (every outcome held in
    /// memory: for tests, samples and library use; a suite's files are streamed instead).
    public func run(
        _ plan: RunPlan, done: JournaledRuns = .none, journal: Journal? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> [RunRecord] {
        var records: [RunRecord] = []
        records.reserveCapacity(plan.runs.count)
        _ = try stream(plan, done: done, journal: journal, progress: progress,
                       prepare: { RunRecord(spec: $0, outcome: $1) }, consume: { records.append($1) })
        return records
    }
}

/// What a streamed plan's threads share (under `Runner.stream`'s lock).
@usableFromInline
struct StreamState<Piece: Sendable>: ~Copyable {
    @usableFromInline var finished = 0
    /// Finished runs not yet consumed, at `index % window`.
    @usableFromInline var ring: [Piece?]
    @usableFromInline var held = 0
    @usableFromInline var mostHeld = 0
    @usableFromInline var stalls = 0
    /// The index the calling thread sleeps on, if it does.
    @usableFromInline var awaited: Int?
    @usableFromInline var failure: (any Error)?

    @usableFromInline
    init(ring: [Piece?]) { self.ring = ring }
}
