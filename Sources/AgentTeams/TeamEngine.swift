import Foundation
import SimulationKernel

/// An event of the agent-team model.
enum CallEvent {
    case arrival(Int32)
    case callDone(Int32)
}

/// The simulation of one run: task instances arrive, patterns issue requests, requests become
/// calls (with retries and a fallback member), calls wait for a free member, take their
/// latency and end in an answer, an error, a timeout or malformed output.
///
/// Every random outcome of a call comes from `CounterRandom` keyed by (task instance,
/// member, that member's call number on the instance, purpose), so a member's n-th call on a
/// task ends the same way under every pattern (common random numbers).
struct TeamEngine: EventHandler {
    typealias Event = CallEvent

    enum Outcome: Equatable { case answer(correct: Bool, confidence: Double), malformed, error, timeout }

    struct Request {
        var instance: Int32
        var member: Int32
        var role: Int16
        var difficulty: Double
        var influence = 0.0
        var peers = 0.0
        var attempts: Int16 = 0
        var fallbackUsed = false
    }

    struct Call {
        var request: Int32
        var member: Int32
        var number: Int32
        var outcome = Outcome.error
    }

    struct TaskState {
        var arrival = 0.0
        var pending: Int16 = 0
        var valid: Int16 = 0
        var correct: Int16 = 0
        var stage: Int16 = 0
        var round: Int16 = 0
        var sendBacks: Int16 = 0
        var flagA = false
        var flagB = false
        var cost = 0.0
        var tokens = 0.0
        var calls: Int32 = 0
        var retries: Int32 = 0
        var timeouts: Int32 = 0
        var escalations: Int32 = 0
        var done = false
        var success = false
        var finish = 0.0
    }

    // Purposes of counter-based draws.
    static let failureDraw = 1, latencyDraw = 2, sharingDraw = 3, correctnessDraw = 4, confidenceDraw = 5,
               verifierDraw = 6, decompositionDraw = 7, estimateDraw = 8

    let scenario: AgentTeamScenario
    let pattern: Pattern
    let random: CounterRandom
    let familyIndex: [Int]
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
        self.scenario = scenario
        self.pattern = pattern
        random = CounterRandom(seed: RandomStream.seed(identity: workload.identity, purpose: "calls"))
        var families: [String] = []
        familyIndex = scenario.members.map { member in
            if let i = families.firstIndex(of: member.family) { return i }
            families.append(member.family)
            return families.count - 1
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
        callCount = Array(repeating: 0, count: arrival.count * members)
        busy = Array(repeating: 0, count: members)
        waiting = Array(repeating: [], count: members)
        waitingHead = Array(repeating: 0, count: members)
    }

    mutating func handle(_ event: CallEvent, in sim: inout Simulation<CallEvent>) {
        switch event {
        case .arrival(let i):
            if Int(i) + 1 < arrival.count { sim.schedule(.arrival(i + 1), at: arrival[Int(i) + 1]) }
            begin(Int(i), &sim)
        case .callDone(let c):
            finishCall(Int(c), &sim)
        }
    }

    // MARK: Requests and calls

    /// Asks `member` for an answer on instance `i` in `role`; the answer comes back to `deliver`.
    mutating func request(_ i: Int, member: Int, role: Int16, difficulty d: Double, influence: Double = 0,
                          peers: Double = 0, _ sim: inout Simulation<CallEvent>) {
        requests.append(Request(instance: Int32(i), member: Int32(member), role: role, difficulty: d,
                                influence: influence, peers: peers))
        tasks[i].pending += 1
        issue(requests.count - 1, &sim)
    }

    mutating func issue(_ r: Int, _ sim: inout Simulation<CallEvent>) {
        let i = Int(requests[r].instance), m = Int(requests[r].member)
        let number = callCount[i * members + m]
        callCount[i * members + m] += 1
        calls.append(Call(request: Int32(r), member: Int32(m), number: number))
        tasks[i].calls += 1
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
        let failure = random.uniform(i, m, n, Self.failureDraw)
        let latency = max(0, member.latency.quantile(random.uniform(i, m, n, Self.latencyDraw)))
        let timeout = member.timeout ?? scenario.timeout
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
            let shared = random.uniform(i, m, n, Self.sharingDraw) < scenario.correlation
            let u = shared ? random.uniform(i, -1 - familyIndex[m], 0, Self.correctnessDraw)
                           : random.uniform(i, m, n, Self.correctnessDraw)
            var p = member.accuracy(requests[r].difficulty)
            let w = requests[r].influence
            if w > 0 { p = (1 - w) * p + w * requests[r].peers }
            let correct = u < p
            let c = random.uniform(i, m, n, Self.confidenceDraw)
            outcome = .answer(correct: correct, confidence: correct ? 0.5 + 0.5 * c : 0.8 * c)
        }
        calls[c].outcome = outcome
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
        switch calls[c].outcome {
        case .error:
            tasks[i].cost += member.pricePerCall
        case .timeout:
            tasks[i].cost += member.pricePerCall + input * member.priceIn
            tasks[i].tokens += member.kind == .model ? tokensIn[i] : 0
            tasks[i].timeouts += 1
        case .malformed, .answer:
            tasks[i].cost += member.pricePerCall + input * member.priceIn + output * member.priceOut
            tasks[i].tokens += member.kind == .model ? tokensIn[i] + tokensOut[i] : 0
        }
        if case .answer(let correct, let confidence) = calls[c].outcome {
            tasks[i].pending -= 1
            deliver(r, valid: true, correct: correct, confidence: confidence, &sim)
            return
        }
        // A failed call: retry the same member, then the fallback member, then give up.
        if Int(requests[r].attempts) < scenario.retries {
            requests[r].attempts += 1
            tasks[i].retries += 1
            issue(r, &sim)
        } else if let fallback = scenario.roles.fallback, !requests[r].fallbackUsed, fallback != Int(requests[r].member) {
            requests[r].fallbackUsed = true
            requests[r].member = Int32(fallback)
            requests[r].attempts = 0
            tasks[i].retries += 1
            issue(r, &sim)
        } else {
            tasks[i].pending -= 1
            deliver(r, valid: false, correct: false, confidence: 0, &sim)
        }
    }

    mutating func complete(_ i: Int, success: Bool, _ sim: inout Simulation<CallEvent>) {
        tasks[i].done = true
        tasks[i].success = success
        tasks[i].finish = sim.now
    }
}
