import Foundation
import SimulationKernel

/// An event of the agent-team model.
enum CallEvent {
    case arrival(Int32)
    case callDone(Int32)
}

/// The simulation of one run: task instances arrive and walk the orchestration graph, whose
/// nodes issue requests; a request becomes a call (with retries and a fallback member, one
/// call at a time), which waits for a free member, takes its latency and ends in an answer, an
/// error, a timeout or malformed output.
///
/// Every random outcome of a call comes from `CounterRandom` keyed by (task instance,
/// member, that member's call number on the instance, purpose), so a member's n-th call on a
/// task ends the same way under every pattern and graph (common random numbers).
///
/// Memory is bounded by what is in flight (see InFlight.swift), not by the run's length: the
/// workload is drawn from its streams one task at a time as arrivals happen (each stream in
/// the order the whole workload was once drawn in, so the draws are the same); an instance
/// holds a slot of `slots` (its state, `counterCount` graph counters and one call count per
/// member) from its arrival until it retires, and a request holds a slot of `requests` until
/// its last call is over; both are recycled through free lists. What the metrics and the detail
/// tables need is folded into `totals` as instances retire. Memory:
/// O(members + graph + S·(counterCount + members) + R + W) + 16 bytes per instance, with S the
/// most instances in flight at once, R the most requests in flight (a member's queue is a ring
/// of its waiting requests), W the longest window (`InstanceWindow`, 24 bytes an instance: those
/// that arrived while the oldest unfinished one was in flight), and per instance its latency and
/// critical path (`RunTotals`: the p95 and the means need them all).
/// Time: O(1) per event in the length of the run and in the number of members (a call; an
/// arrival also costs O(counterCount) to clear its slot's counters, O(members) more only when
/// the slot is a new one, and a retirement O(nodes + edges) to fold its counters), beyond the
/// orchestration's own work (a fan-out's requests, a node's edges).
struct TeamEngine: EventHandler {
    typealias Event = CallEvent

    enum Outcome: Equatable { case answer(correct: Bool, confidence: Double), malformed, error, timeout }

    /// A graph node's request for an answer from one member, and its call in progress. It
    /// makes one call, or several one after another when calls fail (retries on the same
    /// member, then the fallback member).
    struct Request {
        var instance: Int32
        /// The instance's slot in `slots`.
        var task: Int32
        var member: Int32
        /// The node that asked, and the task's stage when it did (`GraphState.stage`): an
        /// answer that comes back after its task has moved on is ignored.
        var node: Int32
        var stage: UInt32
        var difficulty: Double
        /// Debate revisions: the weight of the others' answers and the share of the panel that
        /// was right in the previous round (p becomes (1 − influence)·p + influence·peers).
        var influence = 0.0
        var peers = 0.0
        /// The time its calls took, one after another (retries included), queueing excluded.
        var service = 0.0
        var attempts: Int16 = 0
        var fallbackUsed = false
        /// The current call: its number among `member`'s calls on the instance, and (once
        /// started) how it ends and how long it takes.
        var number: Int32 = 0
        var outcome = Outcome.error
        var duration = 0.0
    }

    /// A member's calls on the instance in slot s so far: `callCounts[s · members + m]`, valid
    /// when `owner` is the slot's instance (else zero), so a recycled slot needs no clearing.
    struct CallCount {
        var owner: Int32 = -1
        var count: Int32 = 0
    }

    /// What a request brings back to its pattern: a usable answer, right or wrong, with the
    /// member's confidence; or nothing usable (`valid` false) when every call ended in an
    /// error, a timeout or malformed output, retries and the fallback included.
    struct Answer {
        var valid: Bool
        var correct: Bool
        var confidence: Double
        /// A usable, correct answer (a failed request is never right).
        var right: Bool { valid && correct }
        static let failed = Answer(valid: false, correct: false, confidence: 0)
    }

    /// A task's workload draws (alike for all its trials).
    struct Workload {
        var arrival = 0.0
        var difficulty = 0.0
        var risk = 0.0
        var tokensIn = 0.0
        var tokensOut = 0.0
    }

