import Foundation
import Experiments
import SimulationKernel
import Vocabulary

/// `coordbench verify RESULTS_DIR`: re-runs what a results folder's manifest records and
/// checks the outputs against the recorded hashes and rows. Writes nothing.
public enum Verification {
    public enum Outcome: Sendable {
        /// Everything re-ran to the recorded bytes (or rows, for a sample).
        case reproduced(String)
        /// A run or a file differs: which, and how.
        case differs(String)
        /// The recorded inputs are missing or have changed, so nothing can be checked.
        case inputsChanged(String)
    }

    /// Re-runs the recorded suite (every run, or `sample` runs drawn deterministically from
    /// it) with `jobs` workers and compares.
    public static func verify(_ directory: String, sample: Int? = nil, jobs: Int,
                              registry: Registry = .builtIn) throws -> Outcome {
        let recorded = try ResultSet.load(directory, checkHash: false)
        let manifest = recorded.manifest
        let content = manifest.content

        // The data files must be the ones the manifest names.
        for name in ["runs.csv", "summary.csv", "results.json"] + content.detailFiles {
            guard let expected = content.outputs[name] else { continue }
            let path = (directory as NSString).appendingPathComponent(name)
            let data: Data
            switch try BoundedRead.file(path, limit: ResultSet.maximumFileSize) {
            case .contents(let contents): data = contents
            case .missing: return .differs("\(path) is missing")
            case let refused: return .differs("\(path): \(refused.refusal)")
            }
            if Manifest.sha256(data) != expected.sha256 {
                return .differs("\(path) is not the file manifest.json records (SHA-256 \(Manifest.sha256(data).prefix(12))… "
                                + "instead of \(expected.sha256.prefix(12))…): it was changed after it was written")
            }
        }

        // The inputs must be where and what they were.
        let suitePath = manifest.suitePath(inResults: directory)
        var problems: [String] = []
        func check(_ path: String, sha256: String, what: String) {
            // Only a regular file of an input's size is read (a manifest may point anywhere).
            let data: Data
            switch try? BoundedRead.file(path, limit: Int64(ConfigFile.maximumFileSize), followingLinks: true) {
            case .contents(let contents)?: data = contents
            case .missing?:
                problems.append("\(what) \(path) is missing")
                return
            default:
                problems.append("\(what) \(path) is not a readable input file")
                return
            }
            let actual = Manifest.sha256(data)
            if actual != sha256 {
                problems.append("\(what) \(path) has changed (SHA-256 \(actual.prefix(12))…, recorded \(sha256.prefix(12))…)")
            }
        }
        check(suitePath, sha256: content.suite.sha256, what: "suite")
        for scenario in content.scenarios {
            check(Manifest.scenarioPath(scenario, suite: suitePath), sha256: scenario.sha256, what: "scenario")
        }
        if !problems.isEmpty { return .inputsChanged(problems.joined(separator: "\n")) }

        let suite = try SuiteLoader.load(path: suitePath, replications: content.options.replications,
                                         seed: content.options.seed, budget: Budget(jobs: jobs, allowOutsidePaths: true),
                                         registry: registry)
        let plan = RunPlan(suite: suite)
        let runner = Runner(jobs: jobs, runTimeout: content.options.runTimeout)
        let versionNote = content.version == Coordbench.version ? ""
            : " (recorded by coordbench \(content.version), re-run by \(Coordbench.version))"

        if let sample, sample < plan.runs.count {
            // The runs whose identities hash lowest: the same sample every time, spread over the plan.
            let keys = plan.runs.map { Manifest.sha256($0.identity) }
            let chosen = plan.runs.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }.prefix(sample).sorted()
                .map { plan.runs[$0] }
            let subplan = RunPlan(suite: suite, runs: Array(chosen))
            let records = try runner.run(subplan)
            if let difference = firstDifference(records.map(RunRow.init), recorded: recorded) {
                return .differs(difference + versionNote)
            }
            return .reproduced("\(grouped(records.count)) of \(grouped(plan.runs.count)) runs (a deterministic sample) "
                               + "reproduce their rows of " + listed(["runs.csv"] + content.detailFiles) + versionNote)
        }

