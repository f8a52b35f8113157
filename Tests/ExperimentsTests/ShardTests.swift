import Foundation
import Testing
@testable import Experiments

@Suite("Shards of a plan")
struct ShardTests {
    /// A plan of three entries of different sizes (group sizes 9, 12 and 5 × 2 grid points).
    static func suite() throws -> Suite {
        let dir = try InputErrorTests.folder(["s.yaml": InputErrorTests.validScenario, "t.yaml": InputErrorTests.validScenario,
                                              "u.yaml": InputErrorTests.validScenario, "suite.yaml": """
            name: sharded
            seed: 11
            replications: 3
            scenarios:
              - path: s.yaml
                strategies: [least-loaded, random, round-robin]
              - path: t.yaml
                replications: 4
                strategies: [least-loaded, random, round-robin]
              - path: u.yaml
                replications: 5
                strategies: [random]
                grid:
                  workload.arrivals.rate: [0.5, 2]

            """])
        return try SuiteLoader.load(path: dir + "/suite.yaml")
    }

    @Test("every run is in exactly one shard, in plan order, with its plan index and identity; each shard's runs are those i mod N = K − 1")
    func partition() throws {
        let suite = try Self.suite()
        let plan = RunPlan(suite: suite)
        #expect(plan.runs.count == 9 + 12 + 10)
        for count in 1...12 {
            var seen = Array(repeating: 0, count: plan.runs.count)
            for index in 1...count {
                let shard = Shard(index: index, count: count)!
                let part = RunPlan(suite: suite, shard: shard)
                #expect(part.runs.count == shard.runs(ofPlan: plan.runs.count))
                let indices = part.runs.map(\.index)
                #expect(indices == plan.runs.indices.filter { $0 % count == index - 1 })
                for (position, run) in part.runs.enumerated() {
                    seen[run.index] += 1
                    #expect(run.identity == plan.runs[run.index].identity)
                    #expect(part.runs.position(ofPlanIndex: run.index) == position)
                    #expect(Shard.index(ofPlanIndex: run.index, count: count) == index)
                }
                // Runs of other shards are not found in this one.
                for other in plan.runs.indices where !shard.contains(planIndex: other) {
                    #expect(part.runs.position(ofPlanIndex: other) == nil)
                }
            }
            #expect(seen.allSatisfy { $0 == 1 }, "count \(count): every run exactly once")
        }
    }

    @Test("shards are balanced: run counts differ by at most one, and so do each comparison group's runs per shard")
    func balance() throws {
        let suite = try Self.suite()
        let plan = RunPlan(suite: suite)
        for count in 1...12 {
            let sizes = (1...count).map { Shard(index: $0, count: count)!.runs(ofPlan: plan.runs.count) }
            #expect(sizes.max()! - sizes.min()! <= 1, "count \(count): \(sizes)")
            #expect(sizes.reduce(0, +) == plan.runs.count)
            // Per comparison group (scenario entry × grid point): ⌊m/N⌋ or ⌈m/N⌉ runs per shard.
            var groups: [String: [Int]] = [:]
            for run in plan.runs {
                groups[run.scenario.name + "#" + run.pointLabel,
                       default: Array(repeating: 0, count: count)][Shard.index(ofPlanIndex: run.index, count: count) - 1] += 1
            }
            for (group, perShard) in groups {
                #expect(perShard.max()! - perShard.min()! <= 1, "count \(count), group \(group): \(perShard)")
            }
        }
    }

    @Test("a shard's journal fingerprint covers only its runs; a whole plan's is unchanged by the shard code")
    func fingerprints() throws {
        let suite = try Self.suite()
        let plan = RunPlan(suite: suite)
        let whole = Journal.Fingerprint(version: "v", build: "b", inputs: "x", plan: plan)
        let one = Journal.Fingerprint(version: "v", build: "b", inputs: "x", plan: RunPlan(suite: suite, shard: Shard(index: 1, count: 1)!))
        #expect(whole.inputs == one.inputs, "shard 1 of 1 is the whole plan")
        let a = Journal.Fingerprint(version: "v", build: "b", inputs: "x", plan: RunPlan(suite: suite, shard: Shard(index: 1, count: 2)!))
        let b = Journal.Fingerprint(version: "v", build: "b", inputs: "x", plan: RunPlan(suite: suite, shard: Shard(index: 2, count: 2)!))
        #expect(a.inputs != b.inputs && a.inputs != whole.inputs)
    }

