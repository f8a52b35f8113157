import Foundation
import Testing

/// `run --shard` and `merge`: a suite cut into shards and merged gives the bytes of one run;
/// a merge of shards that are incomplete or do not belong together exits 3 and says why.
@Suite("Command line: shards and merge", .serialized)
struct ShardMergeTests {
    typealias CLI = CommandLineTests
    static let suite = CLI.root.appendingPathComponent("Tests/ReportingTests/Fixtures/small.yaml").path

    /// Every file of a results folder; manifest.json without its provenance (where and when it was made).
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            var data = try Data(contentsOf: folder.appendingPathComponent(name))
            if name == "manifest.json" {
                var manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
                manifest["provenance"] = nil
                data = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
            }
            files[name] = data
        }
        return files
    }

    /// Runs the executable with this process's environment less any scheduler's variables, plus `environment`.
    static func run(_ arguments: [String], environment: [String: String]) throws -> CLI.Result {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLURM_") && $0.key != "JOB_COMPLETION_INDEX" }
        env.merge(environment) { $1 }
        return try CLI.run(arguments, environment: env)
    }

    @Test("a suite run as 1, 3 or 7 shards (any --jobs) and merged writes the bytes of one unsharded run",
          arguments: [(1, "1"), (3, "2"), (7, "1")])
    func mergeIsByteIdentical(count: Int, jobs: String) throws {
        let root = CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let single = root.appendingPathComponent("single/results"), merged = root.appendingPathComponent("merged/results")
        #expect(try CLI.run(["run", Self.suite, "--replications", "6", "--out", single.path, "-q"]).status == 0)
        var folders: [String] = []
        for index in 1...count {
            let folder = root.appendingPathComponent("shards/shard-\(index)").path
            let result = try CLI.run(["run", Self.suite, "--replications", "6", "--shard", "\(index)/\(count)",
                                      "--jobs", jobs, "--out", folder])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("shard \(index)/\(count): "), "\(result.stdout)")
            folders.append(folder)
        }
        let result = try CLI.run(["merge"] + folders.reversed() + ["--out", merged.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("merged \(count) shard"), "\(result.stdout)")
        let (a, b) = (try Self.snapshot(single), try Self.snapshot(merged))
        #expect(Set(a.keys) == Set(b.keys))
        for name in a.keys.sorted() { #expect(a[name] == b[name], "\(name) differs from the unsharded run") }
        // The shard records: runs add up to the plan; each says where its index came from.
        var runs = 0
        for (index, folder) in folders.enumerated() {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent("shard.json"))
            let record = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            #expect(record["complete"] as? Bool == true)
            #expect(record["source"] as? String == "--shard \(index + 1)/\(count)")
            #expect(record["plan_runs"] as? Int == 60)
            runs += record["runs"] as? Int ?? 0
        }
        #expect(runs == 60)
    }

    @Test("a merge with a shard missing, or a shard cut short, exits 3, lists exactly the missing runs and writes nothing; the shard re-run completes it")
    func incomplete() throws {
        let root = CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let single = root.appendingPathComponent("single/results"), merged = root.appendingPathComponent("merged/results")
        #expect(try CLI.run(["run", Self.suite, "--out", single.path, "-q"]).status == 0)
        let folders = (1...3).map { root.appendingPathComponent("shards/shard-\($0)").path }
        for (index, folder) in folders.enumerated() {
            #expect(try CLI.run(["run", Self.suite, "--shard", "\(index + 1)/3", "--out", folder, "-q"]).status == 0)
        }
        // The runs of shard 2, from the unsharded run's runs.csv: every third row from the second.
        let rows = try String(contentsOf: single.appendingPathComponent("runs.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        let shard2 = rows.indices.filter { $0 % 3 == 1 }.map { rows[$0] }

        // Shard 2's folder is gone.
        let moved = root.appendingPathComponent("shard-2-moved").path
        try FileManager.default.moveItem(atPath: folders[1], toPath: moved)
        var result = try CLI.run(["merge", folders[0], folders[2], "--out", merged.path])
        #expect(result.status == 3)
        #expect(result.stdout.split(separator: "\n").map(String.init) == shard2)
        #expect(result.stderr.contains("error: the merge is incomplete: \(shard2.count) of 40 runs are missing"), "\(result.stderr)")
        #expect(result.stderr.contains("coordbench run \(Self.suite) --shard 2/3 --out \(folders[1])"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: merged.path), "nothing written")

        // Shard 2 cut short: its journal keeps its header and first four runs.
        try FileManager.default.moveItem(atPath: moved, toPath: folders[1])
        let journal = folders[1] + "/journal.tsv"
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        try (lines.prefix(5).joined(separator: "\n") + "\n").write(toFile: journal, atomically: true, encoding: .utf8)
        let kept = Set(lines[1..<5].map { String($0.split(separator: "\t")[2]) })
        result = try CLI.run(["merge"] + folders + ["--out", merged.path])
        #expect(result.status == 3)
        #expect(result.stdout.split(separator: "\n").map(String.init) == shard2.filter { !kept.contains($0) })
        #expect(result.stderr.contains("# shard 2/3: \(shard2.count - 4) missing (4 of \(shard2.count) finished)"), "\(result.stderr)")

        // Re-running shard 2 runs only what is missing; the merge is then the unsharded run.
        result = try CLI.run(["run", Self.suite, "--shard", "2/3", "--out", folders[1]])
        #expect(result.status == 0)
        #expect(result.stderr.contains("resuming: 4 of \(shard2.count) runs already finished"), "\(result.stderr)")
        result = try CLI.run(["merge"] + folders + ["--out", merged.path, "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let (a, b) = (try Self.snapshot(single), try Self.snapshot(merged))
        for name in a.keys.sorted() { #expect(a[name] == b[name], "\(name) differs from the unsharded run") }
    }

    @Test("shards that do not belong together exit 3 and name the folder: another seed, another count, the same shard twice")
    func inconsistent() throws {
        let root = CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        func shard(_ label: String, _ name: String, _ extra: [String] = []) throws -> String {
            let folder = root.appendingPathComponent(name).path
            let result = try CLI.run(["run", Self.suite, "--shard", label, "--out", folder, "-q"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            return folder
        }
        let a = try shard("1/2", "a"), b = try shard("2/2", "b", ["--seed", "8"]), c = try shard("2/3", "c"),
            d = try shard("1/2", "d")
        let out = root.appendingPathComponent("out").path
        var result = try CLI.run(["merge", a, b, "--out", out])
        #expect(result.status == 3)
        #expect(result.stderr.hasPrefix("error: \(b) is not a shard of the same run as \(a): suite content "), "\(result.stderr)")
        #expect(result.stderr.contains("options (--seed, --replications, --run-timeout)"), "\(result.stderr)")
        result = try CLI.run(["merge", a, c, "--out", out])
        #expect(result.status == 3)
        #expect(result.stderr == "error: \(c) is not a shard of the same run as \(a): 3 shards against 2\n", "\(result.stderr)")
        result = try CLI.run(["merge", a, d, "--out", out])
        #expect(result.status == 3)
        #expect(result.stderr == "error: \(d) and \(a) are both shard 1/2\n", "\(result.stderr)")
        result = try CLI.run(["merge", root.appendingPathComponent("nothing").path, "--out", out])
        #expect(result.status == 3)
        #expect(!FileManager.default.fileExists(atPath: out), "nothing written")
    }

    @Test("--shard auto takes the shard from a Slurm array, auto/N from a Kubernetes Indexed Job, and records where from; --out may hold {K} and {N}")
    func auto() throws {
        let root = CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        var result = try Self.run(["run", Self.suite, "--shard", "auto", "--out", root.path + "/slurm-{K}-of-{N}", "-q"],
                                  environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1",
                                                "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_STEP": "1"])
        #expect(result.status == 0, "\(result.stderr)")
        var record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root.path + "/slurm-3-of-4/shard.json")))
            as? [String: Any] ?? [:]
        #expect(record["source"] as? String == "SLURM_ARRAY_TASK_ID=3 (SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_STEP=1, 4 tasks)")
        #expect((record["shard"] as? [String: Int]) == ["index": 3, "count": 4])
        result = try Self.run(["run", Self.suite, "--shard", "auto/4", "--out", root.path + "/k8s-{K}", "-q"],
                              environment: ["JOB_COMPLETION_INDEX": "0"])
        #expect(result.status == 0, "\(result.stderr)")
        record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root.path + "/k8s-1/shard.json")))
            as? [String: Any] ?? [:]
        #expect(record["source"] as? String == "JOB_COMPLETION_INDEX=0 (4 completions)")
        // A folder that holds another shard is not replaced (a one-task array re-running shard 3
        // must not become shard 1/1 over shard 1's runs).
        result = try Self.run(["run", Self.suite, "--shard", "1/1", "--out", root.path + "/slurm-3-of-4"], environment: [:])
        #expect(result.status == 2)
        #expect(result.stderr == "error: \(root.path)/slurm-3-of-4 holds shard 3/4 of \(Self.suite); this is shard 1/1 "
                + "(--shard 1/1): choose another --out, or remove that folder to replace it\n", "\(result.stderr)")
        result = try Self.run(["run", Self.suite, "--shard", "3/4", "--seed", "9", "--out", root.path + "/slurm-3-of-4"],
                              environment: [:])
        #expect(result.status == 2)
        #expect(result.stderr.contains("holds shard 3/4 of other inputs (content "), "\(result.stderr)")
        result = try Self.run(["run", Self.suite, "--shard", "auto", "--out", root.path + "/none"], environment: [:])
        #expect(result.status == 2)
        #expect(result.stderr == "error: --shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm array) nor JOB_COMPLETION_INDEX "
                + "(a Kubernetes Indexed Job) is set; name the shard as K/N\n")
        #expect(!FileManager.default.fileExists(atPath: root.path + "/none"), "nothing written")
    }
}
