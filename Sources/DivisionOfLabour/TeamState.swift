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

/// A step's state during a run (40 bytes: the 32-bit fields first).
struct TeamStep {
    var remainingPredecessors: Int32 = 0
    var attempts: Int32 = 0
    var lastAgent: Int32 = -1
    var lastCorrect = false
    var readyTime = 0.0
    var lastDuration = 0.0
    /// The board ticket while the step waits on a built-in strategy's board, -1 otherwise.
    var boardTicket = -1
}

/// A job's state during a run.
struct TeamJob {
    var remainingSteps: Int32
    var ended = false
    var failed = false
    /// References to the job's steps that need its data after it may have ended: attempts
    /// and reviews in progress, entries in agents' own queues, strategy messages in transit
    /// (`TeamState.hold`). The job is released once it has ended with none left.
    var holds: Int32 = 0
}

/// The scenario's workflows as flat integer arrays, so that drawing, starting and finishing a
/// job reads integers (no array of arrays to retain on the way): workflow w's steps are the
/// entries `start[w] ..< start[w + 1]`, in order; step i's successors (offsets within its
/// workflow, ascending, as its dependants list it) are `successors[successorStart[i] ..<
/// successorStart[i + 1]]`.
struct WorkflowTemplates {
    let start: [Int32]
    let type: [Int32]
    let predecessorCount: [Int32]
    let successorStart: [Int32]
    let successors: [Int32]

    init(_ workflows: [Workflow]) {
        var start: [Int32] = [0], type: [Int32] = [], predecessorCount: [Int32] = []
        var successorStart: [Int32] = [0], successors: [Int32] = []
        for workflow in workflows {
            var next = Array(repeating: [Int32](), count: workflow.steps.count)
            for (index, step) in workflow.steps.enumerated() {
                for p in step.predecessors { next[p].append(Int32(index)) }
            }
            for (index, step) in workflow.steps.enumerated() {
                type.append(Int32(step.type))
                predecessorCount.append(Int32(step.predecessors.count))
                successors += next[index]
                successorStart.append(Int32(successors.count))
            }
            start.append(Int32(type.count))
        }
        self.start = start
        self.type = type
        self.predecessorCount = predecessorCount
        self.successorStart = successorStart
        self.successors = successors
    }
}

/// The state of one run that every strategy shares: agents, steps, jobs, the reviewers'
/// queue and the tallies that become metrics, with the operations strategies carry out
/// their decisions with (`start`, `enqueueLocal`, `popLocal`, `post`, `take`).
///
/// Agents are a table indexed by id. Jobs and steps keep the global ids they are drawn with
/// (job k's steps follow job k − 1's), but only the jobs the run still needs are kept: the
/// workload is drawn one job at a time as jobs arrive (`drawNextJob`), and a job's draws
/// (`workload`) and state (`jobs`, `steps`) live in pool slots from the moment it is drawn
/// until it is released — once it has ended and nothing refers to its steps any more
/// (`hold`, `release`) — when its slots are handed to later jobs (see `LiveWorkload` for
/// the two tiers and their invariant). So memory is bounded by the jobs in flight (arrived
/// and not ended, or ended and still referred to, plus the next to arrive), with 4 bytes per
/// id of the window from the oldest of them to the newest, not by the length of the run.
/// Strategies' waiting lines and boards may keep step ids of released jobs: `isLive` and
/// `isWaiting` are false for them, from the id rings alone.
///
/// What a strategy keeps to decide (idle sets, waiting lines, thresholds) is the strategy's
/// own (`TeamPolicy`).
struct TeamState {
    let scenario: DivisionOfLabourScenario
    /// The draws of the jobs not released.
    var workload: LiveWorkload
    /// Draws the next jobs.
    var generator: WorkloadGenerator
    /// The strategy's own random stream.
    let random: RandomStream
    /// Per agent, its state (in place, no copy-on-write check: `Table`).
    var agents: Table<TeamAgent>
    let workers: [Int32]
    let reviewers: [Int32]
    /// Capable workers per task type, in id order.
    let capable: [[Int32]]
    /// The workflows as flat integer arrays.
    let templates: WorkflowTemplates
    /// Per job and step slot (`workload.jobSlots`, `stepSlots`), its state.
    var jobStates: Pool<TeamJob>
    var stepStates: Pool<TeamStep>
    var reviewQueue: [Int32] = []
    var reviewHead = 0
    /// Idle reviewers by slot (index in `reviewers`): the first is the lowest index.
    var idleReviewers: AgentHeap
    /// Index in `reviewers` per agent (-1 for workers).
    let reviewerSlot: [Int32]
    /// The next board ticket (`post`).
    var nextTicket = 0
    /// Tests only: whether jobs are released (false keeps every job, as when the whole
    /// workload was drawn up front), and whether the draws and state of released jobs are
    /// overwritten with NaN (so that a read of released data would show in the results).
    var retiresJobs = true
    var poisonsReleased = false

