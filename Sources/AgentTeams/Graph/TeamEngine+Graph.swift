import SimulationKernel

/// A task instance's place in an orchestration graph.
struct GraphState {
    /// What the task's outstanding requests are for.
    enum Phase: UInt8 { case call, gather, race, judge, review, decompose, parts }

    /// The node the task is at (one with requests out, while they are).
    var node: Int32 = 0
    var phase = Phase.call
    /// Counts the nodes the task has entered; requests carry it, so that an answer that comes
    /// back after the task moved on (a race's slower answers) is recognised and ignored.
    var stage: UInt32 = 0
    /// Requests of this stage not back yet.
    var outstanding: Int16 = 0
    /// When the task entered its node.
    var entered = 0.0
    /// The longest `service` among this stage's requests back so far.
    var slowest = 0.0
    /// The current answer: the latest call's, or a fan-out's merge.
    var answer = TeamEngine.Answer.failed
    /// The latest verification's or review's verdict.
    var accepted = false
    /// The latest fan-out's answers, and the most confident valid one (`best-confidence`).
    var votes = VoteTally()
    var best = TeamEngine.Answer.failed
    /// The decomposition in progress: right so far, and its parts all right so far.
    var decompositionRight = false
    var partsRight = true
}

/// Valid answers and right answers among a fan-out's answers (the majority vote).
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

extension TeamEngine {
    /// Carries task `i` into node `n` and through the instant nodes after it (verify, branch),
    /// up to a node that waits for answers or an end. A loop, iterative: the instant nodes of a
    /// valid graph form no cycle, so this visits each at most once per call.
    mutating func enter(_ i: Int, _ n: Int, _ sim: inout Simulation<CallEvent>) {
        let base = i * graph.counterCount
        var n = n
        while true {
            graphCounters[base + graph.visitCounter(n)] += 1
            tasks[i].graph.node = Int32(n)
            tasks[i].graph.stage &+= 1
            tasks[i].graph.outstanding = 0
            tasks[i].graph.slowest = 0
            tasks[i].graph.entered = sim.now
            let d = difficulty[i]
            switch graph.steps[n] {
            case .call(let member, let scale, _):
                tasks[i].graph.phase = .call
                request(i, member: Int(member), node: n, difficulty: scale * d, &sim)
                return
            case .parallel(let first, let size, let count, let merge, let influence):
                let peers = tasks[i].graph.votes.shareRight
                tasks[i].graph.votes = VoteTally()
                tasks[i].graph.best = .failed
                tasks[i].graph.phase = merge == .firstValid ? .race : .gather
                for slot in 0..<Int(count) {
                    let member = Int(graph.members[Int(first) + slot % Int(size)])
                    request(i, member: member, node: n, difficulty: d, influence: influence, peers: peers, &sim)
                }
                return
            case .review(let member):
                tasks[i].graph.phase = .review
                request(i, member: Int(member), node: n, difficulty: d, &sim)
                return
            case .decompose(let lead, _, _, _, _, _, _, _):
                tasks[i].graph.phase = .decompose
                request(i, member: Int(lead), node: n, difficulty: d, &sim)
                return
            case .verify(let accuracy, let cost, let rank):
                let visit = Int(graphCounters[base + graph.visitCounter(n)]) - 1
                let answer = tasks[i].graph.answer
                var accepted = false
                if answer.valid {
                    tasks[i].cost += cost
                    nodeCost[n] += cost
                    let u = random.uniform(i, Int(rank), visit, Draw.verifier.rawValue)
                    accepted = answer.correct ? u < accuracy : u >= accuracy
                }
                tasks[i].graph.accepted = accepted
            case .branch:
                break
            case .end:
                complete(i, success: workRight(i), at: n, &sim)
                return
            }
            guard let next = next(i, from: n, now: sim.now) else {
                complete(i, success: workRight(i), at: n, &sim)
                return
            }
            n = next
        }
    }

