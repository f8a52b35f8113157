import SimulationKernel

/// `hierarchical` — README: "the lead decomposes (wrong with that probability), workers solve
/// the parts in parallel at that share of the difficulty, the lead integrates at half the
/// difficulty; right only if all three steps are (one level of delegation)".
struct HierarchicalState {
    /// The lead's decomposition call succeeded and the decomposition is not wrong.
    var decompositionRight = false
    /// Every part answered so far is right.
    var partsRight = false
}

extension TeamEngine {
    /// "The lead decomposes": one request to roles.lead at the task's difficulty.
    mutating func beginHierarchical(_ i: Int, _ sim: inout Simulation<CallEvent>) {
        request(i, member: scenario.roles.lead, role: .decomposition, difficulty: difficulty[i], &sim)
    }

    /// Routes the answer by the step it answers: decomposition, part or integration.
    mutating func hierarchicalAnswered(_ i: Int, role: Request.Role, _ answer: Answer, subtasks: Int,
                                       decompositionError: Double, subtaskDifficulty: Double,
                                       _ sim: inout Simulation<CallEvent>) {
        switch role {
        case .decomposition:
            decomposed(i, answer, subtasks: subtasks, decompositionError: decompositionError,
                       subtaskDifficulty: subtaskDifficulty, &sim)
        case .part:
            partSolved(i, answer, &sim)
        default:                                  // .integration, the only other step
            integrated(i, answer, &sim)
        }
    }

    /// "The lead decomposes (wrong with that probability)": the decomposition is right when the
    /// lead's call gave a usable answer (whether that answer was right is not asked) and a
    /// per-instance draw avoids `decompositionError`. "Workers solve the parts in parallel at
    /// that share of the difficulty": `subtasks` requests, part j to workers[j mod workers], at
    /// `subtaskDifficulty` × d — issued even when the decomposition is wrong or failed.
    mutating func decomposed(_ i: Int, _ answer: Answer, subtasks: Int, decompositionError: Double,
                             subtaskDifficulty: Double, _ sim: inout Simulation<CallEvent>) {
        let workers = scenario.roles.workers
        tasks[i].hierarchical.decompositionRight = answer.valid && draw(.decomposition, i) >= decompositionError
        tasks[i].hierarchical.partsRight = true
        for part in 0..<subtasks {
            request(i, member: workers[part % workers.count], role: .part, difficulty: difficulty[i] * subtaskDifficulty,
                    &sim)
        }
    }

    /// A part is in (a failed part counts as wrong); after the last one "the lead integrates at
    /// half the difficulty".
    mutating func partSolved(_ i: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        if !answer.right { tasks[i].hierarchical.partsRight = false }
        if tasks[i].pending == 0 {
            request(i, member: scenario.roles.lead, role: .integration, difficulty: difficulty[i] / 2, &sim)
        }
    }

    /// "Right only if all three steps are": a right decomposition, every part right, and a right
    /// integration call.
    mutating func integrated(_ i: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        let state = tasks[i].hierarchical
        complete(i, success: state.decompositionRight && state.partsRight && answer.right, &sim)
    }
}
