import SimulationKernel

/// `human-escalation` — README: "risky tasks go to the human; the others to the assistant,
/// whose answer goes to the human when it failed or its confidence is low (confidence: 0.5–1
/// when right, 0–0.8 when wrong, uniformly)". The human is roles.human; without one nothing is
/// escalated. No state of its own.
extension TeamEngine {
    /// "Risky tasks go to the human" (risk above `riskAbove`, counted as an escalation); "the
    /// others to the assistant".
    mutating func beginHumanEscalation(_ i: Int, riskAbove: Double, _ sim: inout Simulation<CallEvent>) {
        let roles = scenario.roles
        if let human = roles.human, risk[i] > riskAbove {
            tasks[i].escalations += 1
            request(i, member: human, role: .human, difficulty: difficulty[i], &sim)
        } else {
            request(i, member: roles.assistant, role: .answer, difficulty: difficulty[i], &sim)
        }
    }

    /// Routes the answer by who gave it: the human or the assistant.
    mutating func humanEscalationAnswered(_ i: Int, role: Request.Role, _ answer: Answer, confidenceBelow: Double,
                                          _ sim: inout Simulation<CallEvent>) {
        if role == .human {
            humanAnswered(i, answer, &sim)
        } else {
            assistantAnswered(i, answer, confidenceBelow: confidenceBelow, &sim)
        }
    }

    /// The assistant's answer "goes to the human when it failed or its confidence is low"
    /// (below `confidenceBelow`; counted as an escalation); otherwise it is final.
    mutating func assistantAnswered(_ i: Int, _ answer: Answer, confidenceBelow: Double,
                                    _ sim: inout Simulation<CallEvent>) {
        if let human = scenario.roles.human, !answer.valid || answer.confidence < confidenceBelow {
            tasks[i].escalations += 1
            request(i, member: human, role: .human, difficulty: difficulty[i], &sim)
        } else {
            complete(i, success: answer.right, &sim)
        }
    }

    /// The human's answer is final.
    mutating func humanAnswered(_ i: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        complete(i, success: answer.right, &sim)
    }
}
