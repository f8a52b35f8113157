import AgentTeams
import Foundation
import Testing
@testable import Experiments

/// Orchestration graphs written in scenario files: run as strategies, equal to the built-in
/// pattern they spell out, swept by a grid, and validated completely with positioned errors.
@Suite("Orchestration graphs in scenario files")
struct OrchestrationReaderTests {
    /// The shipped support desk with `graphs` appended (indented under `orchestrations:`).
    static func scenario(_ graphs: String) throws -> String {
        let desk = try String(contentsOf: ShippedScenarioTests.scenarios.appendingPathComponent("agent-teams/support-desk.yaml"),
                              encoding: .utf8)
        return desk + "\norchestrations:\n" + graphs
    }

    /// The router written as a graph: tasks estimated harder than 1 skip the first tier (the
    /// built-in's `escalate-above` default); three tiers, a perfect verifier, escalate on rejection.
    static let routerGraph = """
          router-graph:
            nodes:
              route: {branch: [{if: estimated-difficulty > 1, to: t1}, {to: t0}]}
              t0: {call: small, next: c0}
              c0: {verify: {accuracy: 1}, next: [{if: accepted, to: end}, {to: t1, escalate: true}]}
              t1: {call: medium, next: c1}
              c1: {verify: {accuracy: 1}, next: [{if: accepted, to: end}, {to: t2, escalate: true}]}
              t2: {call: frontier, next: c2}
              c2: {verify: {accuracy: 1}, next: end}
              end: end
          checked:
            nodes:
              answer: {call: medium, next: check}
              check: {verify: {accuracy: 0.8, cost: 0.001}, next: [{if: rejected, to: answer, limit: 2, escalate: true}, {to: done}]}
              done: end

        """

    @Test("a graph in a scenario file is a strategy; the router written as a graph gives the router's runs")
    func routerAsGraph() throws {
        let dir = try InputErrorTests.folder(["s.yaml": try Self.scenario(Self.routerGraph), "suite.yaml": """
            replications: 3
            scenarios:
              - path: s.yaml
                strategies: [router, router-graph, checked]
            """, "all.yaml": "scenarios: [s.yaml]\n"])
        let suite = try SuiteLoader.load(path: dir + "/suite.yaml")
        let records = try Runner(jobs: 2).run(RunPlan(suite: suite))
        // The same runs (metrics, events, stop reasons); only the node names in their details differ.
        func runs(_ name: String) -> [RunOutcome] {
            records.filter { $0.spec.strategy.name == name }.map { RunOutcome(stopReason: $0.outcome.stopReason,
                                                                            events: $0.outcome.events, metrics: $0.outcome.metrics) }
        }
        #expect(runs("router").count == 3 && runs("router-graph") == runs("router"))
        let routerFigures = records.first { $0.spec.strategy.name == "router" }!.outcome.details
        let graphFigures = records.first { $0.spec.strategy.name == "router-graph" }!.outcome.details
        // Node by node the same figures (the edges differ: the built-in also has the budget's).
        #expect(routerFigures[0].map(\.values) == graphFigures[0].map(\.values))
        // Without `strategies:`, the suite runs the family's catalogue and then the scenario's graphs.
        let all = try SuiteLoader.load(path: dir + "/all.yaml")
        #expect(all.entries[0].strategies.map(\.name).suffix(3) == ["human-escalation", "router-graph", "checked"])
        let scenario = try ScenarioLoader.load(path: dir + "/s.yaml")
        #expect(scenario.model.strategies.map(\.name).suffix(2) == ["router-graph", "checked"])
        // Budgets see a graph's loops: `checked` visits its nodes at most 1 + 2 times, one call each.
        let team = try #require(scenario.model.payload as? Payload<AgentTeamFamily>).scenario
        #expect(team.orchestrations.map(\.maximumRequestsPerTask) == [3, 3])
        // A loop bound of 10,000 raises the events estimate ~3,334-fold (1 + 10,000 visits
        // instead of 1 + 2), not the memory estimate: a task's visits come one after another.
        var unbounded = team
        unbounded.orchestrations[1].nodes[1].edges[0].limit = 10_000
        unbounded.eventBudget = .max
        var bounded = team
        bounded.eventBudget = .max
        // 1,200 instances × 10,001 requests × 2 tries × 2 events.
        #expect(unbounded.footprint.events == 1_200 * 10_001 * 2 * 2)
        #expect(unbounded.footprint.events > 1_000 * bounded.footprint.events)
        #expect(unbounded.footprint.bytes == bounded.footprint.bytes)
    }

