import SimulationKernel

/// `debate` — README: "the panel answers, then revises for the rounds, a revision being right
/// with probability (1 − influence)·p + influence·(share of the panel right in the previous
/// round); majority vote".
struct DebateState {
    /// Revision rounds done (0 while the panel gives its first answers).
    var round: Int16 = 0
    /// The current round's answers.
    var votes = VoteTally()
}

extension TeamEngine {
    /// "The panel answers": every panel member, all at once, at the task's difficulty.
    mutating func beginDebate(_ i: Int, _ sim: inout Simulation<CallEvent>) {
        for m in scenario.roles.panel { request(i, member: m, role: .answer, difficulty: difficulty[i], &sim) }
    }

    /// When the whole panel has answered: after the last round (`rounds` revisions) the
    /// "majority vote" (a strict majority of the valid answers) decides. Otherwise every panel
    /// member revises: its call is right with probability (1 − influence)·p + influence·s, where
    /// p is its own accuracy and s the share of the valid answers of the round just ended that
    /// were right (0 when none was valid).
    mutating func debateAnswered(_ i: Int, _ answer: Answer, rounds: Int, influence: Double,
                                 _ sim: inout Simulation<CallEvent>) {
        tasks[i].debate.votes.count(answer)
        guard tasks[i].pending == 0 else { return }
        if Int(tasks[i].debate.round) >= rounds {
            complete(i, success: tasks[i].debate.votes.majorityRight, &sim)
            return
        }
        let share = tasks[i].debate.votes.shareRight
        tasks[i].debate.round += 1
        tasks[i].debate.votes = VoteTally()
        for m in scenario.roles.panel {
            request(i, member: m, role: .answer, difficulty: difficulty[i], influence: influence, peers: share, &sim)
        }
    }
}
