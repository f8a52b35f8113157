import SimulationKernel

extension AgentTeamScenario {
    /// Events: every task instance may call every member, with retries, each call an event
    /// or two — or, under one of the scenario's orchestration graphs, make as many calls as
    /// its bounded loops, retries and fallbacks allow (`maximumCallsPerTask`); at most the event
    /// budget.
    ///
    /// Memory: what `TeamEngine` holds at its peak, which is when every instance is in flight
    /// at once (an overloaded team whose queues grow for the whole run): per instance its
    /// latency and critical path (`RunTotals`, 16 bytes), its `InstanceWindow` entry, its slot
    /// (`TaskState`, its graph counters and a `CallCount` per member), and the requests of its
    /// current stage, each in its `Request` slot and a member's `RequestQueue` (a built-in
    /// pattern asks at most every member and a judge or so at once; a graph's widest node says
    /// for a graph). A graph's loops raise the events estimate, not this one: a task's visits
    /// come one after another. An estimate, not a bound: a request the task no longer waits for
    /// (a timed-out call still running, a race's slower answers) stays until its calls are over.
    /// Slots and queues grow by doubling, so they count twice. A team that keeps up holds a
    /// small fraction of this.
    public var footprint: Footprint {
        let instances = Double(taskCount) * Double(trials)
        let fallback = roles.fallback != nil
        let builtInRequests = Double(members.count + 4)
        let requestsAtOnce = max(builtInRequests, orchestrations.map(\.maximumRequestsPerVisit).max() ?? 0)
        let graphCalls = orchestrations.map { $0.maximumCallsPerTask(retries: retries, fallback: fallback) }.max() ?? 0
        let callsPerTask = max(builtInRequests * Double(retries + 1), graphCalls)
        let events = min(Double(eventBudget), instances * callsPerTask * 2)
        let counters = orchestrations.map { graph in
            Double(graph.nodes.count + graph.nodes.reduce(0) { $0 + $1.edges.count })
        }.max() ?? 0
        let slot = Double(MemoryLayout<TeamEngine.TaskState>.stride + MemoryLayout<Int32>.stride)
            + counters * Double(MemoryLayout<Int32>.stride)
            + Double(members.count * MemoryLayout<TeamEngine.CallCount>.stride)
        let request = Double(MemoryLayout<TeamEngine.Request>.stride + 2 * MemoryLayout<Int32>.stride)
        let perInstance = Double(2 * MemoryLayout<Double>.stride + MemoryLayout<InstanceWindow.Entry>.stride)
            + 2 * (slot + requestsAtOnce * request)
        return Footprint(events: events, bytes: instances * perInstance + Double(members.count) * 512)
    }
}