    /// One task instance: its workload, the bookkeeping the metrics are computed from, and its
    /// place in the orchestration graph.
    struct TaskState {
        var instance: Int32 = 0
        var arrival = 0.0
        var difficulty = 0.0
        var risk = 0.0
        var tokensIn = 0.0
        var tokensOut = 0.0
        var cost = 0.0
        var tokens = 0.0
        var calls: Int32 = 0
        var retries: Int32 = 0
        var timeouts: Int32 = 0
        var escalations: Int32 = 0
        /// Its requests whose calls are not all over, those it no longer waits for included:
        /// a done instance retires when this is 0.
        var live: Int32 = 0
        var done = false
        var success = false
        var finish = 0.0
        /// The time its answer would have taken with no waiting for busy members: over the
        /// stages of its path, the sum of each stage's deciding request's `service`.
        var criticalPath = 0.0
        var graph = GraphState()

        init() {}

        init(instance: Int, _ workload: Workload) {
            self.instance = Int32(instance)
            arrival = workload.arrival
            difficulty = workload.difficulty
            risk = workload.risk
            tokensIn = workload.tokensIn
            tokensOut = workload.tokensOut
        }
    }

    /// Purposes of counter-based draws (the fourth coordinate of every draw).
    enum Draw: Int {
        case failure = 1, latency, sharing, correctness, confidence, verifier, decomposition, estimate
    }

    let scenario: AgentTeamScenario
    /// The orchestration graph the tasks walk (a built-in pattern's or a scenario's), compiled.
    let graph: CompiledGraph
    /// Run totals per node: calls made for it, money spent by it (calls and checks), time task
    /// instances spent at it, and task instances whose answer became final there.
    var nodeCalls: [Int]
    var nodeCost: [Double]
    var nodeTime: [Double]
    var nodeEnded: [Int]
    /// Per edge: times its bound stopped a task that would otherwise have taken it.
    var edgeBoundHits: [Int]
    let random: CounterRandom
    /// Each member's model family as a small integer (first appearance order).
    let modelFamilyIndex: [Int]
    let members: Int
    /// Task instances in the run (tasks × trials).
    let instanceCount: Int

    /// The workload streams, drawn one task at a time: a task's draws are made when the
    /// arrival of its first trial is scheduled, into `upcoming`.
    let arrivalStream: RandomStream, difficultyStream: RandomStream, riskStream: RandomStream, tokenStream: RandomStream
    /// The workload of the next instance to arrive (instance `window.end`).
    var upcoming = Workload()

    /// Slots of the instances in flight (`TaskState.instance` says whose), and free slots.
    var slots: [TaskState] = []
    var freeSlots: [Int32] = []
    /// Per slot, the instance's graph counters (`CompiledGraph.counterCount` each), and its
    /// call count per member (`CallCount`).
    var counters: [Int32] = []
    var callCounts: [CallCount] = []
    /// Slots of the requests with calls not over, and free ones.
    var requests: [Request] = []
    var freeRequests: [Int32] = []
    /// Per member: calls in progress, and requests whose call waits for it.
    var busy: [Int]
    var waiting: [RequestQueue]
    /// The arrived instances not yet folded into `totals`, in instance order.
    var window = InstanceWindow()
    /// The retired instances' totals (`finish()` adds the rest).
    var totals: RunTotals

    /// Tests and diagnostics: whether the engine keeps every instance's record below. O(instances).
    let keepsRecords: Bool
    /// When `keepsRecords`: each instance's state as it retired (or, after `finish()`, as the
    /// run left it), by instance, for the instances arrived; and the arrival time of every
    /// instance drawn so far (the arrived ones and the next).
    var tasks: [TaskState] = []
    var arrival: [Double] = []

    /// The engine for tests and diagnostics: it keeps every instance's record (`tasks`).
    init(scenario: AgentTeamScenario, pattern: Pattern, workload: RandomStreams) {
        self.init(scenario: scenario, graph: .of(pattern, in: scenario), workload: workload, keepingRecords: true)
    }

