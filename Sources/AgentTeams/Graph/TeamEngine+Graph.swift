import SimulationKernel

/// A task instance's place in an orchestration graph.
struct GraphState {
    /// What the task's outstanding requests are for.
    enum Phase: UInt8 { case call, gather, judge, review, decompose, parts }

    /// The node the task is at (one with requests out, while they are).
    var node: Int32 = 0
    var phase = Phase.call
    /// The current answer: the latest call's, or a fan-out's merge.
    var answer = TeamEngine.Answer.failed
    /// The latest verification's or review's verdict.
    var accepted = false
    /// The latest fan-out's answers.
    var votes = VoteTally()
    /// The decomposition in progress: right so far, and its parts all right so far.
    var decompositionRight = false
    var partsRight = true
}

extension TeamEngine {
    /// Task instance `i` arrived: it enters the graph's start node.
    mutating func beginGraph(_ i: Int, _ sim: inout Simulation<CallEvent>) {
        enter(i, graph.start, &sim)
    }

    /// Carries task `i` into node `n` and through the instant nodes after it (verify, branch),
    /// up to a node that waits for answers or an end. A loop, iterative: the instant nodes of a
    /// valid graph form no cycle, so this visits each at most once per call.
    mutating func enter(_ i: Int, _ n: Int, _ sim: inout Simulation<CallEvent>) {
        var n = n
        while true {
            tasks[i].graph.node = Int32(n)
            let d = difficulty[i]
            switch graph.steps[n] {
            case .call(let member, let scale, _):
                tasks[i].graph.phase = .call
                request(i, member: Int(member), role: .answer, difficulty: scale * d, &sim)
                return
            case .parallel(let first, let size, let count, _, let influence):
                let peers = tasks[i].graph.votes.shareRight
                tasks[i].graph.votes = VoteTally()
                tasks[i].graph.phase = .gather
                for slot in 0..<Int(count) {
                    let member = Int(graph.members[Int(first) + slot % Int(size)])
                    request(i, member: member, role: .answer, difficulty: d, influence: influence, peers: peers, &sim)
                }
                return
            case .review(let member):
                tasks[i].graph.phase = .review
                request(i, member: Int(member), role: .answer, difficulty: d, &sim)
                return
            case .decompose(let lead, _, _, _, _, _, _, let visits, _):
                graphCounters[i * graph.counterCount + Int(visits)] += 1
                tasks[i].graph.phase = .decompose
                request(i, member: Int(lead), role: .decomposition, difficulty: d, &sim)
                return
            case .verify(let accuracy, let cost, let rank, let visits):
                let slot = i * graph.counterCount + Int(visits)
                let visit = Int(graphCounters[slot])
                graphCounters[slot] += 1
                let answer = tasks[i].graph.answer
                var accepted = false
                if answer.valid {
                    tasks[i].cost += cost
                    let u = random.uniform(i, Int(rank), visit, Draw.verifier.rawValue)
                    accepted = answer.correct ? u < accuracy : u >= accuracy
                }
                tasks[i].graph.accepted = accepted
            case .branch:
                break
            case .end:
                complete(i, success: workRight(i), &sim)
                return
            }
            guard let next = next(i, from: n, now: sim.now) else {
                complete(i, success: workRight(i), &sim)
                return
            }
            n = next
        }
    }

