import Experiments
import Foundation

/// A suite from plan to files: the one way `run`, `verify` and the tests produce results.
public enum Pipeline {
    /// What a pipeline run produced: the records in plan order, the result set (its manifest
    /// sealed with the data files' hashes) and every file's contents, ready to write.
    public struct Output: Sendable {
        public let records: [RunRecord]
        public let results: ResultSet
        public let files: ResultsWriter.Files
    }

    /// Runs every run of `suite`. `options` are the resolved options recorded in the manifest
    /// (by default the suite's seed, no overrides); `directory` is where the files will be
    /// written (the manifest locates the suite relative to it).
    public static func run(
        _ suite: Suite, options: Manifest.Options? = nil, directory: String = ".",
        provenance: Manifest.Provenance = .unrecorded, jobs: Int, runTimeout: Double? = nil
    ) throws -> Output {
        let manifest = Manifest(suite: suite, options: options ?? Manifest.Options(seed: suite.seed, runTimeout: runTimeout),
                                directory: directory, provenance: provenance)
        return try run(plan: RunPlan(suite: suite), manifest: manifest, jobs: jobs, runTimeout: runTimeout)
    }

    /// Runs every run of `plan` not in `done` on `jobs` workers (journaling each to `journal`),
    /// then renders the results folder's files, recording them in `manifest` (made for the
    /// plan's suite, its outputs still empty).
    public static func run(
        plan: RunPlan, manifest: Manifest, jobs: Int, runTimeout: Double? = nil, done: [Int: RunOutcome] = [:],
        journal: Journal? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> Output {
        let records = try Runner(jobs: jobs, runTimeout: runTimeout).run(plan, done: done, journal: journal,
                                                                         progress: progress)
        var results = ResultSet(manifest: manifest, runs: records.map(RunRow.init))
        let files = try ResultsWriter.render(&results)
        return Output(records: records, results: results, files: files)
    }
}
