import SimulationKernel

/// `skill-routing`: a central board; a step only goes to workers whose success probability p
/// is ≥ the bar (`min-success`, lowered to the best p among the type's capable workers when
/// nobody reaches it) and > 0, and among idle qualified workers to the one with the lowest
/// expected cost per correct result, `cost rate · duration / p`; otherwise it waits, and a
/// freed worker takes the oldest waiting step it qualifies for.
///
/// Tie rule: among equal costs, the lowest agent id (the reference scan replaces its choice
/// only on a strictly smaller cost, and never picks an infinite or NaN cost). A freed worker
/// takes the step posted earliest among those it qualifies for.
///
/// No single heap key exists: p and the cost depend on the step's size and difficulty as well
/// as on the agent (`exp(−sensitivity · max(0, d − skill))`), and the order of two agents'
/// computed costs can change from step to step. Exact and faster: the capable workers of a
/// type are grouped into profile classes (same speed, skill, reliability and cost rate,
/// `WorkerGroups`), whose members have the same p and cost for every step of the type, bit for
/// bit. A decision evaluates each class once (one `exp`), takes the lowest idle id of the best
/// class from a per-class heap, and ties between classes by that id; the chosen worker leaves
/// the idle heaps of its T types: O(C + T log n) with C the type's number of classes, instead
/// of two `exp` per capable agent. A waiting step is posted in the FIFO line of every class
/// that qualifies for it (qualification is per class too), so a freed worker compares the
/// heads of its classes' lines, one per type it can do.
/// C is the number of distinct profiles, a handful in every shipped scenario (they come from
/// `count:` groups); it is not bounded by a constant if every agent is different.
struct SkillRoutingPolicy: TeamPolicy {
    let minSuccess: Double
    /// Profile classes per type.
    let classes: WorkerGroups
    /// Per type and class, the idle members by id.
    var idle: Table<Table<AgentHeap>>
    /// Per type and class, the waiting steps the class qualifies for, in posting order.
    var lines: Table<Table<WaitingLine>>
    /// Per class of the type being decided, p (scratch, no allocation per decision).
    var probability: [Double]

    init(minSuccess: Double, _ team: TeamState) {
        self.minSuccess = minSuccess
        classes = WorkerGroups(capable: team.capable, agents: team.scenario.agents, byProfile: true)
        idle = Table(classes.groups.map { Table($0.map { AgentHeap(slots: $0.count) }) })
        lines = Table(classes.groups.map { Table($0.map { _ in WaitingLine() }) })
        probability = Array(repeating: 0, count: classes.groups.map(\.count).max() ?? 0)
        for a in team.workers.map(Int.init) { setIdle(a) }
    }

    mutating func stepReady(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        let type = Int(team.workload.stepType[step])
        let members = classes.groups[type]
        // The bar: min(min-success, the best p among all capable workers).
        var top = 0.0
        for c in members.indices {
            probability[c] = team.successProbability(step, agent: Int(members[c][0]))
            top = max(top, probability[c])
        }
        let bar = min(minSuccess, top)
        var best = -1
        var bestCost = Double.infinity
        for c in members.indices {
            let p = probability[c]
            guard p >= bar, p > 0, let first = idle[type][c].first else { continue }
            let a = Int(members[c][Int(first.slot)])
            let cost = team.agents[a].profile.costRate * team.plannedDuration(step, agent: a) / p
            if cost < bestCost || (cost == bestCost && best >= 0 && a < best) {
                best = a
                bestCost = cost
            }
        }
        if best >= 0 {
            team.messages += 1
            setBusy(best)
            team.start(step, agent: best, &sim)
            return
        }
        let entry = team.post(step)
        for c in members.indices where probability[c] > 0 && probability[c] >= bar {
            lines[type][c].append(entry, isValid: { team.isWaiting($0) })
        }
    }

    mutating func workerStopped(_ a: Int, _ team: inout TeamState) {
        setIdle(a)
    }

    mutating func workerFree(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        var oldest: (type: Int, group: Int, entry: WaitingLine.Entry)?
        for type in lines.indices {
            let c = classes.group(of: a, type: type)
            guard c >= 0 else { continue }
            if let entry = lines[type][c].first(where: { team.isWaiting($0) }),
               oldest == nil || entry.ticket < oldest!.entry.ticket {
                oldest = (type, c, entry)
            }
        }
        guard let (type, c, entry) = oldest else { return }
        lines[type][c].removeFirst()
        team.take(Int(entry.step))
        team.messages += 1
        setBusy(a)
        team.start(Int(entry.step), agent: a, &sim)
    }

    mutating func setIdle(_ a: Int) {
        for type in idle.indices {
            let c = classes.group(of: a, type: type)
            if c >= 0 { idle[type][c].update(classes.slot(of: a, type: type), key: 0) }
        }
    }

    mutating func setBusy(_ a: Int) {
        for type in idle.indices {
            let c = classes.group(of: a, type: type)
            if c >= 0 { idle[type][c].remove(classes.slot(of: a, type: type)) }
        }
    }
}