    /// Request `r` came back with `answer` (a failed answer when every call failed). An answer
    /// for a task that has moved on (or ended) since is ignored: its calls were paid all the same.
    mutating func graphAnswered(_ r: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        let i = Int(requests[r].instance)
        guard !tasks[i].done, requests[r].stage == tasks[i].graph.stage else { return }
        tasks[i].graph.outstanding -= 1
        let service = requests[r].service
        let n = Int(tasks[i].graph.node)
        switch (tasks[i].graph.phase, graph.steps[n]) {
        case (.call, .call(_, _, let keep)):
            tasks[i].graph.answer = answer
            if keep >= 0 { graphCounters[i * graph.counterCount + Int(keep)] = answer.right ? 1 : 2 }
            tasks[i].criticalPath += service
            leave(i, n, &sim)
        case (.race, _):
            tasks[i].graph.votes.count(answer)
            tasks[i].graph.slowest = max(tasks[i].graph.slowest, service)
            if answer.valid {
                // The first valid answer wins; the path waited only for it.
                tasks[i].graph.answer = answer
                tasks[i].criticalPath += service
                leave(i, n, &sim)
            } else if tasks[i].graph.outstanding == 0 {
                tasks[i].graph.answer = .failed
                tasks[i].criticalPath += tasks[i].graph.slowest
                leave(i, n, &sim)
            }
        case (.gather, .parallel(_, _, _, let merge, _)):
            tasks[i].graph.votes.count(answer)
            tasks[i].graph.slowest = max(tasks[i].graph.slowest, service)
            if answer.valid && (!tasks[i].graph.best.valid || answer.confidence > tasks[i].graph.best.confidence) {
                tasks[i].graph.best = answer
            }
            guard tasks[i].graph.outstanding == 0 else { return }
            tasks[i].criticalPath += tasks[i].graph.slowest
            let votes = tasks[i].graph.votes
            switch merge {
            case .judge(let judge) where votes.right > 0:
                tasks[i].graph.phase = .judge
                request(i, member: Int(judge), node: n, difficulty: difficulty[i], &sim)
                return
            case .bestConfidence:
                tasks[i].graph.answer = tasks[i].graph.best
            case .vote, .judge, .firstValid:
                // The vote (or a judge with no right answer to pick): the majority's answer,
                // as confident as the share of valid answers that agree with it.
                let right = merge == .vote && votes.majorityRight
                let agreeing = right ? votes.right : votes.valid - votes.right
                tasks[i].graph.answer = Answer(valid: votes.valid > 0, correct: right,
                                               confidence: votes.valid > 0 ? Double(agreeing) / Double(votes.valid) : 0)
            }
            leave(i, n, &sim)
        case (.judge, _):
            tasks[i].graph.answer = answer
            tasks[i].criticalPath += service
            leave(i, n, &sim)
        case (.review, _):
            let good = workRight(i)
            tasks[i].graph.accepted = answer.right ? good : !good
            tasks[i].criticalPath += service
            leave(i, n, &sim)
        case (.decompose, .decompose(_, let first, let size, let parts, let error, let scale, let rank, _)):
            let visit = Int(graphCounters[i * graph.counterCount + graph.visitCounter(n)]) - 1
            tasks[i].graph.decompositionRight =
                answer.valid && random.uniform(i, Int(rank), visit, Draw.decomposition.rawValue) >= error
            tasks[i].graph.partsRight = true
            tasks[i].graph.phase = .parts
            tasks[i].criticalPath += service
            for part in 0..<Int(parts) {
                let member = Int(graph.members[Int(first) + part % Int(size)])
                request(i, member: member, node: n, difficulty: difficulty[i] * scale, &sim)
            }
        case (.parts, .decompose(_, _, _, _, _, _, _, let keep)):
            if !answer.right { tasks[i].graph.partsRight = false }
            tasks[i].graph.slowest = max(tasks[i].graph.slowest, service)
            guard tasks[i].graph.outstanding == 0 else { return }
            tasks[i].criticalPath += tasks[i].graph.slowest
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
        nodeTime[n] += sim.now - tasks[i].graph.entered
        if let next = next(i, from: n, now: sim.now) {
            enter(i, next, &sim)
        } else {
            complete(i, success: workRight(i), at: n, &sim)
        }
    }

    /// The node task `i` goes to from `n`: the target of the first edge whose condition holds
    /// and whose bound is not reached (a bound that stops an edge is counted in `edgeBoundHits`);
    /// nil when there is none. Counts the edge taken (against its bound), and an escalation.
    mutating func next(_ i: Int, from n: Int, now: Double) -> Int? {
        for e in Int(graph.firstEdge[n])..<Int(graph.firstEdge[n + 1]) {
            let edge = graph.edges[e]
            guard holds(Int(edge.firstTest)..<Int(edge.endTest), i, now: now) else { continue }
            let slot = i * graph.counterCount + graph.edgeCounter(e)
            if edge.limit >= 0 && graphCounters[slot] >= edge.limit {
                edgeBoundHits[e] += 1
                continue
            }
            graphCounters[slot] += 1
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
        case .attempts: return Double(graphCounters[i * graph.counterCount + graph.visitCounter(Int(state.node))])
        }
    }

    /// The orchestrator's estimate of task `i`'s difficulty: d + 0.2·(u − 0.5), u drawn per task
    /// (alike for all its trials).
    func estimatedDifficulty(_ i: Int) -> Double {
        difficulty[i] + 0.2 * (draw(.estimate, i / scenario.trials) - 0.5)
    }
}
