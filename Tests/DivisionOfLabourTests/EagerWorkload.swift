@testable import DivisionOfLabour
import SimulationKernel

/// The reference for the lazy workload: the whole workload drawn before the run, as
/// `Workload.init` drew it before runs drew their jobs one at a time (its code kept here
/// verbatim, independent of `WorkloadGenerator`). `WorkloadWindowTests` checks that the jobs
/// a run draws lazily are these, value for value.
struct EagerWorkload {
    var arrival: [Double] = []
    var workflow: [Int32] = []
    var firstStep: [Int32] = []
    var stepJob: [Int32] = []
    var stepType: [Int32] = []
    var stepSize: [Double] = []
    var stepDifficulty: [Double] = []
    /// `maxAttempts` uniforms per step.
    var outcome: [Double] = []
    /// `maxAttempts` review times per step (empty when failures are detected at once).
    var reviewTime: [Double] = []
    let maxAttempts: Int

    var jobCount: Int { arrival.count }
    var stepCount: Int { stepType.count }

    init(scenario: DivisionOfLabourScenario, streams: RandomStreams) {
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
