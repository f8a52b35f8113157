import Foundation
import Testing
@testable import AgentTeams
import SimulationKernel

/// The built-in patterns, now carried out as orchestration graphs, give exactly the runs the
/// hand-written patterns gave before they were removed (Golden/hand-written-patterns.tsv,
/// recorded from them): every metric bit for bit, the stop reason and the event count, on a
/// team whose calls fail in every way (`AgentTeamTests.flakyTeam`), with and without a human,
/// over five workloads each. The graph machinery is thereby validated by the patterns' own
/// theory tests, and they by it.
@Suite("Orchestration graphs")
struct GraphEquivalenceTests {
    static let roles = AgentTeamTests.flakyTeam.roles

    /// The patterns of `AgentTeamTests.pinnedDecisions` and a few more corners (the golden
    /// file's `case` column indexes this list: append, never reorder).
    static let cases: [Pattern] = [
        .single(tier: -1), .single(tier: 0), .single(tier: 2),
        .router(verifierAccuracy: 1, verifierCost: 0, escalateAbove: 1, budget: 1e9),
        .router(verifierAccuracy: 0.8, verifierCost: 0.001, escalateAbove: 0.4, budget: 0.01),
        .router(verifierAccuracy: 0.6, verifierCost: 0.01, escalateAbove: 0, budget: 1e9),
        .scatterGather(k: 0, judge: false), .scatterGather(k: 3, judge: true), .scatterGather(k: 7, judge: false),
        .debate(rounds: 2, influence: 0.5), .debate(rounds: 0, influence: 0.5), .debate(rounds: 3, influence: 0.9),
        .hierarchical(subtasks: 3, decompositionError: 0.2, subtaskDifficulty: 0.6),
        .hierarchical(subtasks: 1, decompositionError: 0, subtaskDifficulty: 1),
        .pipeline(sendBacks: 2), .pipeline(sendBacks: 0), .pipeline(sendBacks: 5),
        .humanEscalation(riskAbove: 0.8, confidenceBelow: 0.6), .humanEscalation(riskAbove: 1, confidenceBelow: 0),
        .humanEscalation(riskAbove: 0.3, confidenceBelow: 0.9),
    ]

    struct GoldenRun {
        let scenario: Int, replication: Int, stop: String, events: Int
        /// Metric name → IEEE-754 bits.
        let metrics: [String: UInt64]
    }

    /// The golden runs by case index.
    static let golden: [Int: [GoldenRun]] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/hand-written-patterns.tsv")
        let lines = (try? String(contentsOf: url, encoding: .utf8))?.split(separator: "\n").filter { !$0.hasPrefix("#") } ?? []
        guard let header = lines.first else { return [:] }
        let names = header.split(separator: "\t")[5].split(separator: " ").map(String.init)
        var runs: [Int: [GoldenRun]] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: "\t").map(String.init)
            let bits = fields[5].split(separator: " ").map { UInt64($0, radix: 16)! }
            runs[Int(fields[0])!, default: []].append(GoldenRun(
                scenario: Int(fields[1])!, replication: Int(fields[2])!, stop: fields[3], events: Int(fields[4])!,
                metrics: Dictionary(uniqueKeysWithValues: zip(names, bits))))
        }
        return runs
    }()

    @Test("each built-in pattern gives the hand-written pattern's runs, bit for bit", arguments: cases.indices)
    func sameRuns(index: Int) throws {
        let pattern = Self.cases[index]
        var noHuman = AgentTeamTests.flakyTeam
        noHuman.roles.human = nil
        let scenarios = [AgentTeamTests.flakyTeam, noHuman]
        let runs = try #require(Self.golden[index])
        #expect(runs.count == 10)
        let names = AgentTeamFamily.metrics.map(\.descriptor.name)
        for run in runs {
            let walked = AgentTeamFamily.run(scenarios[run.scenario], pattern: pattern,
                                             workload: RandomStreams(identity: "graph|\(run.replication)"))
            for (name, bits) in run.metrics {
                let k = try #require(names.firstIndex(of: name), "metric \(name) is gone")
                #expect(walked.metrics[k].bitPattern == bits,
                        "\(pattern), scenario \(run.scenario), replication \(run.replication): \(name)")
            }
            #expect("\(walked.stop)" == run.stop && walked.events == run.events)
        }
    }

    @Test("a bounded loop stops at its bound and the run records it")
    func boundedLoop() {
        // Ask the small model until it answers with confidence ≥ 0.95, at most 3 times more.
        let roles = Self.roles
        let loop = Orchestration(name: "retry-until-confident", nodes: [
            GraphNode("ask", .call(member: roles.tiers[0], difficultyScale: 1, keep: false), edges: [
                GraphEdge(GraphCondition([GraphTest(.confidence, .less, 0.95)]), to: 0, limit: 3, escalation: true),
                GraphEdge(to: 1),
            ]),
            GraphNode("end", .end),
        ])
        var engine = TeamEngine(scenario: AgentTeamTests.flakyTeam, pattern: .graph(loop),
                                workload: RandomStreams(identity: "loop|0"))
        var sim = Simulation<CallEvent>(reservingCapacity: 64)
        sim.schedule(.arrival(0), at: engine.arrival[0])
        _ = sim.run(&engine, until: .infinity, eventBudget: 1_000_000)
        let instances = engine.tasks.count
        let allDone = engine.tasks.allSatisfy { $0.done }
        #expect(allDone)
        // A task asks at most 4 times; the bound stops exactly those whose fourth answer is
        // still not confident (a failed answer has confidence 0), once each.
        let escalations = engine.tasks.map { Int($0.escalations) }
        #expect(escalations.allSatisfy { $0 <= 3 })
        let stopped = engine.tasks.filter { task in
            task.escalations == 3 && (!task.graph.answer.valid || task.graph.answer.confidence < 0.95)
        }.count
        let boundHits = engine.edgeBoundHits.reduce(0, +)
        #expect(boundHits == stopped && engine.edgeBoundHits[0] == stopped)
        #expect(boundHits > 0 && boundHits < instances)
    }
}
