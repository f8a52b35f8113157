import SimulationKernel

/// `contract-net`: the manager announces each ready step to every capable worker; when the
/// announcement arrives (one message delay later) each bids, and the award (two delays after
/// that) puts the step in the winner's FIFO queue. Bids: `earliest-finish`, the expected
/// finish of a correct result, `backlog + remaining time of the current attempt + duration / p`;
/// `cheapest`, the expected cost of a correct result, `cost rate · duration / p`.
///
/// Tie rule: among equal bids, the lowest agent id (the reference scan replaces its choice
/// only on a strictly smaller bid, never takes an infinite or NaN one, and falls back to the
/// first capable worker when no bid is finite).
///
/// No single heap key exists: `duration / p` depends on the step and the agent, and the
/// remaining time on the clock. Exact and faster, over the type's profile classes
/// (`WorkerGroups`), whose members share `duration / p` bit for bit:
/// - `cheapest`: a class's members bid the same, so the class's lowest id stands for it:
///   O(C) per announcement for C classes, one `exp` each, whatever the number of agents.
/// - `earliest-finish`: idle workers have an empty queue and bid exactly `duration / p`, so a
///   class's lowest idle id (a heap) stands for them. Busy workers are kept per class in a heap
///   keyed by `backlog + planned end of the current attempt`, which orders their bids up to
///   rounding: a bid is at least `key − now − margin`, with `margin` a generous bound on the
///   rounding of the bid and the key. The heap is walked from its root, and a subtree is cut
///   as soon as that lower bound, plus `duration / p`, exceeds the best bid so far; every
///   worker not cut has its bid computed exactly as the reference does. So the winner is the
///   reference's, bit for bit, at O(C log n + k) per announcement, where k counts the busy
///   workers whose bids lie within rounding of the best (ties, usually a handful) and the
///   heap nodes just beyond them. Keeping the heaps costs O(T log n) per award and per freed
///   worker.
/// Counting the messages (`2n + 1` per assignment) is O(1).
struct ContractNetPolicy: TeamPolicy {
    let delay: Double
    let award: AwardCriterion
    /// Profile classes per type.
    let classes: WorkerGroups
    /// `earliest-finish` only: per type and class, the idle members by id, and the busy ones
    /// keyed by backlog + planned end of the current attempt.
    var idle: Table<Table<AgentHeap>>
    var busy: Table<Table<AgentHeap>>
    /// The largest |backlog| + |planned end| of any key so far: the scale of rounding errors.
    var magnitude = 0.0
    /// Per class of the type being decided, `duration / p` (scratch).
    var rate: [Double]

    init(messageDelay: Double, award: AwardCriterion, _ team: TeamState) {
        delay = messageDelay
        self.award = award
        classes = WorkerGroups(capable: team.capable, agents: team.scenario.agents, byProfile: true)
        // Cells for every member only where they are used (`earliest-finish`): at 10^6 agents
        // each set takes tens of MiB.
        let heapsUsed = award == .earliestFinish
        idle = Table(classes.groups.map { Table($0.map { AgentHeap(slots: heapsUsed ? $0.count : 0) }) })
        busy = Table(classes.groups.map { Table($0.map { AgentHeap(slots: heapsUsed ? $0.count : 0) }) })
        rate = Array(repeating: 0, count: classes.groups.map(\.count).max() ?? 0)
        if award == .earliestFinish {
            for a in team.workers.map(Int.init) { refresh(a, team) }
        }
    }

    mutating func stepReady(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        team.messages += team.capable[Int(team.workload.stepType[step])].count      // announcements
        sim.schedule(.announce(step: Int32(step)), after: delay)
    }

    mutating func workerFree(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        team.serveOwnQueue(a, &sim)
        if award == .earliestFinish { refresh(a, team) }
    }

