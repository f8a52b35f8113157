import SimulationKernel

extension DivisionOfLabourScenario {
    /// The largest team a scenario may have.
    public static let maximumAgents = 1_000_000
    /// The largest agents × task types (one skill level each).
    public static let maximumSkillEntries = 50_000_000
    /// Steps are indexed by 32-bit integers in the workload.
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
    /// tracks the time a run takes. Memory: the pre-drawn workload, per-step and per-job
    /// state, and the agents' skills.
    public var footprint: Footprint {
        let steps = maximumStepCount
        let attempts = Double(maxAttempts)
        let reviewed: Bool = if case .reviewer = detection { true } else { false }
        let assignments = min(Double(eventBudget), steps * attempts)
        let events = min(Double(eventBudget), steps * attempts * (reviewed ? 3 : 2) * 3 + maximumJobs)
            + assignments * Double(agents.count)
        let perStep = 28 + attempts * (reviewed ? 16 : 8) + 48
        let perJob = 16.0 + 48
        let perAgent = Double(taskTypes.count) * 12 + 256
        return Footprint(events: events, bytes: steps * perStep + maximumJobs * perJob + Double(agents.count) * perAgent)
    }
}
