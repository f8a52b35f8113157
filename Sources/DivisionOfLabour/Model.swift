import SimulationKernel

/// An event of the division-of-labour model: small plain values, no payload objects.
public enum TeamEvent: Sendable {
    /// Job `index` arrives.
    case arrival(Int32)
    /// The worker finishes its current attempt.
    case attemptDone(agent: Int32)
    /// The reviewer finishes its current review.
    case reviewDone(agent: Int32)
    /// Contract net: the announcement of a step reaches the agents, who bid.
    case announce(step: Int32)
    /// Contract net: the award of a step reaches the winning agent.
    case awarded(step: Int32, agent: Int32)
    /// Response threshold: an idle agent looks at the board again.
    case poll(agent: Int32)
}

/// An agent's state during a run.
struct TeamAgent {
    var profile: AgentProfile
    var current: Int32 = -1            // step (worker) or step under review (reviewer)
    var attemptStart = 0.0
    var busyTime = 0.0
    var queue: [Int32] = []            // local FIFO (push strategies), read from `head`
    var head = 0
    var backlog = 0.0                  // total duration of queued steps (contract-net bids)
    var thresholds: [Double] = []      // response threshold
    var pollPending = false
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
}

/// A job's state during a run.
struct TeamJob {
    var remainingSteps: Int32
    var ended = false
    var failed = false
}

/// `Strategy` as the model switches on it: the same cases, with the rule of `custom` left
/// out (the model holds it as `rule`). A trivial value, so switching on it at every decision
/// copies a few bytes and no reference.
enum ModelStrategy {
    case random
    case roundRobin
    case leastLoaded
    case skillRouting(minSuccess: Double)
    case contractNet(messageDelay: Double, award: AwardCriterion)
    case responseThreshold(
        initialThreshold: Double, learning: Double, forgetting: Double,
        pollInterval: Double, minThreshold: Double, maxThreshold: Double)
    case custom

    init(_ strategy: Strategy) {
        switch strategy {
        case .random: self = .random
        case .roundRobin: self = .roundRobin
        case .leastLoaded: self = .leastLoaded
        case .skillRouting(let minSuccess): self = .skillRouting(minSuccess: minSuccess)
        case .contractNet(let delay, let award): self = .contractNet(messageDelay: delay, award: award)
        case .responseThreshold(let theta0, let learning, let forgetting, let poll, let lo, let hi):
            self = .responseThreshold(initialThreshold: theta0, learning: learning, forgetting: forgetting,
                                      pollInterval: poll, minThreshold: lo, maxThreshold: hi)
        case .custom: self = .custom
        }
    }
}

/// The state of one run: agents, steps, queues and the tallies that become metrics.
///
/// Agents, jobs and steps are arrays indexed by integer ids; the strategy is an enum
/// switched on at each decision, so the event loop involves no existential or closure.
/// A user's assignment rule (`Strategy.custom`) is the stored property `rule`, of the
/// concrete type `Rule`: the existential is opened once when the run starts
/// (`DivisionOfLabourFamily.run`), and every decision calls the rule through generics.
/// Built-in strategies run with `Rule == NoRule`, which is never called.
struct TeamModel<Rule: AssignmentRule>: EventHandler {
    typealias Event = TeamEvent
    typealias Agent = TeamAgent
    typealias Step = TeamStep
    typealias Job = TeamJob

    let scenario: DivisionOfLabourScenario
    let strategy: ModelStrategy
    /// The user's rule under `Strategy.custom`; `NoRule` (never called) otherwise.
    var rule: Rule
    /// What the rule's views share, under `Strategy.custom` only (nil for built-in strategies).
    let ruleContext: RuleContext?
    let workload: Workload
    let strategyStream: RandomStream
    var agents: [Agent]
    let workers: [Int32]
    let reviewers: [Int32]
    /// Capable workers per task type, in id order.
    let capable: [[Int32]]
    /// Successor steps (offsets within the workflow) per workflow and step.
    let successors: [[[Int32]]]
    var steps: [Step]
    var jobs: [Job] = []
    /// Central queue of ready steps (pull strategies), in ready order.
    var board: [Int32] = []
    var reviewQueue: [Int32] = []
    var reviewHead = 0
    var roundRobinCursor = 0
    /// Scratch buffer for response-threshold stimuli, one entry per task type.
    var stimulusScratch: [Double]

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

    init(scenario: DivisionOfLabourScenario, strategy: Strategy, rule: Rule, workload: Workload,
         strategyStream: RandomStream) {
        self.scenario = scenario
        self.strategy = ModelStrategy(strategy)
        self.rule = rule
        self.workload = workload
        self.strategyStream = strategyStream
        agents = scenario.agents.map { Agent(profile: $0) }
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
        steps = Array(repeating: Step(), count: workload.stepCount)
        stimulusScratch = Array(repeating: 0, count: scenario.taskTypes.count)
        ruleContext = if case .custom(let custom) = strategy {
            RuleContext(name: custom.name, random: strategyStream, capable: capable, workload: workload,
                        skillSensitivity: scenario.skillSensitivity)
        } else {
            nil
        }
        jobs.reserveCapacity(workload.jobCount)
        sojourns.reserveCapacity(workload.jobCount)
        if case .responseThreshold(let theta0, _, _, _, let lo, let hi) = strategy {
            for a in workers.map(Int.init) {
                agents[a].thresholds = agents[a].profile.skills.map { skill in
                    skill > 0 ? min(max(theta0 / skill, lo), hi) : .infinity
                }
            }
        }
    }

