import Foundation
import Testing
@testable import AgentTeams
import SimulationKernel

/// The built-in patterns built as orchestration graphs give exactly the hand-written patterns'
/// runs: every metric bit for bit, the stop reason and the event count, on a team whose calls
/// fail in every way (`AgentTeamTests.flakyTeam`), over several workloads. The graph machinery
/// is thereby validated by the patterns' own theory tests.
@Suite("Orchestration graphs")
struct GraphEquivalenceTests {
    static let roles = AgentTeamTests.flakyTeam.roles

    /// The patterns of `AgentTeamTests.pinnedDecisions` and a few more corners.
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

    @Test("a built-in pattern and its graph give the same runs", arguments: cases.indices)
    func sameRuns(index: Int) {
        let pattern = Self.cases[index]
        var scenarios = [AgentTeamTests.flakyTeam]
        var noHuman = AgentTeamTests.flakyTeam
        noHuman.roles.human = nil
        scenarios.append(noHuman)
        for scenario in scenarios {
            for replication in 0..<5 {
                let streams = RandomStreams(identity: "graph|\(replication)")
                let built = AgentTeamFamily.run(scenario, pattern: pattern, workload: streams)
                let walked = AgentTeamFamily.run(scenario, pattern: .graph(.of(pattern, in: scenario)),
                                              workload: streams)
                #expect(walked.metrics.map(\.bitPattern) == built.metrics.map(\.bitPattern),
                        "\(pattern), human \(scenario.roles.human != nil), replication \(replication)")
                #expect(walked.stop == built.stop && walked.events == built.events)
            }
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
        #expect(engine.boundHits == stopped)
        #expect(engine.boundHits > 0 && engine.boundHits < instances)
    }
}