        let output = try Pipeline.run(suite, options: content.options, directory: directory,
                                      provenance: manifest.provenance, jobs: jobs, runTimeout: content.options.runTimeout)
        let (records, results) = (output.records, output.results)
        let outputs = results.manifest.content.outputs
        if outputs["runs.csv"]?.sha256 != content.outputs["runs.csv"]?.sha256 {
            if let difference = firstDifference(results.runs, recorded: recorded) {
                return .differs(difference + versionNote)
            }
            return .differs("runs.csv differs from the re-run (the same runs, in another order or form)\(versionNote)")
        }
        let detailFiles = content.detailFiles
        for name in detailFiles + results.manifest.content.detailFiles.filter({ !detailFiles.contains($0) })
        where outputs[name]?.sha256 != content.outputs[name]?.sha256 {
            if let difference = firstDifference(results.runs, recorded: recorded) {
                return .differs(difference + versionNote)
            }
            if content.outputs[name] == nil { return .differs("the re-run writes \(name), which was not recorded\(versionNote)") }
            if outputs[name] == nil { return .differs("the re-run does not write \(name), which was recorded\(versionNote)") }
            return .differs("\(name) differs from the re-run (the same rows, in another order or form)\(versionNote)")
        }
        for name in ["summary.csv", "results.json"] where outputs[name]?.sha256 != content.outputs[name]?.sha256 {
            return .differs("\(name) differs from the one rebuilt from the same runs\(versionNote)")
        }
        return .reproduced("\(grouped(records.count)) runs reproduce runs.csv (SHA-256 "
                           + "\(content.outputs["runs.csv"]?.sha256.prefix(12) ?? "")…), "
                           + listed(detailFiles + ["summary.csv", "results.json"]) + " byte for byte\(versionNote)")
    }

    /// `a`, `a and b`, `a, b and c`.
    static func listed(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    /// The first of `runs` (re-run now) missing from `recorded` or differing from its recorded
    /// row, said in a line; nil when all match.
    static func firstDifference(_ runs: [RunRow], recorded: ResultSet) -> String? {
        let byIdentity = Dictionary(recorded.runs.map { ($0.identity, $0) }, uniquingKeysWith: { a, _ in a })
        for now in runs {
            guard let then = byIdentity[now.identity] else { return "run \(now.identity) is in the plan but not in runs.csv" }
            if let difference = difference(then, now, metrics: recorded.metrics(family: now.family))
                ?? difference(then, now, tables: recorded.manifest.content.detailTables(family: now.family)) {
                return "first differing run: \(now.identity): \(difference)"
            }
        }
        return nil
    }

    /// How two records of one run differ, or nil when they are the same.
    static func difference(_ then: RunRow, _ now: RunRow, metrics: [MetricDescriptor]) -> String? {
        if then.stopReason != now.stopReason {
            return "stop reason recorded \(then.stopReason.rawValue), now \(now.stopReason.rawValue)"
        }
        if then.events != now.events { return "events recorded \(then.events), now \(now.events)" }
        for i in 0..<max(then.values.count, now.values.count) {
            let a = i < then.values.count ? then.values[i] : .nan
            let b = i < now.values.count ? now.values[i] : .nan
            if !(a == b || (a.isNaN && b.isNaN)) {
                let name = i < metrics.count ? metrics[i].name : "metric \(i + 1)"
                return "\(name) recorded \(formatNumber(a)), now \(formatNumber(b))"
            }
        }
        return nil
    }

    /// How two records of one run differ in their detail rows, or nil when they are the same.
    static func difference(_ then: RunRow, _ now: RunRow, tables: [DetailTable]) -> String? {
        for (t, table) in tables.enumerated() {
            let (a, b) = (then.detailRows(t), now.detailRows(t))
            for (i, (x, y)) in zip(a, b).enumerated() {
                // Keys are free text: quoted in one line.
                let item = table.keys.isEmpty ? "" : " (" + zip(table.keys, x.keys).map { "\($0)=\(excerpt($1))" }
                    .joined(separator: ", ") + ")"
                if x.keys != y.keys {
                    return "\(table.fileName) row \(i + 1): keys recorded " + x.keys.map { excerpt($0) }.joined(separator: ", ")
                        + ", now " + y.keys.map { excerpt($0) }.joined(separator: ", ")
                }
                for (f, figure) in table.figures.enumerated() {
                    let (u, v) = (x.values[f], y.values[f])
                    if !(u == v || (u.isNaN && v.isNaN)) {
                        return "\(table.fileName) row \(i + 1)\(item): \(figure.name) recorded \(formatNumber(u)), now \(formatNumber(v))"
                    }
                }
            }
            if a.count != b.count { return "\(table.fileName): \(a.count) rows recorded, now \(b.count)" }
        }
        return nil
    }
}