    @Test("a grid sweeps a value inside a graph")
    func gridSweepsGraph() throws {
        let dir = try InputErrorTests.folder(["s.yaml": try Self.scenario(Self.routerGraph), "suite.yaml": """
            replications: 2
            scenarios:
              - path: s.yaml
                strategies: [checked]
                grid:
                  orchestrations.checked.nodes.check.verify.accuracy: [0.5, 1]
            """])
        let suite = try SuiteLoader.load(path: dir + "/suite.yaml")
        let records = try Runner(jobs: 1).run(RunPlan(suite: suite))
        #expect(records.count == 4)
        let escalations = records[0].spec.scenario.family.metrics.firstIndex { $0.name == "escalations" }!
        let byPoint = Dictionary(grouping: records) { $0.spec.pointLabel }.mapValues { $0.map { $0.outcome.metrics[escalations] } }
        // A verifier that is right only half the time rejects far more answers than a perfect one.
        let coin = byPoint["orchestrations.checked.nodes.check.verify.accuracy=0.5"]!
        let perfect = byPoint["orchestrations.checked.nodes.check.verify.accuracy=1"]!
        #expect(zip(coin, perfect).allSatisfy { $0 > $1 })
    }

    @Test("a graph is validated completely before anything runs, each problem at its position")
    func errors() throws {
        let text = try Self.scenario("""
              router:
                nodes:
                  a: {call: mediun, next: b}
                  b: {branch: [{if: confidense < 0.5, to: a}, {to: c}]}
                  c: {review: small, next: [{if: rejected, to: a}, {to: dne}]}
              spin:
                nodes:
                  x: {call: small, next: [{if: failed, to: y}, {to: z}]}
                  y: {branch: [{to: x}]}
                  z: end
              lonely:
                nodes:
                  p: {call: small, next: z}
                  q: {call: small, next: z}
                  r: {call: small, next: [{if: cost >> 1, to: z}]}
                  z: end
              stuck:
                start: p
                nodes:
                  p: {call: small, next: q}
                  q: {branch: [{to: p, limit: 2}, {to: p}]}

            """)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "orchestrations:" }! + 1
        let errors = try InputErrorTests.scenarioErrors(text).map { error in
            // Make line numbers relative to `orchestrations:` so the test does not depend on the desk's length.
            let parts = error.split(separator: ":", maxSplits: 3)
            return "\(Int(parts[1])! - line):\(parts[2]):\(parts[3])"
        }
        #expect(errors == [
            "1:3: error: orchestration 'router' has the name of a built-in strategy; choose another",
            "3:17: error: unknown member 'mediun'; did you mean 'medium'? expected one of: small, medium, frontier, expert, "
                + "primary, judge, lead, assistant, human (in a.call)",
            "4:25: error: unknown observable 'confidense'; did you mean 'confidence'? expected one of: failed, confidence, "
                + "accepted, estimated-difficulty, risk, cost, elapsed, attempts (in condition 'confidense < 0.5')",
            "5:61: error: unknown node 'dne'; expected one of: a, b, c (in orchestration 'router')",
            "9:25: error: loop x → y → x of orchestration 'spin' has no bound; give one of its edges a 'limit'",
            "15:36: error: unknown comparison '>>'; did you mean '>'? expected one of: <, <=, >, >=, == (in condition 'cost >> 1')",
            "20:7: error: node 'p' of orchestration 'stuck' has no way to an end node",
            "21:7: error: node 'q' of orchestration 'stuck' has no way to an end node",
            "21:44: error: loop p → q → p of orchestration 'stuck' has no bound; give one of its edges a 'limit'",
        ])
        let unreachable = try InputErrorTests.scenarioErrors(try Self.scenario("""
              lonely:
                nodes:
                  p: {call: small, next: z}
                  q: {call: small, next: z}
                  z: end

            """)).map { $0.split(separator: ":", maxSplits: 3)[3] }
        #expect(unreachable == [" error: node 'q' of orchestration 'lonely' cannot be reached from its start 'p'"])
        // A bounded loop of instant nodes would still let a task go round within one event.
        let idle = try InputErrorTests.scenarioErrors(try Self.scenario("""
              idle:
                nodes:
                  a: {call: small, next: v}
                  v: {verify: {accuracy: 0.9}, next: [{if: rejected, to: w, limit: 5}, {to: z}]}
                  w: {branch: [{to: v}]}
                  z: end

            """)).map { $0.split(separator: ":", maxSplits: 3)[3] }
        #expect(idle == [" error: loop v → w → v of orchestration 'idle' waits for no answer; a loop must pass a call, "
                         + "review, parallel or decompose node"])
    }

    @Test("call policies and merges are read from a node, and checked")
    func policiesAndMerges() throws {
        let scenario = try ScenarioLoader.load(path: try InputErrorTests.folder(["s.yaml": try Self.scenario("""
              designed:
                nodes:
                  race: {parallel: {members: [small, small, medium], merge: first-valid}, retries: 0, timeout: 5, next: best}
                  best: {parallel: {members: panel, count: 3, merge: best-confidence}, fallback: none, next: ask}
                  ask: {call: medium, retries: 3, fallback: frontier, next: [{if: attempts < 2, to: ask, limit: 1}, {to: done}]}
                  done: end

            """)]) + "/s.yaml")
        let team = try #require(scenario.model.payload as? Payload<AgentTeamFamily>).scenario
        let nodes = team.orchestrations[0].nodes
        #expect(nodes.map(\.policy) == [CallPolicy(retries: 0, timeout: 5), CallPolicy(fallback: .none),
                                        CallPolicy(retries: 3, fallback: .member(2)), .scenario])
        #expect(nodes[0].step == .parallel(members: [0, 0, 1], count: 0, merge: .firstValid, influence: 0))
        #expect(nodes[1].step == .parallel(members: team.roles.panel, count: 3, merge: .bestConfidence, influence: 0))
        #expect(nodes[2].edges[0].condition == GraphCondition([GraphTest(.attempts, .less, 2)]))
        // Budgets: 3 + 3 + 1 requests per visit, the loop's bound adds one visit; the `ask`
        // node's 3 retries and fallback make up to 8 calls per request.
        #expect(team.orchestrations[0].maximumRequestsPerTask == 14)
        #expect(team.orchestrations[0].maximumCallsPerTask(retries: 1, fallback: true) == 14 * 8)

        let errors = try InputErrorTests.scenarioErrors(try Self.scenario("""
              wrong:
                nodes:
                  a: {parallel: {members: panel, merge: fastest}, next: b}
                  b: {verify: {accuracy: 0.9}, retries: 2, next: c}
                  c: {call: small, fallback: nobody, timeout: -1, next: d}
                  d: end

            """)).map { $0.split(separator: ":", maxSplits: 3)[3] }
        #expect(errors == [
            " error: unknown merge 'fastest'; expected one of: vote, judge, first-valid, best-confidence",
            " error: node 'b' makes no calls; 'retries' belongs on a call, parallel, review or decompose node",
            " error: negative timeout -1 is out of range; must be ≥ 0 and ≤ 1000000000",
            " error: unknown member 'nobody'; expected one of: small, medium, frontier, expert, primary, judge, lead, "
                + "assistant, human (in c.fallback)",
        ])
    }
}