    /// The engine that will walk task instances through `orchestration`; it draws the first
    /// task (the workload streams and `random` come from `workload`).
    init(scenario: AgentTeamScenario, graph orchestration: Orchestration, workload: RandomStreams,
         keepingRecords: Bool = false) {
        self.scenario = scenario
        graph = CompiledGraph(orchestration)
        nodeCalls = Array(repeating: 0, count: graph.nodeCount)
        nodeCost = Array(repeating: 0, count: graph.nodeCount)
        nodeTime = Array(repeating: 0, count: graph.nodeCount)
        nodeEnded = Array(repeating: 0, count: graph.nodeCount)
        edgeBoundHits = Array(repeating: 0, count: graph.edges.count)
        random = CounterRandom(seed: RandomStream.seed(identity: workload.identity, purpose: "calls"))
        var modelFamilies: [String] = []
        modelFamilyIndex = scenario.members.map { member in
            if let i = modelFamilies.firstIndex(of: member.modelFamily) { return i }
            modelFamilies.append(member.modelFamily)
            return modelFamilies.count - 1
        }
        members = scenario.members.count
        instanceCount = scenario.taskCount * scenario.trials
        arrivalStream = workload.stream("arrivals")
        difficultyStream = workload.stream("difficulty")
        riskStream = workload.stream("risk")
        tokenStream = workload.stream("tokens")
        busy = Array(repeating: 0, count: members)
        waiting = Array(repeating: RequestQueue(), count: members)
        totals = RunTotals(graph: graph, instances: instanceCount)
        keepsRecords = keepingRecords
        if instanceCount > 0 { drawWorkload(of: 0) }
    }

    /// The time of the first arrival; nil when the run has no task.
    var firstArrival: Double? { instanceCount > 0 ? upcoming.arrival : nil }

    /// Makes `upcoming` instance `i`'s workload: a new task's draws when `i` is its first
    /// trial (arrival gap, difficulty, risk, input and output tokens, each from its stream),
    /// else the same task's.
    mutating func drawWorkload(of i: Int) {
        if i % scenario.trials == 0 {
            if scenario.rate > 0 { upcoming.arrival += arrivalStream.exponential(mean: 1 / scenario.rate) }
            upcoming.difficulty = min(max(scenario.difficulty.draw(from: difficultyStream), 0), 1)
            upcoming.risk = min(max(scenario.risk.draw(from: riskStream), 0), 1)
            upcoming.tokensIn = max(0, scenario.inputTokens.draw(from: tokenStream))
            upcoming.tokensOut = max(0, scenario.outputTokens.draw(from: tokenStream))
        }
        if keepsRecords { arrival.append(upcoming.arrival) }
    }

    mutating func handle(_ event: CallEvent, in sim: inout Simulation<CallEvent>) {
        switch event {
        case .arrival(let i):
            let s = admit(Int(i))
            if Int(i) + 1 < instanceCount {
                drawWorkload(of: Int(i) + 1)
                sim.schedule(.arrival(i + 1), at: upcoming.arrival)
            }
            enter(s, graph.start, &sim)
            retireIfOver(s)
        case .callDone(let r):
            let s = Int(requests[Int(r)].task)
            finishCall(Int(r), &sim)
            retireIfOver(s)
        }
    }

    // MARK: Slots

    /// Instance `i` (the next, `window.end`) arrives with `upcoming`'s workload: it takes a
    /// free slot (or a new one), its counters cleared; returns the slot.
    mutating func admit(_ i: Int) -> Int {
        precondition(i == window.end, "instance \(i) arrives out of order")
        let task = TaskState(instance: i, upcoming)
        let s: Int
        if let free = freeSlots.popLast() {
            s = Int(free)
            slots[s] = task
            let base = s * graph.counterCount
            for k in base..<(base + graph.counterCount) { counters[k] = 0 }
        } else {
            s = slots.count
            slots.append(task)
            counters.append(contentsOf: repeatElement(0, count: graph.counterCount))
            callCounts.append(contentsOf: repeatElement(CallCount(), count: members))
        }
        window.admit(slot: s)
        totals.admit()
        if keepsRecords { tasks.append(task) }
        return s
    }

