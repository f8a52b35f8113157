import SimulationKernel

/// Hands each task arrival and each answer to the pattern being run. Every pattern has its
/// own file beside this one (Single.swift, Router.swift, …) with its per-task state and one
/// function per step, each documented with the README rule it implements ("Family: agent
/// teams", the table of strategies).
extension TeamEngine {
    /// Task instance `i` arrived: the pattern makes its first request(s).
    mutating func begin(_ i: Int, _ sim: inout Simulation<CallEvent>) {
        switch pattern {
        case .single(let tier):
            beginSingle(i, tier: tier, &sim)
        case .router(_, _, let escalateAbove, _):
            beginRouter(i, escalateAbove: escalateAbove, &sim)
        case .scatterGather(let k, _):
            beginScatterGather(i, k: k, &sim)
        case .debate:
            beginDebate(i, &sim)
        case .hierarchical:
            beginHierarchical(i, &sim)
        case .pipeline:
            beginPipeline(i, &sim)
        case .humanEscalation(let riskAbove, _):
            beginHumanEscalation(i, riskAbove: riskAbove, &sim)
        case .graph, .orchestration:
            beginGraph(i, &sim)
        }
    }

    /// Request `r` came back with `answer` (or failed for good): the pattern takes its next step.
    mutating func deliver(_ r: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        let i = Int(requests[r].instance), role = requests[r].role
        switch pattern {
        case .single:
            singleAnswered(i, answer, &sim)
        case .router(let verifierAccuracy, let verifierCost, _, let budget):
            routerAnswered(i, answer, verifierAccuracy: verifierAccuracy, verifierCost: verifierCost, budget: budget, &sim)
        case .scatterGather(_, let judge):
            scatterGatherAnswered(i, role: role, answer, judge: judge, &sim)
        case .debate(let rounds, let influence):
            debateAnswered(i, answer, rounds: rounds, influence: influence, &sim)
        case .hierarchical(let subtasks, let decompositionError, let subtaskDifficulty):
            hierarchicalAnswered(i, role: role, answer, subtasks: subtasks, decompositionError: decompositionError,
                                 subtaskDifficulty: subtaskDifficulty, &sim)
        case .pipeline(let sendBacks):
            pipelineAnswered(i, answer, sendBacks: sendBacks, &sim)
        case .humanEscalation(_, let confidenceBelow):
            humanEscalationAnswered(i, role: role, answer, confidenceBelow: confidenceBelow, &sim)
        case .graph, .orchestration:
            graphAnswered(i, answer, &sim)
        }
    }
}

/// Valid answers and right answers among them: the majority vote of scatter-gather and debate.
struct VoteTally {
    var valid: Int16 = 0
    var right: Int16 = 0

    /// Counts one request's answer; a failed request is no vote.
    mutating func count(_ answer: TeamEngine.Answer) {
        if answer.valid { valid += 1 }
        if answer.right { right += 1 }
    }

    /// "A strict majority of the valid answers" is right (no valid answer: wrong).
    var majorityRight: Bool { right * 2 > valid }

    /// The share of the valid answers that are right (0 when there is none).
    var shareRight: Double { valid > 0 ? Double(right) / Double(valid) : 0 }
}
