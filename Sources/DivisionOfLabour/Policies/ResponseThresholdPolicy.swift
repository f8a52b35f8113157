import SimulationKernel

/// `response-threshold`: workers self-select from a shared board. An idle worker looks at it:
/// its stimulus for a type is the number of live steps of that type waiting (0 for types it
/// cannot do); it picks a type with probability proportional to its stimulus s (one uniform
/// draw, types in index order), engages with probability s²/(s² + θ²) (a second draw) and
/// takes the oldest waiting step of that type, its thresholds adapting (−learning for the type
/// done, +forgetting for the others, within [min, max]); otherwise it looks again after the
/// poll interval. A worker that sees nothing it can do sleeps until a step it can do is
/// posted: every idle worker not waiting for a poll then looks, in id order.
///
/// Tie rule: none among agents (the draws decide); the order of looks is the id order, and
/// a worker takes the step of the chosen type posted earliest.
///
/// Exact and fast. The stimuli are kept as counts per type (a step leaves the count when it is
/// taken or its job is abandoned), so a look is O(T) for T task types instead of a pass over
/// the board, and each type's waiting steps are a FIFO line. The "wake every idle worker not
/// waiting for a poll" pass is a heap of such workers per type, visited in id order while a
/// posted step of the type still waits: any other sleeper sees total stimulus 0 (it slept on
/// an empty board for all its types, and only a post of one of its types, which wakes it,
/// raises that), so its look draws nothing and changes nothing. The one exception is a worker
/// whose attempt has just ended and whose outcome is being applied (`stopped`): it has not
/// looked yet, so it is visited at its turn whatever the count. Every visit makes the worker
/// start or wait for a poll, so a visit is paid for by the event it causes: O(T log n)
/// amortised per event.
struct ResponseThresholdPolicy: TeamPolicy {
    let learning: Double
    let forgetting: Double
    let pollInterval: Double
    let minThreshold: Double
    let maxThreshold: Double
    let typeCount: Int
    /// One group per type: all its capable workers.
    let groups: WorkerGroups
    /// `thresholds[agent * typeCount + type]` (infinite for types the worker cannot do).
    var thresholds: [Double]
    var pollPending: [Bool]
    /// Per type, the capable workers that are idle and not waiting for a poll, by id.
    var sleepers: Table<AgentHeap>
    /// Per type, the waiting steps in posting order, and how many of them are live.
    var lines: Table<WaitingLine>
    var waiting: [Int]
    /// Per type, the stimulus of the worker looking (scratch, no allocation per look).
    var stimulus: [Double]
    /// The worker whose attempt has ended and whose `workerFree` has not come yet, or -1.
    var stopped = -1

    init(initialThreshold theta0: Double, learning: Double, forgetting: Double, pollInterval: Double,
         minThreshold: Double, maxThreshold: Double, _ team: TeamState) {
        self.learning = learning
        self.forgetting = forgetting
        self.pollInterval = pollInterval
        self.minThreshold = minThreshold
        self.maxThreshold = maxThreshold
        typeCount = team.capable.count
        groups = WorkerGroups(capable: team.capable, agents: team.scenario.agents, byProfile: false)
        thresholds = Array(repeating: .infinity, count: team.agents.count * typeCount)
        pollPending = Array(repeating: false, count: team.agents.count)
        sleepers = Table(team.capable.map { AgentHeap(slots: $0.count) })
        lines = Table((0..<typeCount).map { _ in WaitingLine() })
        waiting = Array(repeating: 0, count: typeCount)
        stimulus = Array(repeating: 0, count: typeCount)
        for a in team.workers.map(Int.init) {
            for (type, skill) in team.agents[a].profile.skills.enumerated() where skill > 0 {
                thresholds[a * typeCount + type] = min(max(theta0 / skill, minThreshold), maxThreshold)
            }
            setSleeping(a, true)
        }
    }

