import SimulationKernel

extension DivisionOfLabourScenario {
    /// The largest team a scenario may have.
    public static let maximumAgents = 1_000_000
    /// The largest agents × task types (one skill level each).
    public static let maximumSkillEntries = 50_000_000
    /// Steps are indexed by 32-bit integers (global ids, over the whole run).
    public static let maximumSteps = Int(Int32.max)

    /// Jobs the workload can hold: the batch, the count, or a Poisson count over `until`
    /// taken at its mean plus six standard deviations; at most `Workload.maxJobs`.
    public var maximumJobs: Double {
        switch arrivals {
        case .batch(let count): return Double(count)
        case .poisson(let rate, let count, let until):
            var jobs = Double(Workload.maxJobs)
            if let count { jobs = min(jobs, Double(count)) }
            if let until {
                let mean = rate * until
                jobs = min(jobs, (mean + 6 * mean.squareRoot() + 10).rounded(.up))
            }
            return jobs
        }
    }

    /// Steps of the largest workload: jobs × the longest workflow.
    public var maximumStepCount: Double { maximumJobs * Double(workflows.map(\.steps.count).max() ?? 1) }

    /// Events: each attempt starts and ends (a review doubles that), contract net adds three
    /// messages per assignment, and response-threshold agents poll; at most the event budget.
    /// Each assignment may also examine every agent (least-loaded, skill-routing and contract
    /// net do today), and each agent examined is counted as an event, so that the estimate
    /// tracks the time a run takes.
    ///
    /// Memory, an upper bound: the agents and their skills; 8 bytes per job for its sojourn
    /// time (kept for the whole run); and the jobs the run keeps (`LiveWorkload`): 4 bytes per
    /// job id and per step id of the window from the oldest job in flight to the newest, and,
    /// per job in flight, its draws and state (28 bytes and a 4-byte free-list entry) and per
    /// step its draws (24 + 8 per attempt, 16 when reviewed), its state (40), a free-list entry
    /// (4) and an entry in a waiting line or an agent's queue (16) — each at most twice over,
    /// as rings double (pools grow by half). Usually the jobs in flight are a small part of the workload
    /// (the window a larger one: the jobs that arrive while the oldest unfinished one is in
    /// the system), but a batch, or a team that cannot keep up, has every job in flight: the
    /// bound takes the whole workload for both.
    public var footprint: Footprint {
        let steps = maximumStepCount
        let attempts = Double(maxAttempts)
        let reviewed: Bool = if case .reviewer = detection { true } else { false }
        let assignments = min(Double(eventBudget), steps * attempts)
        let events = min(Double(eventBudget), steps * attempts * (reviewed ? 3 : 2) * 3 + maximumJobs)
            + assignments * Double(agents.count)
        let perStep = 4 + 24 + attempts * (reviewed ? 16 : 8) + 40 + 4 + 16
        let perJob = 4 + 28 + 4.0
        let window = 2 * (steps * perStep + maximumJobs * perJob)
        let perAgent = Double(taskTypes.count) * 12 + 256
        return Footprint(events: events, bytes: window + maximumJobs * 8 + Double(agents.count) * perAgent)
    }
}