    // Tallies.
    var arrived = 0
    var completed = 0
    var failedJobs = 0
    var lastJobEnd = 0.0
    /// Sojourn times of completed jobs, in completion order: 8 bytes per completed job, the
    /// one record kept for the whole run (the 95th percentile needs them all).
    var sojourns: [Double] = []
    var waitSum = 0.0
    var waitCount = 0
    var messages = 0
    var wastedWork = 0.0

    /// A run of `scenario` whose workload is drawn from `streams`; the first job is drawn now.
    init(scenario: DivisionOfLabourScenario, streams: RandomStreams, random: RandomStream) {
        self.scenario = scenario
        generator = WorkloadGenerator(scenario: scenario, streams: streams, skippingCertainOutcomes: true)
        workload = LiveWorkload(maxAttempts: scenario.maxAttempts, outcomes: generator.drawsOutcomes,
                                reviewed: generator.reviewed)
        self.random = random
        agents = Table(scenario.agents.lazy.map { TeamAgent(profile: $0) })
        workers = scenario.agents.indices.filter { scenario.agents[$0].role == .worker }.map { Int32($0) }
        reviewers = scenario.agents.indices.filter { scenario.agents[$0].role == .reviewer }.map { Int32($0) }
        capable = scenario.taskTypes.indices.map { type in
            scenario.agents.indices.filter {
                scenario.agents[$0].role == .worker && scenario.agents[$0].skills[type] > 0
            }.map { Int32($0) }
        }
        templates = WorkflowTemplates(scenario.workflows)
        jobStates = Pool(capacity: LiveWorkload.initialCapacity, filler: TeamJob(remainingSteps: 0))
        stepStates = Pool(capacity: LiveWorkload.initialCapacity, filler: TeamStep())
        idleReviewers = AgentHeap(slots: reviewers.count)
        var reviewerSlot = [Int32](repeating: -1, count: scenario.agents.count)
        for (slot, r) in reviewers.enumerated() {
            idleReviewers.update(slot, key: 0)
            reviewerSlot[Int(r)] = Int32(slot)
        }
        self.reviewerSlot = reviewerSlot
        // The whole run's sojourns, reserved (address space only: pages are touched as tasks complete).
        sojourns.reserveCapacity(Int(min(scenario.maximumJobs, Double(Workload.maxJobs))))
        drawNextJob()
    }

    /// A run of the workload `workload` was drawn from (its streams, drawn again lazily).
    init(scenario: DivisionOfLabourScenario, workload: Workload, random: RandomStream) {
        self.init(scenario: scenario, streams: workload.streams, random: random)
    }

    /// Per job id not released, its state (a view made for one access).
    var jobs: IdColumn<TeamJob> {
        @inline(__always) get { IdColumn(workload.jobSlot, jobStates) }
    }

    /// Per step id not released, its state (a view made for one access).
    var steps: IdColumn<TeamStep> {
        @inline(__always) get { IdColumn(workload.stepSlot, stepStates) }
    }

    // MARK: The jobs kept

