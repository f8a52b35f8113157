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
    /// Carries the instance in slot `s` into node `n` and through the instant nodes after it
    /// (verify, branch), up to a node that waits for answers or an end. A loop, iterative: the instant nodes of a
    /// valid graph form no cycle, so this visits each at most once per call.
    mutating func enter(_ s: Int, _ n: Int, _ sim: inout Simulation<CallEvent>) {
        let base = s * graph.counterCount
        var n = n
        while true {
            counters[base + graph.visitCounter(n)] += 1
            slots[s].graph.node = Int32(n)
            slots[s].graph.stage &+= 1
            slots[s].graph.outstanding = 0
            slots[s].graph.slowest = 0
            slots[s].graph.entered = sim.now
            let d = slots[s].difficulty
            switch graph.steps[n] {
            case .call(let member, let scale, _):
                slots[s].graph.phase = .call
                request(s, member: Int(member), node: n, difficulty: scale * d, &sim)
                return
            case .parallel(let first, let size, let count, let merge, let influence):
                let peers = slots[s].graph.votes.shareRight
                slots[s].graph.votes = VoteTally()
                slots[s].graph.best = .failed
                slots[s].graph.phase = merge == .firstValid ? .race : .gather
                for slot in 0..<Int(count) {
                    let member = Int(graph.members[Int(first) + slot % Int(size)])
                    request(s, member: member, node: n, difficulty: d, influence: influence, peers: peers, &sim)
                }
                return
            case .review(let member):
                slots[s].graph.phase = .review
                request(s, member: Int(member), node: n, difficulty: d, &sim)
                return
            case .decompose(let lead, _, _, _, _, _, _, _):
                slots[s].graph.phase = .decompose
                request(s, member: Int(lead), node: n, difficulty: d, &sim)
                return
            case .verify(let accuracy, let cost, let rank):
                let visit = Int(counters[base + graph.visitCounter(n)]) - 1
                let answer = slots[s].graph.answer
                var accepted = false
                if answer.valid {
                    slots[s].cost += cost
                    nodeCost[n] += cost
                    let u = random.uniform(Int(slots[s].instance), Int(rank), visit, Draw.verifier.rawValue)
                    accepted = answer.correct ? u < accuracy : u >= accuracy
                }
                slots[s].graph.accepted = accepted
            case .branch:
                break
            case .end:
                complete(s, success: workRight(s), at: n, &sim)
                return
            }
            guard let next = next(s, from: n, now: sim.now) else {
                complete(s, success: workRight(s), at: n, &sim)
                return
            }
            n = next
        }
    }

    /// Request `r` came back with `answer` (a failed answer when every call failed). An answer
    /// for a task that has moved on (or ended) since is ignored: its calls were paid all the same.
    mutating func graphAnswered(_ r: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        let s = Int(requests[r].task)
        guard !slots[s].done, requests[r].stage == slots[s].graph.stage else { return }
        slots[s].graph.outstanding -= 1
        let service = requests[r].service
        let n = Int(slots[s].graph.node)
        switch (slots[s].graph.phase, graph.steps[n]) {
        case (.call, .call(_, _, let keep)):
            slots[s].graph.answer = answer
            if keep >= 0 { counters[s * graph.counterCount + Int(keep)] = answer.right ? 1 : 2 }
            slots[s].criticalPath += service
            leave(s, n, &sim)
        case (.race, _):
            slots[s].graph.votes.count(answer)
            slots[s].graph.slowest = max(slots[s].graph.slowest, service)
            if answer.valid {
                // The first valid answer wins; the path waited only for it.
                slots[s].graph.answer = answer
                slots[s].criticalPath += service
                leave(s, n, &sim)
            } else if slots[s].graph.outstanding == 0 {
                slots[s].graph.answer = .failed
                slots[s].criticalPath += slots[s].graph.slowest
                leave(s, n, &sim)
            }
        case (.gather, .parallel(_, _, _, let merge, _)):
            slots[s].graph.votes.count(answer)
            slots[s].graph.slowest = max(slots[s].graph.slowest, service)
            if answer.valid && (!slots[s].graph.best.valid || answer.confidence > slots[s].graph.best.confidence) {
                slots[s].graph.best = answer
            }
            guard slots[s].graph.outstanding == 0 else { return }
            slots[s].criticalPath += slots[s].graph.slowest
            let votes = slots[s].graph.votes
            switch merge {
            case .judge(let judge) where votes.right > 0:
                slots[s].graph.phase = .judge
                request(s, member: Int(judge), node: n, difficulty: slots[s].difficulty, &sim)
                return
            case .bestConfidence:
                slots[s].graph.answer = slots[s].graph.best
            case .vote, .judge, .firstValid:
                // The vote (or a judge with no right answer to pick): the majority's answer,
                // as confident as the share of valid answers that agree with it.
                let right = merge == .vote && votes.majorityRight
                let agreeing = right ? votes.right : votes.valid - votes.right
                slots[s].graph.answer = Answer(valid: votes.valid > 0, correct: right,
                                               confidence: votes.valid > 0 ? Double(agreeing) / Double(votes.valid) : 0)
            }
            leave(s, n, &sim)
        case (.judge, _):
            slots[s].graph.answer = answer
            slots[s].criticalPath += service
            leave(s, n, &sim)
        case (.review, _):
            let good = workRight(s)
            slots[s].graph.accepted = answer.right ? good : !good
            slots[s].criticalPath += service
            leave(s, n, &sim)
        case (.decompose, .decompose(_, let first, let size, let parts, let error, let scale, let rank, _)):
            let visit = Int(counters[s * graph.counterCount + graph.visitCounter(n)]) - 1
            slots[s].graph.decompositionRight =
                answer.valid && random.uniform(Int(slots[s].instance), Int(rank), visit, Draw.decomposition.rawValue) >= error
            slots[s].graph.partsRight = true
            slots[s].graph.phase = .parts
            slots[s].criticalPath += service
            for part in 0..<Int(parts) {
                let member = Int(graph.members[Int(first) + part % Int(size)])
                request(s, member: member, node: n, difficulty: slots[s].difficulty * scale, &sim)
            }
        case (.parts, .decompose(_, _, _, _, _, _, _, let keep)):
            if !answer.right { slots[s].graph.partsRight = false }
            slots[s].graph.slowest = max(slots[s].graph.slowest, service)
            guard slots[s].graph.outstanding == 0 else { return }
            slots[s].criticalPath += slots[s].graph.slowest
            let right = slots[s].graph.decompositionRight && slots[s].graph.partsRight
            counters[s * graph.counterCount + Int(keep)] = right ? 1 : 2
            slots[s].graph.answer = Answer(valid: true, correct: right, confidence: right ? 1 : 0)
            leave(s, n, &sim)
        default:
            preconditionFailure("graph: an answer for phase \(slots[s].graph.phase) at node \(n)")
        }
    }

    /// The instance in slot `s` is done with node `n`: it moves on (see `next`), or ends with
    /// its work.
    mutating func leave(_ s: Int, _ n: Int, _ sim: inout Simulation<CallEvent>) {
        nodeTime[n] += sim.now - slots[s].graph.entered
        if let next = next(s, from: n, now: sim.now) {
            enter(s, next, &sim)
        } else {
            complete(s, success: workRight(s), at: n, &sim)
        }
    }

    /// The node the instance in slot `s` goes to from `n`: the target of the first edge whose
    /// condition holds and whose bound is not reached (a bound that stops an edge is counted in
    /// `edgeBoundHits`); nil when there is none. Counts the edge taken (against its bound), and
    /// an escalation.
    mutating func next(_ s: Int, from n: Int, now: Double) -> Int? {
        for e in Int(graph.firstEdge[n])..<Int(graph.firstEdge[n + 1]) {
            let edge = graph.edges[e]
            guard holds(Int(edge.firstTest)..<Int(edge.endTest), s, now: now) else { continue }
            let slot = s * graph.counterCount + graph.edgeCounter(e)
            if edge.limit >= 0 && counters[slot] >= edge.limit {
                edgeBoundHits[e] += 1
                continue
            }
            counters[slot] += 1
            if edge.escalation { slots[s].escalations += 1 }
            return Int(edge.target)
        }
        return nil
    }

    /// The work of the instance in slot `s` is right: its current answer is, and every kept
    /// part it has.
    func workRight(_ s: Int) -> Bool {
        guard slots[s].graph.answer.right else { return false }
        for slot in graph.keptSlots where counters[s * graph.counterCount + Int(slot)] == 2 { return false }
        return true
    }

    /// Whether the graph's tests at `range` all hold for the instance in slot `s` at time
    /// `now`.
    func holds(_ range: Range<Int>, _ s: Int, now: Double) -> Bool {
        for t in range where !graph.tests[t].holds(observe(graph.tests[t].observable, s, now: now)) { return false }
        return true
    }

    /// The value of `observable` for the instance in slot `s` at time `now`.
    func observe(_ observable: GraphTest.Observable, _ s: Int, now: Double) -> Double {
        let state = slots[s].graph
        switch observable {
        case .failed: return state.answer.valid ? 0 : 1
        case .confidence: return state.answer.valid ? state.answer.confidence : 0
        case .accepted: return state.accepted ? 1 : 0
        case .estimatedDifficulty: return estimatedDifficulty(s)
        case .risk: return slots[s].risk
        case .cost: return slots[s].cost
        case .elapsed: return now - slots[s].arrival
        case .attempts: return Double(counters[s * graph.counterCount + graph.visitCounter(Int(state.node))])
        }
    }

    /// The orchestrator's estimate of the difficulty of the instance in slot `s`:
    /// d + 0.2·(u − 0.5), u drawn per task (alike for all its trials).
    func estimatedDifficulty(_ s: Int) -> Double {
        slots[s].difficulty + 0.2 * (draw(.estimate, Int(slots[s].instance) / scenario.trials) - 0.5)
    }
}
