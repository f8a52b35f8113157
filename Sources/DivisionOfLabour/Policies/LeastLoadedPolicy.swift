import SimulationKernel

/// `least-loaded`: a central board; a ready step starts at once on the idle capable worker
/// with the least busy time so far, otherwise waits; a freed worker takes the oldest waiting
/// step it can do.
///
/// Tie rule: among idle capable workers with equal busy time, the lowest agent id (the
/// reference scan keeps the first in id order and replaces it only on a strictly smaller
/// busy time). A freed worker takes the step posted earliest (lowest ticket) among the
/// steps of the types it can do.
///
/// Exact and fast: per task type, a heap of the idle capable workers keyed by (busy time,
/// id) — a worker's busy time does not change while it is idle — and a FIFO line of the
/// waiting steps. A decision is O(T log n) for T task types: entering or leaving the idle set
/// touches the heaps of the types the worker can do; a freed worker compares the heads of
/// those types' lines.
///
/// A worker that has just stopped joins the idle heaps lazily (`stopped`): only when a step
/// becomes ready before it is freed, or when, freed, it finds no waiting step. A worker that
/// takes a waiting step at once — most of them under load — thus never enters and leaves the
/// heaps, and every decision still sees exactly the idle set of the eager rule (a heap's
/// `first` is the least (busy time, id), whatever the order of its updates).
struct LeastLoadedPolicy: TeamPolicy {
    /// One group per type: all its capable workers.
    let groups: WorkerGroups
    /// Per task type, its idle capable workers keyed by busy time.
    var idle: Table<AgentHeap>
    /// Per task type, its waiting steps in posting order.
    var lines: Table<WaitingLine>
    /// The worker that has stopped and is not yet in the idle heaps (`workerStopped`), or -1.
    var stopped = -1

    init(_ team: TeamState) {
        groups = WorkerGroups(capable: team.capable, agents: team.scenario.agents, byProfile: false)
        idle = Table(team.capable.map { AgentHeap(slots: $0.count) })
        lines = Table(team.capable.map { _ in WaitingLine() })
        for a in team.workers.map(Int.init) { setIdle(a, busyTime: 0) }
    }

    @inline(__always)
    mutating func stepReady(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        joinStopped(&team)
        let type = Int(team.workload.stepType[step])
        if let best = idle[type].first {
            let a = Int(team.capable[type][Int(best.slot)])
            team.messages += 1
            setBusy(a)
            team.start(step, agent: a, &sim)
        } else {
            let entry = team.post(step)
            lines[type].append(entry, isValid: { team.isWaiting($0) })
        }
    }

    /// The worker joins the idle heaps lazily (`joinStopped`): see the type's comment.
    mutating func workerStopped(_ a: Int, _ team: inout TeamState) {
        joinStopped(&team)
        stopped = a
    }

    /// The stopped worker, if any, joins the idle heaps, keyed by its busy time (which does
    /// not change while it is idle).
    @inline(__always)
    mutating func joinStopped(_ team: inout TeamState) {
        guard stopped >= 0 else { return }
        setIdle(stopped, busyTime: team.agents[stopped].busyTime)
        stopped = -1
    }

    @inline(__always)
    mutating func workerFree(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        var oldest: (type: Int, entry: WaitingLine.Entry)?
        for type in lines.indices where groups.group(of: a, type: type) >= 0 && !lines[type].isEmpty {
            if let entry = lines[type].first(where: { team.isWaiting($0) }),
               oldest == nil || entry.ticket < oldest!.entry.ticket {
                oldest = (type, entry)
            }
        }
        guard let (type, entry) = oldest else {
            joinStopped(&team)
            return
        }
        lines[type].removeFirst()
        team.take(Int(entry.step))
        team.messages += 1
        // Still out of the heaps if it stopped just before (`stopped`): nothing to leave.
        if stopped == a { stopped = -1 } else { setBusy(a) }
        team.start(Int(entry.step), agent: a, &sim)
    }

    /// Worker `a` joins the idle sets of its types, keyed by its busy time.
    @inline(__always)
    mutating func setIdle(_ a: Int, busyTime: Double) {
        for type in idle.indices where groups.group(of: a, type: type) >= 0 {
            idle[type].update(groups.slot(of: a, type: type), key: busyTime)
        }
    }

    /// Worker `a` leaves the idle sets of its types.
    @inline(__always)
    mutating func setBusy(_ a: Int) {
        for type in idle.indices where groups.group(of: a, type: type) >= 0 {
            idle[type].remove(groups.slot(of: a, type: type))
        }
    }
}