    /// Retires the instance in slot `s` if it is over (done, no call left): folds its counts
    /// into `totals`, leaves its ordered figures in the window, frees the slot, and folds the
    /// window's oldest instances that are over, in instance order.
    mutating func retireIfOver(_ s: Int) {
        guard slots[s].done && slots[s].live == 0 else { return }
        let task = slots[s], i = Int(task.instance)
        totals.absorb(task, counters: counters, base: s * graph.counterCount, graph: graph)
        totals.record(i, latency: task.finish - task.arrival, criticalPath: task.criticalPath)
        window[i] = InstanceWindow.Entry(cost: task.cost, tokens: task.tokens, slot: -1, done: true, success: task.success)
        if keepsRecords { tasks[i] = task }
        freeSlots.append(Int32(s))
        while !window.isEmpty && window[window.first].slot < 0 {
            totals.fold(window.removeFirst(), trials: scenario.trials)
        }
    }

    /// Ends the run (call once, when the simulation has stopped): folds the instances still
    /// in the window into `totals`, those in flight as the run left them (their calls paid so
    /// far; answered or not), and returns the totals. Instances that never arrived add nothing
    /// (their cost and tokens are 0, they have no answer, their tasks do not pass).
    mutating func finish() -> RunTotals {
        while !window.isEmpty {
            let i = window.first
            var entry = window.removeFirst()
            if entry.slot >= 0 {
                let s = Int(entry.slot), task = slots[s]
                totals.absorb(task, counters: counters, base: s * graph.counterCount, graph: graph)
                if task.done { totals.record(i, latency: task.finish - task.arrival, criticalPath: task.criticalPath) }
                entry = InstanceWindow.Entry(cost: task.cost, tokens: task.tokens, slot: -1, done: task.done,
                                             success: task.success)
                if keepsRecords { tasks[i] = task }
            }
            totals.fold(entry, trials: scenario.trials)
        }
        totals.finish()
        return totals
    }

    /// A free request slot holding `request`.
    mutating func newRequest(_ request: Request) -> Int {
        if let free = freeRequests.popLast() {
            requests[Int(free)] = request
            return Int(free)
        }
        requests.append(request)
        return requests.count - 1
    }

    // MARK: Requests and calls

    /// Asks `member` for an answer on the instance in slot `s` for node `n`; the answer comes
    /// back to `graphAnswered` unless the task has moved on by then.
    mutating func request(_ s: Int, member: Int, node n: Int, difficulty d: Double, influence: Double = 0,
                          peers: Double = 0, _ sim: inout Simulation<CallEvent>) {
        let r = newRequest(Request(instance: slots[s].instance, task: Int32(s), member: Int32(member), node: Int32(n),
                                   stage: slots[s].graph.stage, difficulty: d, influence: influence, peers: peers))
        slots[s].graph.outstanding += 1
        slots[s].live += 1
        issue(r, &sim)
    }

    /// Request `r` makes its next call: at once when its member is free, else in its queue.
    mutating func issue(_ r: Int, _ sim: inout Simulation<CallEvent>) {
        let s = Int(requests[r].task), m = Int(requests[r].member), instance = requests[r].instance
        let k = s * members + m
        if callCounts[k].owner != instance { callCounts[k] = CallCount(owner: instance, count: 0) }
        requests[r].number = callCounts[k].count
        callCounts[k].count += 1
        slots[s].calls += 1
        nodeCalls[Int(requests[r].node)] += 1
        let limit = scenario.members[m].concurrency
        if limit == 0 || busy[m] < limit {
            start(r, &sim)
        } else {
            waiting[m].append(Int32(r))
        }
    }

    /// Request `r`'s call starts: its outcome and duration are drawn, its end scheduled.
    mutating func start(_ r: Int, _ sim: inout Simulation<CallEvent>) {
        let m = Int(requests[r].member), n = Int(requests[r].number)
        let i = Int(requests[r].instance), s = Int(requests[r].task)
        let member = scenario.members[m]
        busy[m] += 1
        let failure = draw(.failure, i, m, n)
        let latency = max(0, member.latency.quantile(draw(.latency, i, m, n)))
        let policy = graph.policies[Int(requests[r].node)].timeout
        let timeout = policy.isNaN ? member.timeout ?? scenario.timeout : policy
        var duration = min(latency, timeout)
        let outcome: Outcome
        if slots[s].tokensIn > member.contextLimit {
            outcome = .error
            duration = 0
        } else if failure < member.errorRate {
            outcome = .error
        } else if failure < member.errorRate + member.hangRate || latency > timeout {
            outcome = .timeout
            duration = timeout
        } else if failure < member.errorRate + member.hangRate + member.malformedRate {
            outcome = .malformed
        } else {
            // With probability `correlation` the correctness draw is the one the member's model
            // family shares for this task instance (coordinate −1 − family instead of the member).
            let shared = draw(.sharing, i, m, n) < scenario.correlation
            let u = shared ? draw(.correctness, i, -1 - modelFamilyIndex[m], 0) : draw(.correctness, i, m, n)
            var p = member.accuracy(requests[r].difficulty)
            let w = requests[r].influence
            if w > 0 { p = (1 - w) * p + w * requests[r].peers }
            let correct = u < p
            let c = draw(.confidence, i, m, n)
            outcome = .answer(correct: correct, confidence: correct ? 0.5 + 0.5 * c : 0.8 * c)
        }
        requests[r].outcome = outcome
        requests[r].duration = duration
        sim.schedule(.callDone(Int32(r)), after: duration)
    }

