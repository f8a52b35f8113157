import SimulationKernel

/// The decisions of a user's assignment rule (`Strategy.custom`): the model asks `rule`,
/// checks the answer and carries it out with the same operations as the built-in strategies
/// (`start`, `enqueueLocal`, `popLocal`, `takeFromBoard`).
extension TeamModel {
    /// What the rule sees now. Built only on the custom path; a temporary of the statement
    /// that calls the rule, so the arrays it shares with the model are released before the
    /// model changes them.
    func view(at now: Double) -> TeamView {
        TeamView(now: now, context: ruleContext!, agents: agents, jobs: jobs, boardSteps: board)
    }

    /// `step` is ready: the rule places it.
    mutating func placeByRule(_ step: Int, _ sim: inout Simulation<TeamEvent>) {
        let placement = rule.place(step, in: view(at: sim.now))
        switch placement {
        case .start(let a):
            checkAgent(a, canDo: step, "place(\(step)) returned \(placement)")
            guard agents[a].isIdle else { ruleFailure("place(\(step)) returned \(placement), but agent \(a) is busy") }
            messages += 1
            start(step, agent: a, &sim)
        case .queue(let a):
            checkAgent(a, canDo: step, "place(\(step)) returned \(placement)")
            messages += 1
            enqueueLocal(step, agent: a, &sim)
        case .board:
            board.append(Int32(step))
            // Offer the step to the idle capable workers, in id order, until one takes it.
            for a in capable[Int(workload.stepType[step])].lazy.map(Int.init) where agents[a].isIdle {
                if nextByRule(a, &sim) == step { break }
            }
        }
    }

    /// Worker `a` is idle: the rule says what it does. Returns the step it took from the
    /// board, or -1.
    @discardableResult
    mutating func nextByRule(_ a: Int, _ sim: inout Simulation<TeamEvent>) -> Int {
        let decision = rule.next(for: a, in: view(at: sim.now))
        switch decision {
        case .ownQueue:
            if let step = popLocal(a) { start(step, agent: a, &sim) }
        case .board(let step):
            guard steps.indices.contains(step) else { ruleFailure("next(for: \(a)) returned \(decision): no such step") }
            checkAgent(a, canDo: step, "next(for: \(a)) returned \(decision)")
            guard let taken = takeFromBoard(where: { _, waiting in waiting == step }) else {
                ruleFailure("next(for: \(a)) returned \(decision), but step \(step) is not waiting on the board")
            }
            messages += 1
            start(taken, agent: a, &sim)
            return taken
        case .wait:
            break
        }
        return -1
    }

    /// Stops the run unless `a` is a worker capable of `step`'s task type.
    func checkAgent(_ a: Int, canDo step: Int, _ context: @autoclosure () -> String) {
        guard agents.indices.contains(a) else { ruleFailure("\(context()): no such agent") }
        let profile = agents[a].profile
        guard profile.role == .worker, profile.skills[Int(workload.stepType[step])] > 0 else {
            ruleFailure("\(context()), but agent \(a) (\(profile.name)) cannot do step \(step)'s task type "
                + scenario.taskTypes[Int(workload.stepType[step])])
        }
    }

    /// A rule's impossible decision is a programming error: stop with a message naming the
    /// rule (`fatalError`, so that release builds print it too).
    func ruleFailure(_ message: String) -> Never {
        fatalError("assignment rule '\(ruleContext?.name ?? "?")' (\(Rule.self)): \(message)")
    }
}
