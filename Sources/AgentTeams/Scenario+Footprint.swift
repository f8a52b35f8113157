import SimulationKernel

extension AgentTeamScenario {
    /// Events: every task instance may call every member, with retries, each call an event
    /// or two; at most the event budget. Memory: every task instance and call is kept until
    /// the run ends.
    public var footprint: Footprint {
        let instances = Double(taskCount) * Double(trials)
        let callsPerTask = Double(members.count + 4) * Double(retries + 1)
        let events = min(Double(eventBudget), instances * callsPerTask * 2)
        return Footprint(events: events, bytes: instances * (256 + callsPerTask * 96) + Double(members.count) * 512)
    }
}
