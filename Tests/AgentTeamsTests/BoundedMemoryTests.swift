import Foundation
import Testing
@testable import AgentTeams
import SimulationKernel

/// The engine keeps what is in flight, not the whole run (InFlight.swift): the workload is
/// drawn as arrivals happen, slots of instances and requests are recycled, and the run's totals
/// are folded in as instances retire, in instance order. These tests hold that to the whole-run
/// computation it replaced: the same workload draws, and the same totals bit for bit, computed
/// here the old way from every instance's record.
@Suite("Agent teams: memory bounded by what is in flight")
struct BoundedMemoryTests {
    typealias T = AgentTeamTests

    /// Runs `pattern` on `scenario` with an engine that keeps every instance's record, up to
    /// `horizon`, and ends the run.
    static func recorded(_ scenario: AgentTeamScenario, _ pattern: Pattern, identity: String,
                         horizon: Double = .infinity) -> (engine: TeamEngine, totals: RunTotals, stop: StopReason) {
        var engine = TeamEngine(scenario: scenario, pattern: pattern, workload: RandomStreams(identity: identity))
        var sim = Simulation<CallEvent>(reservingCapacity: 64)
        if let first = engine.firstArrival { sim.schedule(.arrival(0), at: first) }
        let stop = sim.run(&engine, until: horizon, eventBudget: 10_000_000)
        let totals = engine.finish()
        return (engine, totals, stop)
    }

    @Test("the workload drawn as arrivals happen is the workload drawn at once")
    func lazyWorkload() {
        var scenario = T.flakyTeam
        scenario.taskCount = 300
        let identity = "lazy|0"
        let run = Self.recorded(scenario, .debate(rounds: 1, influence: 0.5), identity: identity)
        // The whole workload, drawn up front from the same streams as the engine once did.
        let workload = RandomStreams(identity: identity)
        let arrivals = workload.stream("arrivals"), difficulties = workload.stream("difficulty"),
            risks = workload.stream("risk"), tokens = workload.stream("tokens")
        var expected: [TeamEngine.Workload] = []
        var time = 0.0
        for _ in 0..<scenario.taskCount {
            if scenario.rate > 0 { time += arrivals.exponential(mean: 1 / scenario.rate) }
            let d = min(max(scenario.difficulty.draw(from: difficulties), 0), 1)
            let r = min(max(scenario.risk.draw(from: risks), 0), 1)
            let input = max(0, scenario.inputTokens.draw(from: tokens)), output = max(0, scenario.outputTokens.draw(from: tokens))
            for _ in 0..<scenario.trials {
                expected.append(TeamEngine.Workload(arrival: time, difficulty: d, risk: r, tokensIn: input, tokensOut: output))
            }
        }
        let tasks = run.engine.tasks
        #expect(tasks.count == expected.count && run.engine.arrival.count == expected.count)
        #expect(tasks.map(\.arrival) == expected.map(\.arrival) && run.engine.arrival == expected.map(\.arrival))
        #expect(tasks.map(\.difficulty) == expected.map(\.difficulty))
        #expect(tasks.map(\.risk) == expected.map(\.risk))
        #expect(tasks.map(\.tokensIn) == expected.map(\.tokensIn) && tasks.map(\.tokensOut) == expected.map(\.tokensOut))
        #expect(tasks.indices.allSatisfy { Int(tasks[$0].instance) == $0 })
    }

