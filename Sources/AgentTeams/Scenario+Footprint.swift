import SimulationKernel

extension AgentTeamScenario {
    /// Events: every task instance may call every member, with retries, each call an event
    /// or two — or, under one of the scenario's orchestration graphs, make as many calls as
    /// its bounded loops, retries and fallbacks allow (`maximumCallsPerTask`); at most the event
    /// budget. Memory: every task instance and call is kept until the run ends, with each
    /// graph's per-task counters.
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
