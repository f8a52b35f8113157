import SimulationKernel

/// `pipeline` — README: "research → write → review; the reviewer judges the result correctly
/// when its own call is right, and sends the writing back when it judges it wrong (a false
/// alarm sends good work back too)". roles.stages = [researcher, writer, reviewer].
struct PipelineState {
    enum Stage: UInt8 { case research, writing, review }

    /// The stage whose answer the task is waiting for.
    var stage = Stage.research
    /// The research stage's answer was right (a failed request: wrong).
    var researchRight = false
    /// The latest writing stage's answer was right.
    var writingRight = false
    /// Times the reviewer has sent the writing back.
    var sendBacks: Int16 = 0
}

extension TeamEngine {
    /// "Research": the first stage member answers at the task's difficulty.
    mutating func beginPipeline(_ i: Int, _ sim: inout Simulation<CallEvent>) {
        request(i, member: scenario.roles.stages[0], role: .answer, difficulty: difficulty[i], &sim)
    }

    /// Routes the answer by the stage the task is in.
    mutating func pipelineAnswered(_ i: Int, _ answer: Answer, sendBacks: Int, _ sim: inout Simulation<CallEvent>) {
        switch tasks[i].pipeline.stage {
        case .research: researched(i, answer, &sim)
        case .writing: written(i, answer, &sim)
        case .review: reviewed(i, answer, sendBacks: sendBacks, &sim)
        }
    }

    /// "Research → write": the research is kept (right or not) and the writer is called.
    mutating func researched(_ i: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        tasks[i].pipeline.researchRight = answer.right
        tasks[i].pipeline.stage = .writing
        request(i, member: scenario.roles.stages[1], role: .answer, difficulty: difficulty[i], &sim)
    }

    /// "Write → review": the writing is kept (right or not) and the reviewer is called.
    mutating func written(_ i: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        tasks[i].pipeline.writingRight = answer.right
        tasks[i].pipeline.stage = .review
        request(i, member: scenario.roles.stages[2], role: .answer, difficulty: difficulty[i], &sim)
    }

    /// The work is good when research and writing are both right. "The reviewer judges the
    /// result correctly when its own call is right" (a failed review call counts as wrong, so it
    /// misjudges): it flags bad work when right and good work when wrong. Flagged work "is sent
    /// back" to the writer while fewer than `sendBacks` send-backs were made (each counted as an
    /// escalation); otherwise the work is final, succeeding when good whatever the verdict.
    mutating func reviewed(_ i: Int, _ answer: Answer, sendBacks: Int, _ sim: inout Simulation<CallEvent>) {
        let good = tasks[i].pipeline.researchRight && tasks[i].pipeline.writingRight
        let flagged = answer.right ? !good : good
        if flagged && Int(tasks[i].pipeline.sendBacks) < sendBacks {
            tasks[i].pipeline.sendBacks += 1
            tasks[i].escalations += 1
            tasks[i].pipeline.stage = .writing
            request(i, member: scenario.roles.stages[1], role: .answer, difficulty: difficulty[i], &sim)
        } else {
            complete(i, success: good, &sim)
        }
    }
}
