import SimulationKernel

/// An agent's state during a run.
struct TeamAgent {
    var profile: AgentProfile
    var current: Int32 = -1            // step (worker) or step under review (reviewer)
    var attemptStart = 0.0
    var busyTime = 0.0
    var queue: [Int32] = []            // local FIFO (push strategies), read from `head`
    var head = 0
    var backlog = 0.0                  // total planned duration of queued steps (contract-net bids)
    var isIdle: Bool { current < 0 }
}

/// A step's state during a run.
struct TeamStep {
    var remainingPredecessors: Int32 = 0
    var attempts: Int32 = 0
    var readyTime = 0.0
    var lastAgent: Int32 = -1
    var lastDuration = 0.0
    var lastCorrect = false
    /// The board ticket while the step waits on a built-in strategy's board, -1 otherwise.
    var boardTicket = -1
}

/// A job's state during a run.
struct TeamJob {
    var remainingSteps: Int32
    var ended = false
    var failed = false
}

/// The state of one run that every strategy shares: agents, steps, jobs, the reviewers'
/// queue and the tallies that become metrics, with the operations strategies carry out
/// their decisions with (`start`, `enqueueLocal`, `popLocal`, `post`, `take`).
///
/// Agents, jobs and steps are arrays indexed by integer ids. What a strategy keeps to decide
/// (idle sets, waiting lines, thresholds) is the strategy's own (`TeamPolicy`).
struct TeamState {
    let scenario: DivisionOfLabourScenario
    let workload: Workload
    /// The strategy's own random stream.
    let random: RandomStream
    var agents: [TeamAgent]
    let workers: [Int32]
    let reviewers: [Int32]
    /// Capable workers per task type, in id order.
    let capable: [[Int32]]
    /// Successor steps (offsets within the workflow) per workflow and step.
    let successors: [[[Int32]]]
    var steps: [TeamStep]
    var jobs: [TeamJob] = []
    var reviewQueue: [Int32] = []
    var reviewHead = 0
    /// Idle reviewers by slot (index in `reviewers`): the first is the lowest index.
    var idleReviewers: AgentHeap
    /// Index in `reviewers` per agent (-1 for workers).
    let reviewerSlot: [Int32]
    /// The next board ticket (`post`).
    var nextTicket = 0

    // Tallies.
    var arrived = 0
    var completed = 0
    var failedJobs = 0
    var lastJobEnd = 0.0
    var sojourns: [Double] = []
    var waitSum = 0.0
    var waitCount = 0
    var messages = 0
    var wastedWork = 0.0

    init(scenario: DivisionOfLabourScenario, workload: Workload, random: RandomStream) {
        self.scenario = scenario
        self.workload = workload
        self.random = random
        agents = scenario.agents.map { TeamAgent(profile: $0) }
        workers = scenario.agents.indices.filter { scenario.agents[$0].role == .worker }.map { Int32($0) }
        reviewers = scenario.agents.indices.filter { scenario.agents[$0].role == .reviewer }.map { Int32($0) }
        capable = scenario.taskTypes.indices.map { type in
            scenario.agents.indices.filter {
                scenario.agents[$0].role == .worker && scenario.agents[$0].skills[type] > 0
            }.map { Int32($0) }
        }
        successors = scenario.workflows.map { workflow in
            var next = Array(repeating: [Int32](), count: workflow.steps.count)
            for (index, step) in workflow.steps.enumerated() {
                for p in step.predecessors { next[p].append(Int32(index)) }
            }
            return next
        }
        steps = Array(repeating: TeamStep(), count: workload.stepCount)
        idleReviewers = AgentHeap(slots: reviewers.count)
        var reviewerSlot = [Int32](repeating: -1, count: scenario.agents.count)
        for (slot, r) in reviewers.enumerated() {
            idleReviewers.update(slot, key: 0)
            reviewerSlot[Int(r)] = Int32(slot)
        }
        self.reviewerSlot = reviewerSlot
        jobs.reserveCapacity(workload.jobCount)
        sojourns.reserveCapacity(workload.jobCount)
    }

    // MARK: Work

    /// Agent `a` starts an attempt at `step` now.
    mutating func start(_ step: Int, agent a: Int, _ sim: inout Simulation<TeamEvent>) {
        let type = Int(workload.stepType[step])
        let duration = scenario.duration(agents[a].profile, type: type, size: workload.stepSize[step])
        agents[a].current = Int32(step)
        agents[a].attemptStart = sim.now
        waitSum += sim.now - steps[step].readyTime
        waitCount += 1
        sim.schedule(.attemptDone(agent: Int32(a)), after: duration)
    }