    @Test("--shard resolves K/N, a Slurm array's variables and a Kubernetes Indexed Job's index",
          arguments: [
            ("3/8", [String: String](), "3/8", "--shard 3/8"),
            ("auto", ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"], "1/4",
             "SLURM_ARRAY_TASK_ID=0 (SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_STEP=1, 4 tasks)"),
            ("auto", ["SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "8"], "8/8",
             "SLURM_ARRAY_TASK_ID=8 (SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_STEP=1, 8 tasks)"),
            ("auto", ["SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2",
                      "SLURM_ARRAY_TASK_COUNT": "4"], "4/4",
             "SLURM_ARRAY_TASK_ID=6 (SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_STEP=2, 4 tasks)"),
            ("auto/4", ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"], "3/4",
             "SLURM_ARRAY_TASK_ID=2 (SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_STEP=1, 4 tasks)"),
            ("auto/8", ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": "1"], "3/8",
             "SLURM_ARRAY_TASK_ID=3 (SLURM_ARRAY_TASK_MIN=3, SLURM_ARRAY_TASK_STEP=1, 1 task)"),
            ("auto/8", ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": "2"], "5/8",
             "SLURM_ARRAY_TASK_ID=5 (SLURM_ARRAY_TASK_MIN=3, SLURM_ARRAY_TASK_STEP=1, 2 tasks)"),
            ("auto/5", ["JOB_COMPLETION_INDEX": "0"], "1/5", "JOB_COMPLETION_INDEX=0 (5 completions)"),
            ("auto/5", ["JOB_COMPLETION_INDEX": "4"], "5/5", "JOB_COMPLETION_INDEX=4 (5 completions)"),
          ])
    func resolve(argument: String, environment: [String: String], label: String, source: String) throws {
        let (shard, found) = try Shard.resolve(argument, environment: environment)
        #expect(shard.label == label)
        #expect(found == source)
    }

    @Test("--shard says why it cannot be resolved",
          arguments: [
            ("0/4", [String: String](), "--shard 0/4: the shard must be between 1 and 4"),
            ("5/4", [:], "--shard 5/4: the shard must be between 1 and 4"),
            ("3", [:], "--shard 3: expected K/N (shard K of N, 1-based), auto (a Slurm array) or auto/N"),
            ("3/0", [:], "--shard 3/0: expected K/N (shard K of N, 1-based), auto (a Slurm array) or auto/N"),
            ("auto", [:], "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm array) nor JOB_COMPLETION_INDEX "
                + "(a Kubernetes Indexed Job) is set; name the shard as K/N"),
            ("auto", ["JOB_COMPLETION_INDEX": "2"], "--shard auto: a Kubernetes Indexed Job gives no count; give it (--shard auto/N)"),
            ("auto/4", ["JOB_COMPLETION_INDEX": "4"], "--shard auto/4: JOB_COMPLETION_INDEX=4 is not between 0 and 3"),
            ("auto/3", ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"],
             "--shard auto/3: array task 4 is not a shard of 3; an array of some of the shards must be numbered as they are, "
                + "1 to 3 (e.g. --array=3,5)"),
            ("auto", ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": "1"],
             "--shard auto: an array that starts at task 3 is not a whole array of shards (--array=0-N or 1-N); to run some "
                + "shards again, name their count: --shard auto/N with --array=K,…"),
            ("auto", ["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"],
             "--shard auto: array task 9 (first 0, step 1) is not one of 4 shards; submit the array as --array=0-3 or 1-4"),
          ])
    func resolveErrors(argument: String, environment: [String: String], message: String) {
        #expect(throws: ShardError.self) { _ = try Shard.resolve(argument, environment: environment) }
        do {
            _ = try Shard.resolve(argument, environment: environment)
        } catch {
            #expect(error.description == message)
        }
    }
}
