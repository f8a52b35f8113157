import SimulationKernel

/// A user's assignment rule (`Strategy.custom`) as the model runs it: the model asks `rule`,
/// checks the answer and carries it out with the same operations as the built-in strategies
/// (`start`, `enqueueLocal`, `popLocal`).
///
/// The rule sees the board as an array in ready order (`TeamView.board`), so this policy keeps
/// one, and a step taken from it is removed where it stands; a step posted on the board is
/// offered to the idle capable workers in id order. Both are scans, as a user's rule is: the
/// built-in strategies use indexed structures instead.
struct RulePolicy<Rule: AssignmentRule>: TeamPolicy {
    var rule: Rule
    /// What the rule's views share.
    let context: RuleContext
    /// The steps waiting on the board, in ready order (steps of abandoned jobs are dropped
    /// lazily, and never shown to the rule).
    var board: [Int32] = []

    init(rule: Rule, name: String, _ team: TeamState) {
        self.rule = rule
        context = RuleContext(name: name, random: team.random, capable: team.capable,
                              skillSensitivity: team.scenario.skillSensitivity)
    }

    /// What the rule sees now. A temporary of the statement that calls the rule: it shares
    /// the run's storage (agents, the jobs kept, the board), which the run changes only after
    /// the call, and the board array is released before the run appends to it.
    func view(_ team: TeamState, at now: Double) -> TeamView {
        TeamView(now: now, context: context, agents: team.agents, workload: team.workload, jobStates: team.jobStates,
                 boardSteps: board)
    }

    /// `step` is ready: the rule places it.
    mutating func stepReady(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        let placement = rule.place(step, in: view(team, at: sim.now))
        switch placement {
        case .start(let a):
            checkAgent(a, canDo: step, team, "place(\(step)) returned \(placement)")
            guard team.agents[a].isIdle else { ruleFailure("place(\(step)) returned \(placement), but agent \(a) is busy") }
            team.messages += 1
            team.start(step, agent: a, &sim)
        case .queue(let a):
            checkAgent(a, canDo: step, team, "place(\(step)) returned \(placement)")
            team.messages += 1
            team.enqueueLocal(step, agent: a, &sim)
        case .board:
            board.append(Int32(step))
            // Offer the step to the idle capable workers, in id order, until one takes it.
            for a in team.capable[Int(team.workload.stepType[step])].lazy.map(Int.init) where team.agents[a].isIdle {
                if next(for: a, &team, &sim) == step { break }
            }
        }
    }

    mutating func workerFree(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        next(for: a, &team, &sim)
    }

    /// Worker `a` is idle: the rule says what it does. Returns the step it took from the
    /// board, or -1.
    @discardableResult
    mutating func next(for a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) -> Int {
        let decision = rule.next(for: a, in: view(team, at: sim.now))
        switch decision {
        case .ownQueue:
            team.serveOwnQueue(a, &sim)
        case .board(let step):
            guard step >= 0 && step < team.workload.stepCount else {
                ruleFailure("next(for: \(a)) returned \(decision): no such step")
            }
            // A released step belongs to an ended job, so it is not on the board.
            if team.workload.isKept(step) { checkAgent(a, canDo: step, team, "next(for: \(a)) returned \(decision)") }
            guard let taken = takeFromBoard(step, team) else {
                ruleFailure("next(for: \(a)) returned \(decision), but step \(step) is not waiting on the board")
            }
            team.messages += 1
            team.start(taken, agent: a, &sim)
            return taken
        case .wait:
            break
        }
        return -1
    }

    /// Removes `step` from the board if it waits there, discarding steps of abandoned jobs
    /// before it.
    mutating func takeFromBoard(_ step: Int, _ team: TeamState) -> Int? {
        var i = 0
        while i < board.count {
            let waiting = Int(board[i])
            if !team.isLive(waiting) {
                board.remove(at: i)
                continue
            }
            if waiting == step {
                board.remove(at: i)
                return waiting
            }
            i += 1
        }
        return nil
    }

    /// Stops the run unless `a` is a worker capable of `step`'s task type.
    func checkAgent(_ a: Int, canDo step: Int, _ team: TeamState, _ context: @autoclosure () -> String) {
        guard team.agents.indices.contains(a) else { ruleFailure("\(context()): no such agent") }
        let profile = team.agents[a].profile
        let type = Int(team.workload.stepType[step])
        guard profile.role == .worker, profile.skills[type] > 0 else {
            ruleFailure("\(context()), but agent \(a) (\(profile.name)) cannot do step \(step)'s task type "
                + team.scenario.taskTypes[type])
        }
    }

    /// A rule's impossible decision is a programming error: stop with a message naming the
    /// rule (`fatalError`, so that release builds print it too).
    func ruleFailure(_ message: String) -> Never {
        fatalError("assignment rule '\(context.name)' (\(Rule.self)): \(message)")
    }
}
