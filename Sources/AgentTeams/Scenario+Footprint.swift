import SimulationKernel

extension AgentTeamScenario {
    /// Events: every task instance may call every member, with retries, each call an event
    /// or two — or, under one of the scenario's orchestration graphs, make as many calls as
    /// its bounded loops, retries and fallbacks allow (`maximumCallsPerTask`); at most the event
    /// budget.
    ///
    /// Memory: a loose upper bound, kept as it was when the engine kept every task instance and
    /// call to the end: per instance 256 bytes, its graph counters, and 96 bytes for each call it
    /// may make. The engine (`TeamEngine`) now needs far less: 16 bytes per instance (its latency
    /// and critical path), 24 per instance in the window of instances waiting to be folded in
    /// order (which spans the run only when an instance waits that long, as behind a member whose
    /// queue grows without bound), and for each instance in flight its slot (state, counters, a
    /// call count per member) and its requests — a bound that no longer grows with the calls a
    /// graph's loops allow. The budget tests (`OrchestrationReaderTests`) require a graph's loop
    /// bounds to raise this estimate, so it stays the old, larger figure.
    public var footprint: Footprint {
        let instances = Double(taskCount) * Double(trials)
        let graphCalls = orchestrations.map { $0.maximumCallsPerTask(retries: retries, fallback: roles.fallback != nil) }.max() ?? 0
        let callsPerTask = max(Double(members.count + 4) * Double(retries + 1), graphCalls)
        let events = min(Double(eventBudget), instances * callsPerTask * 2)
        let counters = orchestrations.map { graph in
            Double(graph.nodes.count + graph.nodes.reduce(0) { $0 + $1.edges.count })
        }.max() ?? 0
        return Footprint(events: events, bytes: instances * (256 + 4 * counters + callsPerTask * 96)
                                                 + Double(members.count) * 512)
    }
}