    // MARK: Events

    mutating func handle(_ event: TeamEvent, in sim: inout Simulation<TeamEvent>) {
        switch event {
        case .arrival(let job): arrive(Int(job), &sim)
        case .attemptDone(let agent): finishAttempt(Int(agent), &sim)
        case .reviewDone(let agent): finishReview(Int(agent), &sim)
        case .announce(let step): announce(Int(step), &sim)
        case .awarded(let step, let agent): enqueueLocal(Int(step), agent: Int(agent), &sim)
        case .poll(let agent):
            agents[Int(agent)].pollPending = false
            if agents[Int(agent)].isIdle { lookAtBoard(Int(agent), &sim) }
        }
    }

    mutating func arrive(_ job: Int, _ sim: inout Simulation<TeamEvent>) {
        arrived += 1
        let first = Int(workload.firstStep[job])
        let template = scenario.workflows[Int(workload.workflow[job])].steps
        jobs.append(Job(remainingSteps: Int32(template.count)))
        for (offset, step) in template.enumerated() {
            steps[first + offset].remainingPredecessors = Int32(step.predecessors.count)
        }
        if job + 1 < workload.jobCount {
            sim.schedule(.arrival(Int32(job + 1)), at: workload.arrival[job + 1])
        }
        for (offset, step) in template.enumerated() where step.predecessors.isEmpty {
            makeReady(first + offset, &sim)
        }
    }

    mutating func finishAttempt(_ a: Int, _ sim: inout Simulation<TeamEvent>) {
        let step = Int(agents[a].current)
        let duration = sim.now - agents[a].attemptStart
        agents[a].busyTime += duration
        agents[a].current = -1
        let attempt = Int(steps[step].attempts)
        let type = Int(workload.stepType[step])
        let p = scenario.successProbability(agents[a].profile, type: type, difficulty: workload.stepDifficulty[step])
        steps[step].lastCorrect = workload.outcome[step * workload.maxAttempts + attempt] < p
        steps[step].lastAgent = Int32(a)
        steps[step].lastDuration = duration
        switch scenario.detection {
        case .immediate:
            resolve(step, &sim)
        case .reviewer:
            reviewQueue.append(Int32(step))
            if let r = reviewers.first(where: { agents[Int($0)].isIdle }) { startReview(Int(r), &sim) }
        }
        if agents[a].isIdle { agentBecameFree(a, &sim) }
    }

    mutating func startReview(_ r: Int, _ sim: inout Simulation<TeamEvent>) {
        guard reviewHead < reviewQueue.count else { return }
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

    mutating func finishReview(_ r: Int, _ sim: inout Simulation<TeamEvent>) {
        let step = Int(agents[r].current)
        agents[r].busyTime += sim.now - agents[r].attemptStart
        agents[r].current = -1
        resolve(step, &sim)
        startReview(r, &sim)
    }

    /// Applies the known outcome of a step's latest attempt.
    mutating func resolve(_ step: Int, _ sim: inout Simulation<TeamEvent>) {
        let job = Int(workload.stepJob[step])
        guard !jobs[job].ended else {
            wastedWork += steps[step].lastDuration   // work for an abandoned job
            return
        }
        if steps[step].lastCorrect {
            jobs[job].remainingSteps -= 1
            if jobs[job].remainingSteps == 0 {
                jobs[job].ended = true
                completed += 1
                lastJobEnd = sim.now
                sojourns.append(sim.now - workload.arrival[job])
                return
            }
            let first = Int(workload.firstStep[job])
            let offset = step - first
            for next in successors[Int(workload.workflow[job])][offset] {
                let s = first + Int(next)
                steps[s].remainingPredecessors -= 1
                if steps[s].remainingPredecessors == 0 { makeReady(s, &sim) }
            }
        } else {
            wastedWork += steps[step].lastDuration
            steps[step].attempts += 1
            if Int(steps[step].attempts) < workload.maxAttempts {
                makeReady(step, &sim)
            } else {
                jobs[job].ended = true
                jobs[job].failed = true
                failedJobs += 1
                lastJobEnd = sim.now
            }
        }
    }

    // MARK: Starting work

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

    /// Puts a step in an agent's own queue and starts it if the agent is idle.
    mutating func enqueueLocal(_ step: Int, agent a: Int, _ sim: inout Simulation<TeamEvent>) {
        if agents[a].isIdle && agents[a].head == agents[a].queue.count {
            if isLive(step) { start(step, agent: a, &sim) }
            return
        }
        agents[a].queue.append(Int32(step))
        agents[a].backlog += plannedDuration(step, agent: a)
    }

    /// Takes the next live step from the agent's own queue, if any.
    mutating func popLocal(_ a: Int) -> Int? {
        while agents[a].head < agents[a].queue.count {
            let step = Int(agents[a].queue[agents[a].head])
            agents[a].head += 1
            agents[a].backlog -= plannedDuration(step, agent: a)
            if agents[a].head == agents[a].queue.count {
                agents[a].queue.removeAll(keepingCapacity: true)
                agents[a].head = 0
                agents[a].backlog = 0
            }
            if isLive(step) { return step }
        }
        return nil
    }

    func plannedDuration(_ step: Int, agent a: Int) -> Double {
        scenario.duration(agents[a].profile, type: Int(workload.stepType[step]), size: workload.stepSize[step])
    }

    func successProbability(_ step: Int, agent a: Int) -> Double {
        scenario.successProbability(
            agents[a].profile, type: Int(workload.stepType[step]), difficulty: workload.stepDifficulty[step])
    }
}