    /// Draws the next job: gives it a job slot and a step slot per step (growing the pools by
    /// half when none is free) and an id each (doubling the id rings when the window outgrows
    /// them), with fresh state (its steps waiting for their predecessors). False when the
    /// workload has no more jobs. O(steps · attempts) for the job, amortised O(1) more for
    /// growth.
    @discardableResult
    mutating func drawNextJob() -> Bool {
        guard let next = generator.nextJob() else { return false }
        let template = Int(templates.start[next.kind])
        let count = Int(templates.start[next.kind + 1]) - template
        let job = workload.jobCount
        let first = workload.stepCount
        // The id rings: the window plus this job must fit.
        let ids = job + 1 - workload.firstJob
        if ids > workload.jobSlot.capacity {
            var capacity = workload.jobSlot.capacity
            while capacity < ids { capacity *= 2 }
            workload.resizeJobIds(to: capacity)
        }
        let stepIds = first + count - workload.firstLiveStep
        if stepIds > workload.stepSlot.capacity {
            var capacity = workload.stepSlot.capacity
            while capacity < stepIds { capacity *= 2 }
            workload.resizeStepIds(to: capacity)
        }
        if workload.jobSlots.needsGrowth {
            let capacity = workload.jobSlots.capacity * 3 / 2
            workload.growJobPools(to: capacity)
            jobStates.grow(to: capacity)
        }
        let slot = workload.jobSlots.take()
        workload.jobSlot[job] = Int32(slot)
        workload.arrivalPool[slot] = next.time
        workload.workflowPool[slot] = Int32(next.kind)
        workload.firstStepPool[slot] = Int32(first)
        jobStates[slot] = TeamJob(remainingSteps: Int32(count))
        // Per attempt: an outcome uniform and a review time, interleaved, when drawn at all.
        let drawsOutcomes = generator.drawsOutcomes, reviewed = generator.reviewed
        let drawsPerAttempt = drawsOutcomes || reviewed
        for offset in 0..<count {
            if workload.stepSlots.needsGrowth {
                let capacity = workload.stepSlots.capacity * 3 / 2
                workload.growStepPools(to: capacity)
                stepStates.grow(to: capacity)
            }
            let s = workload.stepSlots.take()
            workload.stepSlot[first + offset] = Int32(s)
            workload.stepJobPool[s] = Int32(job)
            workload.stepTypePool[s] = templates.type[template + offset]
            workload.stepSizePool[s] = generator.size()
            workload.stepDifficultyPool[s] = generator.difficulty()
            if drawsPerAttempt {
                for k in 0..<workload.maxAttempts {
                    if drawsOutcomes { workload.outcomePool[s, k] = generator.outcome() }
                    if reviewed { workload.reviewTimePool[s, k] = generator.reviewTime() }
                }
            }
            stepStates[s] = TeamStep(remainingPredecessors: templates.predecessorCount[template + offset])
        }
        workload.jobCount = job + 1
        workload.stepCount = first + count
        return true
    }

    /// Records a reference to `step` that needs its values after its job may have ended (an
    /// attempt or review in progress, an entry in an agent's queue, a message in transit):
    /// the job is not released until every hold is. O(1).
    @inline(__always)
    mutating func hold(_ step: Int) {
        assert(workload.isKept(step), "hold on step \(step), which is not kept")
        jobs[Int(workload.stepJob[step])].holds += 1
    }

    /// Ends a reference `hold` recorded; releases the job if it has ended and this was the
    /// last. O(1) amortised.
    @inline(__always)
    mutating func release(_ step: Int) {
        assert(workload.isKept(step), "release of step \(step), which is not kept")
        let job = Int(workload.stepJob[step])
        jobs[job].holds -= 1
        if jobs[job].holds == 0 && jobs[job].ended { releaseJob(job) }
    }

    /// Gives an ended, unreferenced job's slots back and marks its ids released; moves the
    /// window's start past the oldest released jobs. O(its steps), amortised O(1) more.
    mutating func releaseJob(_ job: Int) {
        guard retiresJobs else { return }
        let slot = Int(workload.jobSlot[job])
        let first = Int(workload.firstStepPool[slot])
        let workflow = Int(workload.workflowPool[slot])
        let count = Int(templates.start[workflow + 1] - templates.start[workflow])
        for step in first..<first + count {
            let s = Int(workload.stepSlot[step])
            if poisonsReleased { poison(stepSlot: s) }
            workload.stepSlots.give(s)
            workload.stepSlot[step] = -1
        }
        if poisonsReleased { workload.arrivalPool[slot] = .nan }
        workload.jobSlots.give(slot)
        workload.jobSlot[job] = -1
        guard job == workload.firstJob else { return }
        var oldest = job + 1
        while oldest < workload.jobCount && workload.jobSlot[oldest] < 0 { oldest += 1 }
        workload.firstJob = oldest
        workload.firstLiveStep = oldest < workload.jobCount ? Int(workload.firstStep[oldest]) : workload.stepCount
    }

