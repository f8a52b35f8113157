import Foundation
import Testing
@testable import AgentTeams
import SimulationKernel
import Vocabulary

/// The graph features that no built-in pattern uses — the first-valid and best-confidence
/// merges, call policies per node, the `attempts` observable — and the critical path, each
/// against its analytic value. Tolerances are five standard errors of the run's own sample
/// (a false alarm about once in 3.5 million per check).
@Suite("Orchestration graph features")
struct GraphFeatureTests {
    typealias T = AgentTeamTests

    /// Runs `graph` on `scenario` and returns the engine (every task instance's state).
    static func run(_ scenario: AgentTeamScenario, _ graph: Orchestration, replication: Int = 0) -> TeamEngine {
        var engine = TeamEngine(scenario: scenario, pattern: .graph(graph), workload: RandomStreams(identity: "feature|\(replication)"))
        var sim = Simulation<CallEvent>(reservingCapacity: 64)
        sim.schedule(.arrival(0), at: engine.arrival[0])
        _ = sim.run(&engine, until: .infinity, eventBudget: 100_000_000)
        return engine
    }

    static func fanOut(_ k: Int, merge: GraphMerge, policy: CallPolicy = .scenario) -> Orchestration {
        Orchestration(name: "fan-out", nodes: [
            GraphNode("panel", .parallel(members: Array(repeating: 0, count: k), count: 0, merge: merge, influence: 0),
                      edges: [GraphEdge(to: 1)], policy: policy),
            GraphNode("end", .end),
        ])
    }

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    /// Five standard errors of the mean of `values`.
    static func tolerance(_ values: [Double]) -> Double {
        let m = mean(values)
        let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
        return 5 * (variance / Double(values.count)).squareRoot()
    }