    /// The run's totals against the whole-run formulas over every instance (those that never
    /// arrived count too, with nothing spent and no answer), in instance order, bit for bit:
    /// on the flaky team, whose instances finish out of order (queues, retries, a human), with
    /// two trials each; drained, and stopped by a horizon with instances still in flight.
    @Test("totals folded as instances retire equal the whole-run sums, bit for bit", arguments: [
        (Pattern.single(tier: -1), Double.infinity), (.router(verifierAccuracy: 0.8, verifierCost: 0.001, escalateAbove: 0.4, budget: 0.01), .infinity),
        (.scatterGather(k: 3, judge: true), .infinity), (.debate(rounds: 2, influence: 0.5), .infinity),
        (.hierarchical(subtasks: 3, decompositionError: 0.2, subtaskDifficulty: 0.6), .infinity), (.pipeline(sendBacks: 2), .infinity),
        (.humanEscalation(riskAbove: 0.8, confidenceBelow: 0.6), .infinity),
        (.debate(rounds: 2, influence: 0.5), 30), (.humanEscalation(riskAbove: 0.3, confidenceBelow: 0.9), 45), (.single(tier: -1), 0.5),
    ])
    func wholeRunSums(pattern: Pattern, horizon: Double) {
        var scenario = T.flakyTeam
        scenario.taskCount = 150
        let run = Self.recorded(scenario, pattern, identity: "fold|0", horizon: horizon)
        #expect((run.stop == .drained) == horizon.isInfinite)
        var tasks = run.engine.tasks
        let instances = scenario.taskCount * scenario.trials
        if horizon.isFinite { #expect(tasks.count < instances || !tasks.allSatisfy(\.done)) }
        tasks += Array(repeating: TeamEngine.TaskState(), count: instances - tasks.count)
        let totals = run.totals
        // Every arrived instance is folded (those in flight as the run left them); the others add nothing.
        #expect(totals.folded == run.engine.window.end && run.engine.window.isEmpty)
        #expect(horizon.isFinite || totals.folded == instances)
        #expect(totals.successes == tasks.filter(\.success).count)
        #expect(totals.cost.bitPattern == tasks.reduce(0) { $0 + $1.cost }.bitPattern)
        #expect(totals.tokens.bitPattern == tasks.reduce(0) { $0 + $1.tokens }.bitPattern)
        #expect(totals.latencies.map(\.bitPattern) == tasks.filter(\.done).map { ($0.finish - $0.arrival).bitPattern })
        #expect(totals.criticalPaths.map(\.bitPattern) == tasks.filter(\.done).map(\.criticalPath.bitPattern))
        #expect(totals.lastAnswer == tasks.filter(\.done).map(\.finish).max())
        #expect(totals.calls == tasks.reduce(0) { $0 + Int($1.calls) })
        #expect(totals.escalations == tasks.reduce(0) { $0 + Int($1.escalations) })
        #expect(totals.timeouts == tasks.reduce(0) { $0 + Int($1.timeouts) })
        #expect(totals.retries == tasks.reduce(0) { $0 + Int($1.retries) })
        let k = scenario.trials
        let passed = stride(from: 0, to: instances, by: k).filter { tasks[$0..<($0 + k)].allSatisfy(\.success) }.count
        #expect(totals.passed == passed)
        // Every arrived instance entered the start node; the calls made for nodes are the calls made.
        #expect(totals.reached[run.engine.graph.start] == run.engine.window.end)
        #expect(run.engine.nodeCalls.reduce(0, +) == totals.calls)
        // Keeping the records changes nothing: the family's run (no records) gives the same metrics.
        if horizon.isInfinite {
            let plain = AgentTeamFamily.run(scenario, pattern: pattern, workload: RandomStreams(identity: "fold|0"))
            let recorded = AgentTeamFamily.score(run.engine, totals)
            #expect(plain.metrics.map(\.bitPattern) == recorded.map(\.bitPattern))
        } else {
            let plain = AgentTeamFamily.run(scenario, pattern: pattern, workload: RandomStreams(identity: "fold|0"), horizon: horizon)
            #expect(plain.stop == .horizon)
            #expect(plain.metrics.map(\.bitPattern) == AgentTeamFamily.score(run.engine, totals).map(\.bitPattern))
        }
    }

    /// A stable team (no member with a queue) at 2 arrivals per time unit: about 2 × the
    /// longest stay of an instance are in flight at once, whatever the run's length.
    @Test("a long run keeps slots for the instances in flight only", arguments: [
        Pattern.debate(rounds: 2, influence: 0.5), .scatterGather(k: 5, judge: false), .single(tier: -1),
        .router(verifierAccuracy: 0.8, verifierCost: 0.001, escalateAbove: 0.4, budget: 1e9),
    ])
    func boundedByInFlight(pattern: Pattern) {
        var member = T.model("m", modelFamily: "f", p: 0.7)
        member.latency = .exponential(mean: 1)
        member.errorRate = 0.05
        var scenario = T.scenario(members: [member, T.model("n", modelFamily: "g", p: 0.8)],
                                  roles: T.roles(tiers: [0, 1], panel: [0, 0, 0, 0, 0], fallback: 1), tasks: 20_000)
        scenario.rate = 2
        var engine = TeamEngine(scenario: scenario, graph: .of(pattern, in: scenario), workload: RandomStreams(identity: "long|0"))
        var sim = Simulation<CallEvent>(reservingCapacity: 64)
        sim.schedule(.arrival(0), at: engine.firstArrival!)
        #expect(sim.run(&engine, until: .infinity, eventBudget: 10_000_000) == .drained)
        // The high-water marks: slots of instances and of requests are never given back, the
        // window's ring only grows. An instance stays a few time units (three rounds of the
        // slowest of five calls of mean 1, retries included); 20,000 arrive.
        #expect(engine.slots.count <= 100, "\(pattern): \(engine.slots.count) instance slots")
        #expect(engine.requests.count <= 500, "\(pattern): \(engine.requests.count) request slots")
        #expect(engine.window.reserved <= 6 * InstanceWindow.blockSize, "\(pattern): window of \(engine.window.reserved)")
        #expect(engine.tasks.isEmpty && engine.arrival.isEmpty)
        #expect(engine.freeSlots.count == engine.slots.count && engine.freeRequests.count == engine.requests.count)
        let totals = engine.finish()
        #expect(totals.folded == 20_000 && totals.latencies.count == 20_000)
    }

    @Test("a member's queue is first in, first out across its ring's growth and wrap-around")
    func requestQueue() {
        var queue = RequestQueue()
        var model: [Int32] = []
        var next: Int32 = 0
        for round in 0..<200 {
            for _ in 0..<(round % 7 + 1) {
                queue.append(next)
                model.append(next)
                next += 1
            }
            for _ in 0..<(round % 5) where !model.isEmpty {
                #expect(queue.removeFirst() == model.removeFirst())
            }
            #expect(queue.count == model.count)
        }
        while !model.isEmpty { #expect(queue.removeFirst() == model.removeFirst()) }
        #expect(queue.isEmpty)
    }

    @Test("the window keeps its instances' entries, indexed by instance, and gives back the blocks it leaves")
    func instanceWindow() {
        var window = InstanceWindow()
        let block = InstanceWindow.blockSize
        var model: [Int: Double] = [:]
        // Grows to 5 blocks and more (two in three admitted instances stay), then drains.
        for i in 0..<(8 * block) {
            window.admit(slot: i)
            window[i].cost = Double(i)
            model[i] = Double(i)
            if i % 3 == 2 {
                let oldest = window.first
                let entry = window.removeFirst()
                #expect(entry.slot == Int32(oldest) && entry.cost == model.removeValue(forKey: oldest))
            }
        }
        #expect(window.end == 8 * block && window.first == 8 * block / 3)
        for i in window.first..<window.end where window[i].slot != Int32(i) || window[i].cost != Double(i) {
            Issue.record("instance \(i): \(window[i])")
        }
        let spanned = window.reserved
        #expect(spanned >= window.end - window.first && spanned <= window.end - window.first + 2 * block)
        while !window.isEmpty {
            let oldest = window.first
            #expect(window.removeFirst().cost == model.removeValue(forKey: oldest))
        }
        #expect(model.isEmpty)
        // Emptied, it keeps a few spare blocks and its current one at most.
        #expect(window.reserved <= (InstanceWindow.maximumSpares + 1) * block)
        // And goes on from where it was, reusing its blocks.
        for i in window.end..<(window.end + 3 * block) {
            window.admit(slot: i)
            window[i].tokens = 1
            #expect(window.removeFirst().slot == Int32(i))
        }
        #expect(window.isEmpty && window.reserved <= (InstanceWindow.maximumSpares + 1) * block)
    }
}
