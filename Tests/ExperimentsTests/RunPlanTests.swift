import Foundation
import Testing
@testable import Experiments
import SimulationKernel

@Suite("Run plan and runner")
struct RunPlanTests {
    static func suite(replications: Int = 3) throws -> Suite {
        let dir = try InputErrorTests.folder(["s.yaml": InputErrorTests.validScenario, "suite.yaml": """
            name: tiny
            seed: 42
            replications: \(replications)
            scenarios:
              - path: s.yaml
                strategies: [least-loaded, random, {name: skill-routing, min-success: 0.9}]
                grid:
                  workload.arrivals.rate: [0.5, 2]

            """])
        return try SuiteLoader.load(path: dir + "/suite.yaml")
    }

    @Test("the plan is scenario × grid point × replication × strategy, with stable identities")
    func plan() throws {
        let plan = RunPlan(suite: try Self.suite())
        #expect(plan.runs.count == 2 * 3 * 3)
        #expect(plan.gridKeys == ["workload.arrivals.rate"])
        let first = plan.runs[0]
        #expect(first.identity == "seed=42|scenario=s|point=workload.arrivals.rate=0.5|rep=0|strategy=least-loaded")
        #expect(plan.runs[2].strategy.label == "skill-routing(min-success=0.9)")
        // Strategies of one replication share the workload identity (common random numbers).
        #expect(Set(plan.runs[0..<3].map(\.workloadIdentity)).count == 1)
        #expect(plan.runs[0].workloadIdentity != plan.runs[3].workloadIdentity)
    }

    @Test("the plan's runs, made from their positions, are entries × grid points × replications × strategies")
    func computedRuns() throws {
        let dir = try InputErrorTests.folder(["s.yaml": InputErrorTests.validScenario, "t.yaml": InputErrorTests.validScenario,
                                              "suite.yaml": """
            seed: 9
            replications: 2
            scenarios:
              - path: s.yaml
                strategies: [least-loaded, random]
                grid:
                  workload.arrivals.rate: [0.5, 2, 3]
              - path: t.yaml
                replications: 3
                strategies: [random]

            """])
        let suite = try SuiteLoader.load(path: dir + "/suite.yaml")
        let plan = RunPlan(suite: suite)
        var expected: [String] = []
        for entry in suite.entries {
            for point in entry.points {
                for replication in 0..<entry.replications {
                    for strategy in entry.strategies {
                        let label = point.label.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
                        expected.append("seed=9|scenario=\(point.scenario.name)|point=\(label)|rep=\(replication)"
                                        + "|strategy=\(strategy.label)")
                    }
                }
            }
        }
        #expect(plan.runs.count == 3 * 2 * 2 + 3)
        #expect(plan.runs.map(\.identity) == expected)
        #expect(plan.runs.map(\.index) == Array(0..<expected.count))
        #expect(plan.runs[12].scenario.name == "t" && plan.runs[12].replication == 0 && plan.runs[14].replication == 2)
        // The journal's fingerprint hashes the identities without building them: the same hash.
        let hashed = Journal.Fingerprint(version: "v", build: "b", inputs: "i", plan: plan).inputs
        let text = "i" + expected.map { "\n" + $0 }.joined()
        #expect(hashed == StableHash.hex(StableHash.fnv1a(text.utf8)))
        let sample = RunPlan(suite: suite, runs: [plan.runs[3], plan.runs[13]])
        #expect(Journal.Fingerprint(version: "v", build: "b", inputs: "i", plan: sample).inputs
                == StableHash.hex(StableHash.fnv1a(("i\n" + expected[3] + "\n" + expected[13]).utf8)))
    }

    @Test("results do not depend on the number of jobs")
    func jobsIndependence() throws {
        let plan = RunPlan(suite: try Self.suite(replications: 5))
        let one = try Runner(jobs: 1).run(plan)
        let four = try Runner(jobs: 4).run(plan)
        #expect(one.map(\.outcome) == four.map(\.outcome))
        #expect(one.map(\.spec.identity) == four.map(\.spec.identity))
    }

    @Test("a journal resumes without redoing finished runs, and a torn last line is ignored")
    func journalResume() throws {
        let plan = RunPlan(suite: try Self.suite())
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).tsv").path
        let full = try Runner(jobs: 2).run(plan)
        // Journal the first half, as an interrupted run would, plus half a line.
        let fingerprint = Journal.Fingerprint(version: "v", build: "b", inputs: "abc")
        let journal = try Journal(path: path, fingerprint: fingerprint)
        for record in full.prefix(plan.runs.count / 2) { try journal.append(record.spec, record.outcome) }
        try journal.handleForTests.write(contentsOf: Data("17\tseed=42|scen".utf8))
        guard let (reopened, done) = try Journal.resume(path: path, fingerprint: fingerprint, plan: plan) else {
            Issue.record("journal not resumed")
            return
        }
        #expect(done.count == plan.runs.count / 2)
        let resumed = try Runner(jobs: 2).run(plan, done: done, journal: reopened)
        #expect(resumed.map(\.outcome) == full.map(\.outcome))
        // Another fingerprint (other inputs) is not resumed.
        #expect(try Journal.resume(path: path, fingerprint: Journal.Fingerprint(version: "v", build: "b", inputs: "other"),
                                  plan: plan) == nil)
        reopened.remove()
    }
}