    /// Tests only: overwrites a released step slot's draws and state with NaN.
    mutating func poison(stepSlot s: Int) {
        workload.stepSizePool[s] = .nan
        workload.stepDifficultyPool[s] = .nan
        for k in 0..<workload.outcomePool.stride { workload.outcomePool[s, k] = .nan }
        for k in 0..<workload.reviewTimePool.stride { workload.reviewTimePool[s, k] = .nan }
        stepStates[s].readyTime = .nan
        stepStates[s].lastDuration = .nan
    }

    // MARK: Work

    /// Agent `a` starts an attempt at `step` now.
    @inline(__always)
    mutating func start(_ step: Int, agent a: Int, _ sim: inout Simulation<TeamEvent>) {
        let duration = plannedDuration(step, agent: a)
        agents[a].current = Int32(step)
        agents[a].attemptStart = sim.now
        waitSum += sim.now - steps[step].readyTime
        waitCount += 1
        hold(step)                      // released when the attempt's outcome is applied
        sim.schedule(.attemptDone(agent: Int32(a)), after: duration)
    }

    /// Whether `step`'s job goes on (false for a step whose job has been released, read
    /// from the id rings alone).
    @inline(__always)
    func isLive(_ step: Int) -> Bool {
        step >= workload.firstLiveStep && workload.stepSlot[step] >= 0 && !jobs[Int(workload.stepJob[step])].ended
    }

    /// Puts a step in an agent's own queue, or starts it at once if the agent is idle with
    /// an empty queue (a step of an abandoned job is then dropped).
    mutating func enqueueLocal(_ step: Int, agent a: Int, _ sim: inout Simulation<TeamEvent>) {
        if agents[a].isIdle && agents[a].head == agents[a].queue.count {
            if isLive(step) { start(step, agent: a, &sim) }
            return
        }
        agents[a].queue.append(Int32(step))
        agents[a].backlog += plannedDuration(step, agent: a)
        hold(step)                      // released when the entry is popped, live or not
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
            let live = isLive(step)
            release(step)
            if live { return step }
        }
        return nil
    }

    /// A push strategy's freed worker: it starts the next live step of its own queue, if any.
    mutating func serveOwnQueue(_ a: Int, _ sim: inout Simulation<TeamEvent>) {
        if let step = popLocal(a) { start(step, agent: a, &sim) }
    }

    /// The time agent `a` takes for `step` (`DivisionOfLabourScenario.duration`), read in place.
    @inline(__always)
    func plannedDuration(_ step: Int, agent a: Int) -> Double {
        DivisionOfLabourScenario.duration(
            speed: agents[a].profile.speed, skill: agents[a].profile.skills[Int(workload.stepType[step])],
            size: workload.stepSize[step])
    }

    /// The probability that agent `a`'s attempt at `step` is correct
    /// (`DivisionOfLabourScenario.successProbability`), read in place.
    @inline(__always)
    func successProbability(_ step: Int, agent a: Int) -> Double {
        DivisionOfLabourScenario.successProbability(
            reliability: agents[a].profile.reliability, skill: agents[a].profile.skills[Int(workload.stepType[step])],
            difficulty: workload.stepDifficulty[step], sensitivity: scenario.skillSensitivity)
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
    @inline(__always)
    func isWaiting(_ entry: WaitingLine.Entry) -> Bool {
        isLive(Int(entry.step)) && steps[Int(entry.step)].boardTicket == entry.ticket
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
        let time = workload.reviewTime[step, Int(steps[step].attempts)]
        sim.schedule(.reviewDone(agent: Int32(r)), after: max(time, 0))
    }
}