    /// One of the requests task `i` waits for came back with `answer`.
    mutating func graphAnswered(_ i: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        let n = Int(tasks[i].graph.node)
        switch (tasks[i].graph.phase, graph.steps[n]) {
        case (.call, .call(_, _, let keep)):
            tasks[i].graph.answer = answer
            if keep >= 0 { graphCounters[i * graph.counterCount + Int(keep)] = answer.right ? 1 : 2 }
            leave(i, n, &sim)
        case (.gather, .parallel(_, _, _, let judge, _)):
            tasks[i].graph.votes.count(answer)
            guard tasks[i].pending == 0 else { return }
            let votes = tasks[i].graph.votes
            if judge >= 0 && votes.right > 0 {
                tasks[i].graph.phase = .judge
                request(i, member: Int(judge), role: .judge, difficulty: difficulty[i], &sim)
                return
            }
            // The vote (or a judge with no right answer to pick): the majority's answer, as
            // confident as the share of valid answers that agree with it.
            let right = judge < 0 && votes.majorityRight
            let agreeing = right ? votes.right : votes.valid - votes.right
            tasks[i].graph.answer = Answer(valid: votes.valid > 0, correct: right,
                                           confidence: votes.valid > 0 ? Double(agreeing) / Double(votes.valid) : 0)
            leave(i, n, &sim)
        case (.judge, _):
            tasks[i].graph.answer = answer
            leave(i, n, &sim)
        case (.review, _):
            let good = workRight(i)
            tasks[i].graph.accepted = answer.right ? good : !good
            leave(i, n, &sim)
        case (.decompose, .decompose(_, let first, let size, let parts, let error, let scale, let rank, let visits, _)):
            let visit = Int(graphCounters[i * graph.counterCount + Int(visits)]) - 1
            tasks[i].graph.decompositionRight =
                answer.valid && random.uniform(i, Int(rank), visit, Draw.decomposition.rawValue) >= error
            tasks[i].graph.partsRight = true
            tasks[i].graph.phase = .parts
            for part in 0..<Int(parts) {
                let member = Int(graph.members[Int(first) + part % Int(size)])
                request(i, member: member, role: .part, difficulty: difficulty[i] * scale, &sim)
            }
        case (.parts, .decompose(_, _, _, _, _, _, _, _, let keep)):
            if !answer.right { tasks[i].graph.partsRight = false }
            guard tasks[i].pending == 0 else { return }
            let right = tasks[i].graph.decompositionRight && tasks[i].graph.partsRight
            graphCounters[i * graph.counterCount + Int(keep)] = right ? 1 : 2
            tasks[i].graph.answer = Answer(valid: true, correct: right, confidence: right ? 1 : 0)
            leave(i, n, &sim)
        default:
            preconditionFailure("graph: an answer for phase \(tasks[i].graph.phase) at node \(n)")
        }
    }

    /// Task `i` is done with node `n`: it moves on (see `next`), or ends with its work.
    mutating func leave(_ i: Int, _ n: Int, _ sim: inout Simulation<CallEvent>) {
        if let next = next(i, from: n, now: sim.now) {
            enter(i, next, &sim)
        } else {
            complete(i, success: workRight(i), &sim)
        }
    }

    /// The node task `i` goes to from `n`: the target of the first edge whose condition holds
    /// and whose bound is not reached (a bound that stops an edge is counted in `boundHits`);
    /// nil when there is none. Counts the edge taken (its bound, an escalation).
    mutating func next(_ i: Int, from n: Int, now: Double) -> Int? {
        for e in Int(graph.firstEdge[n])..<Int(graph.firstEdge[n + 1]) {
            let edge = graph.edges[e]
            guard holds(Int(edge.firstTest)..<Int(edge.endTest), i, now: now) else { continue }
            if edge.limit >= 0 {
                let slot = i * graph.counterCount + Int(edge.counter)
                if graphCounters[slot] >= edge.limit {
                    boundHits += 1
                    continue
                }
                graphCounters[slot] += 1
            }
            if edge.escalation { tasks[i].escalations += 1 }
            return Int(edge.target)
        }
        return nil
    }

    /// Task `i`'s work is right: its current answer is, and every kept part it has.
    func workRight(_ i: Int) -> Bool {
        guard tasks[i].graph.answer.right else { return false }
        for slot in graph.keptSlots where graphCounters[i * graph.counterCount + Int(slot)] == 2 { return false }
        return true
    }

    /// Whether the graph's tests at `range` all hold for task `i` at time `now`.
    func holds(_ range: Range<Int>, _ i: Int, now: Double) -> Bool {
        for t in range where !graph.tests[t].holds(observe(graph.tests[t].observable, i, now: now)) { return false }
        return true
    }

    /// The value of `observable` for task `i` at time `now`.
    func observe(_ observable: GraphTest.Observable, _ i: Int, now: Double) -> Double {
        let state = tasks[i].graph
        switch observable {
        case .failed: return state.answer.valid ? 0 : 1
        case .confidence: return state.answer.valid ? state.answer.confidence : 0
        case .accepted: return state.accepted ? 1 : 0
        case .estimatedDifficulty: return estimatedDifficulty(i)
        case .risk: return risk[i]
        case .cost: return tasks[i].cost
        case .elapsed: return now - tasks[i].arrival
        }
    }

    /// The orchestrator's estimate of task `i`'s difficulty: d + 0.2·(u − 0.5), u drawn per task
    /// (alike for all its trials).
    func estimatedDifficulty(_ i: Int) -> Double {
        difficulty[i] + 0.2 * (draw(.estimate, i / scenario.trials) - 0.5)
    }
}