    /// Request `r`'s call is over: its member takes the next waiting call, the call is paid, and
    /// the request comes back with its answer, or calls again (a retry, the fallback), or comes
    /// back failed.
    mutating func finishCall(_ r: Int, _ sim: inout Simulation<CallEvent>) {
        let m = Int(requests[r].member), s = Int(requests[r].task)
        busy[m] -= 1
        if !waiting[m].isEmpty { start(Int(waiting[m].removeFirst()), &sim) }
        // Charges: errors cost only the per-call price; a timeout also its input tokens.
        let member = scenario.members[m]
        let input = slots[s].tokensIn / 1000, output = slots[s].tokensOut / 1000
        let charge: Double
        switch requests[r].outcome {
        case .error:
            charge = member.pricePerCall
        case .timeout:
            charge = member.pricePerCall + input * member.priceIn
            slots[s].tokens += member.kind == .model ? slots[s].tokensIn : 0
            slots[s].timeouts += 1
        case .malformed, .answer:
            charge = member.pricePerCall + input * member.priceIn + output * member.priceOut
            slots[s].tokens += member.kind == .model ? slots[s].tokensIn + slots[s].tokensOut : 0
        }
        slots[s].cost += charge
        let n = Int(requests[r].node)
        nodeCost[n] += charge
        requests[r].service += requests[r].duration
        if case .answer(let correct, let confidence) = requests[r].outcome {
            settle(r, Answer(valid: true, correct: correct, confidence: confidence), &sim)
            return
        }
        // A failed call: retry the same member, then the fallback member, then give up.
        let policy = graph.policies[n]
        let retries = policy.retries >= 0 ? Int(policy.retries) : scenario.retries
        let fallback = policy.fallback == -2 ? scenario.roles.fallback : policy.fallback >= 0 ? Int(policy.fallback) : nil
        if Int(requests[r].attempts) < retries {
            requests[r].attempts += 1
            slots[s].retries += 1
            issue(r, &sim)
        } else if let fallback, !requests[r].fallbackUsed, fallback != Int(requests[r].member) {
            requests[r].fallbackUsed = true
            requests[r].member = Int32(fallback)
            requests[r].attempts = 0
            slots[s].retries += 1
            issue(r, &sim)
        } else {
            settle(r, .failed, &sim)
        }
    }

    /// Request `r` is over with `answer`: its task hears of it (`graphAnswered`), and its slot
    /// is freed (after, as the task may make new requests meanwhile).
    mutating func settle(_ r: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        slots[Int(requests[r].task)].live -= 1
        graphAnswered(r, answer, &sim)
        freeRequests.append(Int32(r))
    }

    /// A counter-based uniform number for `purpose` at coordinates (a, b, c).
    @inline(__always)
    func draw(_ purpose: Draw, _ a: Int, _ b: Int = 0, _ c: Int = 0) -> Double {
        random.uniform(a, b, c, purpose.rawValue)
    }

    /// The instance in slot `s` has its final answer, right (`success`) or not, now, at node `n`.
    mutating func complete(_ s: Int, success: Bool, at n: Int, _ sim: inout Simulation<CallEvent>) {
        nodeEnded[n] += 1
        slots[s].done = true
        slots[s].success = success
        slots[s].finish = sim.now
    }
}
