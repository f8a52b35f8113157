import SimulationKernel

/// Every random quantity a run's jobs carry, drawn before the run from workload streams
/// that do not depend on the strategy: arrival times, workflow kinds, sizes, difficulties,
/// and for each step and attempt the uniform number that decides whether the attempt is
/// correct and the time its review takes. Every strategy in a replication therefore faces
/// the same jobs, and an attempt fails for one strategy's agent exactly when it would fail
/// for another agent of lower or equal success probability (common random numbers).
public struct Workload: Sendable {
    /// Arrival time of each job, non-decreasing.
    public private(set) var arrival: [Double] = []
    /// Workflow index of each job.
    public private(set) var workflow: [Int32] = []
    /// Index of each job's first step in the step arrays; a job's steps are contiguous.
    public private(set) var firstStep: [Int32] = []
    public private(set) var stepJob: [Int32] = []
    public private(set) var stepType: [Int32] = []
    public private(set) var stepSize: [Double] = []
    public private(set) var stepDifficulty: [Double] = []
    /// `maxAttempts` uniforms per step: attempt k is correct iff `outcome[step·maxAttempts + k] < p`.
    public private(set) var outcome: [Double] = []
    /// `maxAttempts` review times per step (empty when failures are detected at once).
    public private(set) var reviewTime: [Double] = []
    public let maxAttempts: Int

    public var jobCount: Int { arrival.count }
    public var stepCount: Int { stepType.count }

    /// Hard cap on generated jobs, so a mistyped rate cannot exhaust memory.
    public static let maxJobs = 5_000_000

    /// Draws the workload of `scenario` from `streams` (purposes: `arrivals`, `workflows`,
    /// `sizes`, `difficulty`, `outcomes`, `reviews`).
    public init(scenario: DivisionOfLabourScenario, streams: RandomStreams) {
        maxAttempts = scenario.maxAttempts
        let arrivals = streams.stream("arrivals")
        let kinds = streams.stream("workflows")
        let sizes = streams.stream("sizes")
        let difficulty = streams.stream("difficulty")
        let outcomes = streams.stream("outcomes")
        let reviews = streams.stream("reviews")
        let table = DiscreteTable(weights: scenario.workflows.map(\.weight))

        var time = 0.0
        while arrival.count < Workload.maxJobs {
            switch scenario.arrivals {
            case .batch(let count):
                if arrival.count >= count { return }
            case .poisson(let rate, let count, let until):
                if let count, arrival.count >= count { return }
                time += arrivals.exponential(mean: 1 / rate)
                if let until, time > until { return }
            }
            let kind = scenario.workflows.count == 1 ? 0 : kinds.discrete(table)
            arrival.append(time)
            workflow.append(Int32(kind))
            firstStep.append(Int32(stepType.count))
            for step in scenario.workflows[kind].steps {
                stepJob.append(Int32(arrival.count - 1))
                stepType.append(Int32(step.type))
                stepSize.append(scenario.size.draw(from: sizes))
                stepDifficulty.append(min(max(scenario.difficulty.draw(from: difficulty), 0), 1))
                for _ in 0..<maxAttempts {
                    outcome.append(outcomes.uniform())
                    if case .reviewer(let review) = scenario.detection {
                        reviewTime.append(review.draw(from: reviews))
                    }
                }
            }
        }
    }
}