    mutating func handle(_ event: TeamEvent, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        switch event {
        case .announce(let step):
            announce(Int(step), &team, &sim)
        case .awarded(let step, let agent):
            team.enqueueLocal(Int(step), agent: Int(agent), &sim)
            if award == .earliestFinish { refresh(Int(agent), team) }
        default:
            preconditionFailure("contract net scheduled no \(event)")
        }
    }

    /// The announcement arrives; every capable worker bids from what it knows now, and the
    /// manager awards the step; bid and award each take one message delay.
    mutating func announce(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        guard team.isLive(step) else { return }
        let type = Int(team.workload.stepType[step])
        team.messages += team.capable[type].count                                   // bids
        var best = -1
        var bestBid = Double.infinity
        func consider(_ bid: Double, _ a: Int) {
            if bid < bestBid || (bid == bestBid && best >= 0 && a < best) {
                best = a
                bestBid = bid
            }
        }
        let members = classes.groups[type]
        switch award {
        case .cheapest:
            for c in members.indices {
                let a = Int(members[c][0])
                let p = team.successProbability(step, agent: a)
                guard p > 0 else { continue }
                consider(team.agents[a].profile.costRate * team.plannedDuration(step, agent: a) / p, a)
            }
        case .earliestFinish:
            let now = sim.now
            // Idle members bid duration / p (their backlog is 0); each busy heap's root bids
            // exactly: together a first best bid to cut the walks below with.
            for c in members.indices {
                let representative = Int(members[c][0])
                let p = team.successProbability(step, agent: representative)
                guard p > 0 else {
                    rate[c] = .nan
                    continue
                }
                rate[c] = team.plannedDuration(step, agent: representative) / p
                if let first = idle[type][c].first {
                    let a = Int(members[c][Int(first.slot)])
                    consider(team.agents[a].backlog + rate[c], a)
                }
                if let root = busy[type][c].first {
                    let a = Int(members[c][Int(root.slot)])
                    consider(Self.bid(of: a, rate: rate[c], team, now: now), a)
                }
            }
            let margin = (magnitude + now) * 0x1p-44
            for c in members.indices where !rate[c].isNaN {
                let x = rate[c]
                busy[type][c].visit { entry in
                    guard (entry.key - now - margin) + x <= bestBid else { return false }
                    let a = Int(members[c][Int(entry.slot)])
                    consider(Self.bid(of: a, rate: x, team, now: now), a)
                    return true
                }
            }
        }
        if best < 0 { best = Int(team.capable[type][0]) }
        team.messages += 1                                                          // award
        sim.schedule(.awarded(step: Int32(step), agent: Int32(best)), after: 2 * delay)
    }

    /// Worker `a`'s earliest-finish bid for a step it does at `duration / p` = `rate`, exactly
    /// as the reference computes it.
    static func bid(of a: Int, rate: Double, _ team: TeamState, now: Double) -> Double {
        var backlog = team.agents[a].backlog
        if !team.agents[a].isIdle, team.agents[a].profile.role == .worker {
            let current = Int(team.agents[a].current)
            backlog += max(0, team.agents[a].attemptStart + team.plannedDuration(current, agent: a) - now)
        }
        return backlog + rate
    }

    /// Puts worker `a` in the idle or the busy heaps of its classes, as it now is
    /// (`earliest-finish` only). An idle worker's queue is empty and its backlog 0.
    mutating func refresh(_ a: Int, _ team: TeamState) {
        let agent = team.agents[a]
        var key = 0.0
        if !agent.isIdle {
            let end = agent.attemptStart + team.plannedDuration(Int(agent.current), agent: a)
            key = agent.backlog + end
            magnitude = max(magnitude, abs(agent.backlog) + abs(end))
        }
        for type in idle.indices {
            let c = classes.group(of: a, type: type)
            guard c >= 0 else { continue }
            let slot = classes.slot(of: a, type: type)
            if agent.isIdle {
                busy[type][c].remove(slot)
                idle[type][c].update(slot, key: 0)
            } else {
                idle[type][c].remove(slot)
                busy[type][c].update(slot, key: key)
            }
        }
    }
}