    func isLive(_ step: Int) -> Bool { !jobs[Int(workload.stepJob[step])].ended }

    /// Puts a step in an agent's own queue, or starts it at once if the agent is idle with
    /// an empty queue (a step of an abandoned job is then dropped).
    mutating func enqueueLocal(_ step: Int, agent a: Int, _ sim: inout Simulation<TeamEvent>) {
        if agents[a].isIdle && agents[a].head == agents[a].queue.count {
            if isLive(step) { start(step, agent: a, &sim) }
            return
        }
        agents[a].queue.append(Int32(step))
        agents[a].backlog += plannedDuration(step, agent: a)
    }

    /// Takes the next live step from the agent's own queue, if any. Amortised O(1): the
    /// queue is read from a head index and compacted when the head passes half of it.
    mutating func popLocal(_ a: Int) -> Int? {
        while agents[a].head < agents[a].queue.count {
            let step = Int(agents[a].queue[agents[a].head])
            agents[a].head += 1
            agents[a].backlog -= plannedDuration(step, agent: a)
            if agents[a].head == agents[a].queue.count {
                agents[a].queue.removeAll(keepingCapacity: true)
                agents[a].head = 0
                agents[a].backlog = 0
            } else if agents[a].head >= 1024 && agents[a].head * 2 >= agents[a].queue.count {
                agents[a].queue.removeFirst(agents[a].head)
                agents[a].head = 0
            }
            if isLive(step) { return step }
        }
        return nil
    }

    /// A push strategy's freed worker: it starts the next live step of its own queue, if any.
    mutating func serveOwnQueue(_ a: Int, _ sim: inout Simulation<TeamEvent>) {
        if let step = popLocal(a) { start(step, agent: a, &sim) }
    }

    func plannedDuration(_ step: Int, agent a: Int) -> Double {
        scenario.duration(agents[a].profile, type: Int(workload.stepType[step]), size: workload.stepSize[step])
    }

    func successProbability(_ step: Int, agent a: Int) -> Double {
        scenario.successProbability(
            agents[a].profile, type: Int(workload.stepType[step]), difficulty: workload.stepDifficulty[step])
    }

    // MARK: The board

    /// Posts `step` on the board: gives it the next ticket (ascending in posting order).
    mutating func post(_ step: Int) -> WaitingLine.Entry {
        let ticket = nextTicket
        nextTicket += 1
        steps[step].boardTicket = ticket
        return WaitingLine.Entry(step: Int32(step), ticket: ticket)
    }

    /// Whether `entry` still stands for a step waiting on the board: the step was posted
    /// with that ticket, has not been taken since, and its job goes on.
    func isWaiting(_ entry: WaitingLine.Entry) -> Bool {
        steps[Int(entry.step)].boardTicket == entry.ticket && isLive(Int(entry.step))
    }

    /// Takes `step` off the board.
    mutating func take(_ step: Int) { steps[step].boardTicket = -1 }

    // MARK: Reviews

    /// A finished attempt at `step` joins the reviewers' queue; the idle reviewer with the
    /// lowest index, if any, starts on it.
    mutating func queueForReview(_ step: Int, _ sim: inout Simulation<TeamEvent>) {
        reviewQueue.append(Int32(step))
        if let idle = idleReviewers.first { startReview(Int(reviewers[Int(idle.slot)]), &sim) }
    }

    /// Reviewer `r`, idle, takes the oldest attempt waiting for review, or joins the idle ones.
    mutating func startReview(_ r: Int, _ sim: inout Simulation<TeamEvent>) {
        let slot = Int(reviewerSlot[r])
        guard reviewHead < reviewQueue.count else {
            idleReviewers.update(slot, key: 0)
            return
        }
        idleReviewers.remove(slot)
        let step = Int(reviewQueue[reviewHead])
        reviewHead += 1
        if reviewHead > 1024 && reviewHead * 2 > reviewQueue.count {
            reviewQueue.removeFirst(reviewHead)
            reviewHead = 0
        }
        agents[r].current = Int32(step)
        agents[r].attemptStart = sim.now
        let time = workload.reviewTime[step * workload.maxAttempts + Int(steps[step].attempts)]
        sim.schedule(.reviewDone(agent: Int32(r)), after: max(time, 0))
    }
}