    static func choose(_ n: Int, _ k: Int) -> Double {
        (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) }
    }

    @Test("first valid: the fastest valid answer wins, the others are paid; the path waits only for it")
    func firstValid() {
        // Three calls to one member (independent draws), each failing with e = 0.3 and taking
        // Exp(1) either way; no retries. P(right) = (1 − e³)·p. The stage lasts the minimum of
        // the valid calls' times, or the maximum of all three when none is valid.
        let (e, p, k) = (0.3, 0.7, 3)
        var member = T.model("m", modelFamily: "f", p: p)
        member.latency = .exponential(mean: 1)
        member.errorRate = e
        let scenario = T.scenario(members: [member], roles: T.roles())
        let engine = Self.run(scenario, Self.fanOut(k, merge: .firstValid, policy: CallPolicy(retries: 0)))
        let n = Double(engine.tasks.count)
        #expect(engine.tasks.allSatisfy { $0.done && $0.calls == 3 })
        let success = Double(engine.tasks.filter(\.success).count) / n
        let expected = (1 - pow(e, 3)) * p
        #expect(abs(success - expected) <= 5 * (expected * (1 - expected) / n).squareRoot(), "\(success) vs \(expected)")

        var stage = pow(e, 3) * (1 + 1.0 / 2 + 1.0 / 3)
        for j in 1...k { stage += Self.choose(k, j) * pow(1 - e, Double(j)) * pow(e, Double(k - j)) / Double(j) }
        let critical = engine.tasks.map(\.criticalPath)
        #expect(abs(Self.mean(critical) - stage) <= Self.tolerance(critical), "\(Self.mean(critical)) vs \(stage)")
        // No member is ever busy (unlimited concurrency): the latency is the critical path.
        for task in engine.tasks { #expect(abs(task.finish - task.arrival - task.criticalPath) < 1e-9) }
        // Every call was paid, the slower ones included.
        #expect(engine.nodeCalls == [3 * engine.tasks.count, 0])
        #expect(abs(engine.nodeCost[0] - engine.tasks.reduce(0) { $0 + $1.cost }) < 1e-6)
    }

    @Test("answers that come back after their task moved on are ignored")
    func staleAnswers() {
        // A race, then one more call whose answer is final: success is that call's accuracy.
        var member = T.model("m", modelFamily: "f", p: 0.6)
        member.latency = .exponential(mean: 1)
        let scenario = T.scenario(members: [member], roles: T.roles())
        let graph = Orchestration(name: "race-then-answer", nodes: [
            GraphNode("race", .parallel(members: [0, 0, 0, 0], count: 0, merge: .firstValid, influence: 0), edges: [GraphEdge(to: 1)]),
            GraphNode("answer", .call(member: 0, difficultyScale: 1, keep: false), edges: [GraphEdge(to: 2)]),
            GraphNode("end", .end),
        ])
        let engine = Self.run(scenario, graph)
        let n = Double(engine.tasks.count)
        #expect(engine.tasks.allSatisfy { $0.done && $0.calls == 5 })
        let success = Double(engine.tasks.filter(\.success).count) / n
        #expect(abs(success - 0.6) <= 5 * (0.24 / n).squareRoot())
        #expect(engine.nodeEnded == [0, 0, engine.tasks.count])
    }

    @Test("best confidence: the most confident valid answer, against the confidence model's integral")
    func bestConfidence() {
        // A right answer's confidence is U(0.5, 1), a wrong one's U(0, 0.8). With r right and w
        // wrong answers the merge is right when the largest right confidence beats the largest
        // wrong one: ∫ d/dx[((x − 0.5)/0.5)^r] · min(1, x/0.8)^w dx over [0.5, 1].
        let (p, k) = (0.55, 4)
        func rightWins(_ r: Int, _ w: Int) -> Double {
            if r == 0 { return 0 }
            if w == 0 { return 1 }
            let steps = 20_000
            var sum = 0.0
            for s in 0..<steps {
                let x = 0.5 + 0.5 * (Double(s) + 0.5) / Double(steps)
                let density = Double(r) * pow((x - 0.5) / 0.5, Double(r - 1)) / 0.5
                sum += density * pow(min(1, x / 0.8), Double(w)) * 0.5 / Double(steps)
            }
            return sum
        }
        let expected = (0...k).reduce(0.0) { sum, r in
            sum + Self.choose(k, r) * pow(p, Double(r)) * pow(1 - p, Double(k - r)) * rightWins(r, k - r)
        }
        let scenario = T.scenario(members: [T.model("m", modelFamily: "f", p: p)], roles: T.roles())
        let engine = Self.run(scenario, Self.fanOut(k, merge: .bestConfidence))
        let n = Double(engine.tasks.count)
        let success = Double(engine.tasks.filter(\.success).count) / n
        #expect(abs(success - expected) <= 5 * (expected * (1 - expected) / n).squareRoot(), "\(success) vs \(expected)")
        // Better than one answer, and than the majority of the same four.
        #expect(expected > p && expected > AgentTeamTests.binomialMajority(k: k, p: p))
    }

    @Test("a node's call policy overrides the scenario's retries, fallback and timeout")
    func callPolicy() {
        // Calls fail half the time. The scenario says one retry, then the backup member; the
        // node says three retries and no fallback: calls per request 1 + ½ + ¼ + ⅛, valid with
        // probability 1 − ½⁴.
        var flaky = T.model("flaky", modelFamily: "f", p: 0.8)
        flaky.errorRate = 0.5
        let backup = T.model("backup", modelFamily: "b", p: 0.8)
        let scenario = T.scenario(members: [flaky, backup], roles: T.roles(fallback: 1))
        func single(_ policy: CallPolicy) -> Orchestration {
            Orchestration(name: "single", nodes: [
                GraphNode("ask", .call(member: 0, difficultyScale: 1, keep: false), edges: [GraphEdge(to: 1)], policy: policy),
                GraphNode("end", .end),
            ])
        }
        let engine = Self.run(scenario, single(CallPolicy(retries: 3, fallback: .none)))
        let calls = engine.tasks.map { Double($0.calls) }
        #expect(abs(Self.mean(calls) - 1.875) <= Self.tolerance(calls))
        #expect(calls.allSatisfy { $0 <= 4 })
        let n = Double(engine.tasks.count)
        let success = Double(engine.tasks.filter(\.success).count) / n
        let expected = (1 - pow(0.5, 4)) * 0.8
        #expect(abs(success - expected) <= 5 * (expected * (1 - expected) / n).squareRoot())
        // The scenario's own policy: one retry, then the backup (with its one retry).
        let inherited = Self.run(scenario, single(.scenario)).tasks.map { Double($0.calls) }
        #expect(abs(Self.mean(inherited) - 1.75) <= Self.tolerance(inherited))   // 1 + ½ + ¼·(1 + 0)
        // A member given as the fallback.
        let toBackup = Self.run(scenario, single(CallPolicy(retries: 0, fallback: .member(1))))
        #expect(toBackup.tasks.allSatisfy { $0.calls <= 2 })

        // A node's timeout cuts calls the member's latency would let run on.
        let slow = T.model("slow", modelFamily: "s", p: 0.9, latency: 50)
        let stuck = T.scenario(members: [slow], roles: T.roles(), tasks: 100)
        let timedOut = Self.run(stuck, single(CallPolicy(retries: 2, timeout: 10)))
        #expect(timedOut.tasks.allSatisfy { $0.timeouts == 3 && !$0.success && $0.finish - $0.arrival == 30 })
    }

    @Test("attempts counts the visits to a node; a bound that stops a loop is recorded on its edge")
    func attempts() {
        let scenario = T.scenario(members: [T.model("m", modelFamily: "f", p: 0.5)], roles: T.roles(), tasks: 1000)
        func loop(limit: Int) -> Orchestration {
            Orchestration(name: "three-tries", nodes: [
                GraphNode("ask", .call(member: 0, difficultyScale: 1, keep: false), edges: [
                    GraphEdge(GraphCondition([GraphTest(.attempts, .less, 3)]), to: 0, limit: limit),
                    GraphEdge(to: 1),
                ]),
                GraphNode("end", .end),
            ])
        }
        let free = Self.run(scenario, loop(limit: 10))
        #expect(free.tasks.allSatisfy { $0.calls == 3 })
        #expect(free.edgeBoundHits == [0, 0])
        let bounded = Self.run(scenario, loop(limit: 1))
        #expect(bounded.tasks.allSatisfy { $0.calls == 2 })
        #expect(bounded.edgeBoundHits == [1000, 0])
    }

    @Test("the critical path leaves out waiting for a busy member")
    func criticalPathExcludesQueueing() {
        // Five tasks at once to a human who serves one at a time, 10 time units each: each
        // task's critical path is 10; their latencies 10, 20, …, 50.
        let human = TeamMember(name: "expert", kind: .human, modelFamily: "human", ability: 5, latency: .constant(10),
                               pricePerCall: 50, concurrency: 1)
        let scenario = T.scenario(members: [human], roles: T.roles(), tasks: 5)
        let engine = Self.run(scenario, .single(scenario.roles, tier: -1))
        #expect(engine.tasks.map(\.criticalPath) == [10, 10, 10, 10, 10])
        #expect(engine.tasks.map { $0.finish - $0.arrival } == [10, 20, 30, 40, 50])
        #expect(engine.nodeTime == [150, 0])
    }

    @Test("per-node and per-edge figures add up to the run's metrics", arguments: [
        Pattern.router(verifierAccuracy: 0.8, verifierCost: 0.001, escalateAbove: 0.4, budget: 1e9),
        .pipeline(sendBacks: 2), .scatterGather(k: 3, judge: true), .hierarchical(subtasks: 3, decompositionError: 0.2, subtaskDifficulty: 0.6),
        .humanEscalation(riskAbove: 0.8, confidenceBelow: 0.6),
    ])
    func figuresAddUp(pattern: Pattern) throws {
        let scenario = AgentTeamTests.flakyTeam
        let run = AgentTeamFamily.run(scenario, pattern: pattern, workload: RandomStreams(identity: "figures|0"))
        let graph = Orchestration.of(pattern, in: scenario)
        func metric(_ name: String) -> Double {
            run.metrics[AgentTeamFamily.metrics.firstIndex { $0.descriptor.name == name }!]
        }
        let nodes = run.details[0], edges = run.details[1]
        #expect(nodes.map { $0.keys[0] } == graph.nodes.map(\.name))
        func total(_ rows: [DetailRow], _ figure: Int) -> Double { rows.reduce(0) { $0 + $1.values[figure] } }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }
        #expect(close(total(nodes, 2), metric("calls-per-task")))
        #expect(close(total(nodes, 3), metric("cost-per-task")))
        #expect(close(total(nodes, 4), metric("mean-latency")))            // every task finished: its time is split among nodes
        #expect(close(total(nodes, 5), 1))                                 // each answer became final at one node
        #expect(close(total(edges, 2), metric("bound-hits")))
        #expect(nodes[graph.start].values[0] == 1)
        // A node's visits are the times its incoming edges were taken (the start's, one more).
        var e = 0
        var into = [Double](repeating: 0, count: graph.nodes.count)
        for node in graph.nodes {
            for edge in node.edges {
                #expect(edges[e].keys[0] == node.name && edges[e].keys[2] == graph.nodes[edge.target].name)
                into[edge.target] += edges[e].values[1]
                e += 1
            }
        }
        for (n, row) in nodes.enumerated() {
            #expect(close(row.values[1], into[n] + (n == graph.start ? 1 : 0)), "\(row.keys[0])")
            #expect(row.values[0] <= row.values[1] + 1e-12 && row.values[0] <= 1)
        }
    }
}
