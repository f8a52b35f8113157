import Foundation
import SimulationKernel

/// An event of the agent-team model.
enum CallEvent {
    case arrival(Int32)
    case callDone(Int32)
}

/// The simulation of one run: task instances arrive and walk the orchestration graph, whose
/// nodes issue requests; requests become calls (with retries and a fallback member), calls
/// wait for a free member, take their latency and end in an answer, an error, a timeout or
/// malformed output.
///
/// Every random outcome of a call comes from `CounterRandom` keyed by (task instance,
/// member, that member's call number on the instance, purpose), so a member's n-th call on a
/// task ends the same way under every pattern and graph (common random numbers).
struct TeamEngine: EventHandler {
    typealias Event = CallEvent

    enum Outcome: Equatable { case answer(correct: Bool, confidence: Double), malformed, error, timeout }

    /// A graph node's request for an answer from one member. It becomes one call, or several
    /// when calls fail (retries on the same member, then the fallback member).
    struct Request {
        var instance: Int32
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
    }

    struct Call {
        var request: Int32
        var member: Int32
        var number: Int32
        var outcome = Outcome.error
        var duration = 0.0
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

    /// One task instance: the bookkeeping the metrics are computed from, and its place in the
    /// orchestration graph.
    struct TaskState {
        var arrival = 0.0
        var cost = 0.0
        var tokens = 0.0
        var calls: Int32 = 0
        var retries: Int32 = 0
        var timeouts: Int32 = 0
        var escalations: Int32 = 0
        var done = false
        var success = false
        var finish = 0.0
        /// The time its answer would have taken with no waiting for busy members: over the
        /// stages of its path, the sum of each stage's deciding request's `service`.
        var criticalPath = 0.0
        var graph = GraphState()
    }

    /// Purposes of counter-based draws (the fourth coordinate of every draw).
    enum Draw: Int {
        case failure = 1, latency, sharing, correctness, confidence, verifier, decomposition, estimate
    }

    let scenario: AgentTeamScenario
    /// The orchestration graph the tasks walk (a built-in pattern's or a scenario's), compiled.
    let graph: CompiledGraph
    /// Per task instance, the graph's counters (`CompiledGraph.counterCount` each).
    var graphCounters: [Int32] = []
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
    var arrival: [Double] = []
    var difficulty: [Double] = []
    var risk: [Double] = []
    var tokensIn: [Double] = []
    var tokensOut: [Double] = []
    var tasks: [TaskState] = []
    var callCount: [Int32]
    var requests: [Request] = []
    var calls: [Call] = []
    var busy: [Int]
    var waiting: [[Int32]]
    var waitingHead: [Int]

    /// Draws the task instances (from the workload streams and `random`).
    init(scenario: AgentTeamScenario, pattern: Pattern, workload: RandomStreams) {
        self.init(scenario: scenario, graph: .of(pattern, in: scenario), workload: workload)
    }

    /// Draws the task instances that will walk `orchestration`.
    init(scenario: AgentTeamScenario, graph orchestration: Orchestration, workload: RandomStreams) {
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
        let arrivals = workload.stream("arrivals"), difficulties = workload.stream("difficulty"),
            risks = workload.stream("risk"), tokens = workload.stream("tokens")
        var time = 0.0
        for _ in 0..<scenario.taskCount {
            if scenario.rate > 0 { time += arrivals.exponential(mean: 1 / scenario.rate) }
            let d = min(max(scenario.difficulty.draw(from: difficulties), 0), 1)
            let r = min(max(scenario.risk.draw(from: risks), 0), 1)
            let input = max(0, scenario.inputTokens.draw(from: tokens)), output = max(0, scenario.outputTokens.draw(from: tokens))
            for _ in 0..<scenario.trials {
                arrival.append(time)
                difficulty.append(d)
                risk.append(r)
                tokensIn.append(input)
                tokensOut.append(output)
            }
        }
        tasks = arrival.map { TaskState(arrival: $0) }
        graphCounters = Array(repeating: 0, count: arrival.count * graph.counterCount)
        callCount = Array(repeating: 0, count: arrival.count * members)
        busy = Array(repeating: 0, count: members)
        waiting = Array(repeating: [], count: members)
        waitingHead = Array(repeating: 0, count: members)
    }

    mutating func handle(_ event: CallEvent, in sim: inout Simulation<CallEvent>) {
        switch event {
        case .arrival(let i):
            if Int(i) + 1 < arrival.count { sim.schedule(.arrival(i + 1), at: arrival[Int(i) + 1]) }
            enter(Int(i), graph.start, &sim)
        case .callDone(let c):
            finishCall(Int(c), &sim)
        }
    }

    // MARK: Requests and calls

