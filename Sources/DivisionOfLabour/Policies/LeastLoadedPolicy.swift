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
struct LeastLoadedPolicy: TeamPolicy {
    /// One group per type: all its capable workers.
    let groups: WorkerGroups
    /// Per task type, its idle capable workers keyed by busy time.
    var idle: [AgentHeap]
    /// Per task type, its waiting steps in posting order.
    var lines: [WaitingLine]

    init(_ team: TeamState) {
        groups = WorkerGroups(capable: team.capable, agents: team.scenario.agents, byProfile: false)
        idle = team.capable.map { AgentHeap(slots: $0.count) }
        lines = Array(repeating: WaitingLine(), count: team.capable.count)
        for a in team.workers.map(Int.init) { setIdle(a, busyTime: 0) }
    }

    mutating func stepReady(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
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

    mutating func workerStopped(_ a: Int, _ team: inout TeamState) {
        setIdle(a, busyTime: team.agents[a].busyTime)
    }

    mutating func workerFree(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        var oldest: (type: Int, entry: WaitingLine.Entry)?
        for type in lines.indices where groups.group(of: a, type: type) >= 0 && !lines[type].isEmpty {
            if let entry = lines[type].first(where: { team.isWaiting($0) }),
               oldest == nil || entry.ticket < oldest!.entry.ticket {
                oldest = (type, entry)
            }
        }
        guard let (type, entry) = oldest else { return }
        lines[type].removeFirst()
        team.take(Int(entry.step))
        team.messages += 1
        setBusy(a)
        team.start(Int(entry.step), agent: a, &sim)
    }

    /// Worker `a` joins the idle sets of its types, keyed by its busy time.
    mutating func setIdle(_ a: Int, busyTime: Double) {
        for type in idle.indices where groups.group(of: a, type: type) >= 0 {
            idle[type].update(groups.slot(of: a, type: type), key: busyTime)
        }
    }

    /// Worker `a` leaves the idle sets of its types.
    mutating func setBusy(_ a: Int) {
        for type in idle.indices where groups.group(of: a, type: type) >= 0 {
            idle[type].remove(groups.slot(of: a, type: type))
        }
    }
}
