import SimulationKernel

/// How a strategy runs inside the model: where a ready step goes, and what a freed worker does,
/// with whatever the strategy keeps to decide fast (idle sets, waiting lines, thresholds).
///
/// Each built-in strategy is one conforming struct, and a user's `AssignmentRule` runs inside
/// `RulePolicy`. The run maps its `Strategy` to one of them once (`DivisionOfLabourFamily.run`)
/// and the event loop, `TeamModel<Policy>`, is specialised for it: no switch over strategies
/// and no existential per event. A policy acts on the run only through `TeamState`, which
/// the model passes in; it must keep its own structures in step with what it does there.
protocol TeamPolicy {
    /// `step` became ready now (arrival, predecessors done, or a retry): place it.
    mutating func stepReady(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>)
    /// Worker `a` has just finished an attempt and is idle, before its outcome is applied:
    /// steps may become ready (`stepReady`) while it is idle, before `workerFree`.
    mutating func workerStopped(_ a: Int, _ team: inout TeamState)
    /// Worker `a` is idle after its attempt's outcome was applied: what does it do next?
    mutating func workerFree(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>)
    /// `job` has just been abandoned; its waiting steps no longer count.
    mutating func jobAbandoned(_ job: Int, _ team: inout TeamState)
    /// One of the strategy's own events (`announce`, `awarded`, `poll`).
    mutating func handle(_ event: TeamEvent, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>)
}

extension TeamPolicy {
    mutating func workerStopped(_ a: Int, _ team: inout TeamState) {}
    mutating func jobAbandoned(_ job: Int, _ team: inout TeamState) {}
    mutating func handle(_ event: TeamEvent, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        preconditionFailure("\(Self.self) scheduled no \(event)")
    }
}