    /// Asks `member` for an answer on instance `i` for node `n`; the answer comes back to
    /// `graphAnswered` unless the task has moved on by then.
    mutating func request(_ i: Int, member: Int, node n: Int, difficulty d: Double, influence: Double = 0,
                          peers: Double = 0, _ sim: inout Simulation<CallEvent>) {
        requests.append(Request(instance: Int32(i), member: Int32(member), node: Int32(n), stage: tasks[i].graph.stage,
                                difficulty: d, influence: influence, peers: peers))
        tasks[i].graph.outstanding += 1
        issue(requests.count - 1, &sim)
    }

    mutating func issue(_ r: Int, _ sim: inout Simulation<CallEvent>) {
        let i = Int(requests[r].instance), m = Int(requests[r].member)
        let number = callCount[i * members + m]
        callCount[i * members + m] += 1
        calls.append(Call(request: Int32(r), member: Int32(m), number: number))
        tasks[i].calls += 1
        nodeCalls[Int(requests[r].node)] += 1
        let c = calls.count - 1
        let limit = scenario.members[m].concurrency
        if limit == 0 || busy[m] < limit {
            start(c, &sim)
        } else {
            waiting[m].append(Int32(c))
        }
    }

    mutating func start(_ c: Int, _ sim: inout Simulation<CallEvent>) {
        let r = Int(calls[c].request), m = Int(calls[c].member), n = Int(calls[c].number)
        let i = Int(requests[r].instance)
        let member = scenario.members[m]
        busy[m] += 1
        let failure = draw(.failure, i, m, n)
        let latency = max(0, member.latency.quantile(draw(.latency, i, m, n)))
        let policy = graph.policies[Int(requests[r].node)].timeout
        let timeout = policy.isNaN ? member.timeout ?? scenario.timeout : policy
        var duration = min(latency, timeout)
        let outcome: Outcome
        if tokensIn[i] > member.contextLimit {
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
        calls[c].outcome = outcome
        calls[c].duration = duration
        sim.schedule(.callDone(Int32(c)), after: duration)
    }

    mutating func finishCall(_ c: Int, _ sim: inout Simulation<CallEvent>) {
        let m = Int(calls[c].member), r = Int(calls[c].request)
        let i = Int(requests[r].instance)
        busy[m] -= 1
        if waitingHead[m] < waiting[m].count {
            let next = Int(waiting[m][waitingHead[m]])
            waitingHead[m] += 1
            start(next, &sim)
        }
        // Charges: errors cost only the per-call price; a timeout also its input tokens.
        let member = scenario.members[m]
        let input = tokensIn[i] / 1000, output = tokensOut[i] / 1000
        let charge: Double
        switch calls[c].outcome {
        case .error:
            charge = member.pricePerCall
        case .timeout:
            charge = member.pricePerCall + input * member.priceIn
            tasks[i].tokens += member.kind == .model ? tokensIn[i] : 0
            tasks[i].timeouts += 1
        case .malformed, .answer:
            charge = member.pricePerCall + input * member.priceIn + output * member.priceOut
            tasks[i].tokens += member.kind == .model ? tokensIn[i] + tokensOut[i] : 0
        }
        tasks[i].cost += charge
        let n = Int(requests[r].node)
        nodeCost[n] += charge
        requests[r].service += calls[c].duration
        if case .answer(let correct, let confidence) = calls[c].outcome {
            graphAnswered(r, Answer(valid: true, correct: correct, confidence: confidence), &sim)
            return
        }
        // A failed call: retry the same member, then the fallback member, then give up.
        let policy = graph.policies[n]
        let retries = policy.retries >= 0 ? Int(policy.retries) : scenario.retries
        let fallback = policy.fallback == -2 ? scenario.roles.fallback : policy.fallback >= 0 ? Int(policy.fallback) : nil
        if Int(requests[r].attempts) < retries {
            requests[r].attempts += 1
            tasks[i].retries += 1
            issue(r, &sim)
        } else if let fallback, !requests[r].fallbackUsed, fallback != Int(requests[r].member) {
            requests[r].fallbackUsed = true
            requests[r].member = Int32(fallback)
            requests[r].attempts = 0
            tasks[i].retries += 1
            issue(r, &sim)
        } else {
            graphAnswered(r, .failed, &sim)
        }
    }

    /// A counter-based uniform number for `purpose` at coordinates (a, b, c).
    @inline(__always)
    func draw(_ purpose: Draw, _ a: Int, _ b: Int = 0, _ c: Int = 0) -> Double {
        random.uniform(a, b, c, purpose.rawValue)
    }

    /// Task instance `i` has its final answer, right (`success`) or not, now, at node `n`.
    mutating func complete(_ i: Int, success: Bool, at n: Int, _ sim: inout Simulation<CallEvent>) {
        nodeEnded[n] += 1
        tasks[i].done = true
        tasks[i].success = success
        tasks[i].finish = sim.now
    }
}