    mutating func stepReady(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        let type = Int(team.workload.stepType[step])
        let entry = team.post(step)
        lines[type].append(entry, isValid: { team.isWaiting($0) })
        waiting[type] += 1
        // Wake the sleepers of this type in id order while the step (or another of its type) waits.
        while waiting[type] > 0, let first = sleepers[type].first {
            lookAtBoard(Int(team.capable[type][Int(first.slot)]), &team, &sim)
            precondition(!sleepers[type].contains(Int(first.slot)), "a woken worker neither started nor waits for a poll")
        }
        // The others see nothing, except a worker whose attempt just ended and has not looked yet.
        if stopped >= 0, groups.group(of: stopped, type: type) >= 0,
           sleepers[type].contains(groups.slot(of: stopped, type: type)) {
            lookAtBoard(stopped, &team, &sim)
        }
    }

    mutating func workerStopped(_ a: Int, _ team: inout TeamState) {
        stopped = a
        if !pollPending[a] { setSleeping(a, true) }
    }

    mutating func workerFree(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        stopped = -1
        lookAtBoard(a, &team, &sim)
    }

    mutating func jobAbandoned(_ job: Int, _ team: inout TeamState) {
        let first = Int(team.workload.firstStep[job])
        let count = team.scenario.workflows[Int(team.workload.workflow[job])].steps.count
        for step in first..<first + count where team.steps[step].boardTicket >= 0 {
            waiting[Int(team.workload.stepType[step])] -= 1
            team.take(step)
        }
    }

    mutating func handle(_ event: TeamEvent, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        guard case .poll(let agent) = event else { preconditionFailure("response threshold scheduled no \(event)") }
        let a = Int(agent)
        pollPending[a] = false
        if team.agents[a].isIdle {
            setSleeping(a, true)
            lookAtBoard(a, &team, &sim)
        }
    }

    /// An idle worker weighs the board: picks a type by stimulus, engages or not, and
    /// otherwise looks again after the poll interval (unless a poll is already due).
    mutating func lookAtBoard(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        let skills = team.agents[a].profile.skills
        var total = 0.0
        for t in 0..<typeCount {
            stimulus[t] = skills[t] > 0 ? Double(waiting[t]) : 0
            total += stimulus[t]
        }
        guard total > 0 else { return }             // nothing this worker can do: sleep until woken
        var pick = team.random.uniform() * total
        var type = 0
        while type < typeCount - 1 && (stimulus[type] == 0 || pick >= stimulus[type]) {
            pick -= stimulus[type]
            type += 1
        }
        let s = stimulus[type]
        let theta = thresholds[a * typeCount + type]
        let engage = team.random.uniform() < s * s / (s * s + theta * theta)
        if engage, let entry = lines[type].first(where: { team.isWaiting($0) }) {
            lines[type].removeFirst()
            team.take(Int(entry.step))
            waiting[type] -= 1
            for t in 0..<typeCount where skills[t] > 0 {
                thresholds[a * typeCount + t] = t == type
                    ? max(minThreshold, thresholds[a * typeCount + t] - learning)
                    : min(maxThreshold, thresholds[a * typeCount + t] + forgetting)
            }
            setSleeping(a, false)
            if a == stopped { stopped = -1 }
            team.start(Int(entry.step), agent: a, &sim)
        } else if !pollPending[a] {
            pollPending[a] = true
            setSleeping(a, false)
            sim.schedule(.poll(agent: Int32(a)), after: pollInterval)
        }
    }

    /// Adds worker `a` to, or removes it from, the sleepers of every type it can do.
    mutating func setSleeping(_ a: Int, _ sleeping: Bool) {
        for type in sleepers.indices where groups.group(of: a, type: type) >= 0 {
            let slot = groups.slot(of: a, type: type)
            if sleeping { sleepers[type].update(slot, key: 0) } else { sleepers[type].remove(slot) }
        }
    }
}
