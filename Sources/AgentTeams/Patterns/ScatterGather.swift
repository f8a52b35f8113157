import SimulationKernel

/// `scatter-gather` — README: "k panel members (cycling through the panel) in parallel; a strict
/// majority of the valid answers, or a judge that is right when at least one answer is right
/// and its own call is".
struct ScatterGatherState {
    /// The panel's answers so far.
    var votes = VoteTally()
}

extension TeamEngine {
    /// "k panel members (cycling through the panel) in parallel": request j goes to
    /// panel[j mod panel size], all at once; k = 0 means the panel's size.
    mutating func beginScatterGather(_ i: Int, k: Int, _ sim: inout Simulation<CallEvent>) {
        let panel = scenario.roles.panel
        let k = k > 0 ? k : panel.count
        for slot in 0..<k {
            request(i, member: panel[slot % panel.count], role: .answer, difficulty: difficulty[i], &sim)
        }
    }

    /// A panel member's answer or the judge's verdict came back.
    mutating func scatterGatherAnswered(_ i: Int, role: Request.Role, _ answer: Answer, judge: Bool,
                                        _ sim: inout Simulation<CallEvent>) {
        if role == .judge {
            judgeAnswered(i, answer, &sim)
        } else {
            panelAnswered(i, answer, judge: judge, &sim)
        }
    }

    /// Once all k answers are in: with `merge: vote`, "a strict majority of the valid answers"
    /// (failed requests do not vote; no valid answer is wrong). With `merge: judge`, the judge
    /// is called (at the task's difficulty) only when at least one answer is right; otherwise
    /// the task fails at once, without a judge call.
    mutating func panelAnswered(_ i: Int, _ answer: Answer, judge: Bool, _ sim: inout Simulation<CallEvent>) {
        tasks[i].scatterGather.votes.count(answer)
        guard tasks[i].pending == 0 else { return }
        if judge {
            if tasks[i].scatterGather.votes.right == 0 {
                complete(i, success: false, &sim)
                return
            }
            request(i, member: scenario.roles.judge, role: .judge, difficulty: difficulty[i], &sim)
        } else {
            complete(i, success: tasks[i].scatterGather.votes.majorityRight, &sim)
        }
    }

    /// "A judge that is right when at least one answer is right and its own call is": some
    /// answer was right (else it was not called), so the task succeeds when its call is right.
    mutating func judgeAnswered(_ i: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        complete(i, success: answer.right, &sim)
    }
}
