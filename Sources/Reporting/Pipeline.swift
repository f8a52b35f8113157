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

    /// Runs every run of `suite` not in `done` on `jobs` workers (journaling each to `journal`),
    /// then renders the results folder's files. `options` are the resolved options recorded in
    /// the manifest (by default the suite's seed, no overrides); `directory` is where the files
    /// will be written (the manifest locates the suite relative to it).
    public static func run(
        _ suite: Suite, options: Manifest.Options? = nil, directory: String = ".",
        provenance: Manifest.Provenance = .unrecorded, jobs: Int, runTimeout: Double? = nil,
        done: [Int: RunOutcome] = [:], journal: Journal? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> Output {
        let plan = RunPlan(suite: suite)
        let records = try Runner(jobs: jobs, runTimeout: runTimeout).run(plan, done: done, journal: journal,
                                                                         progress: progress)
        var results = ResultSet(records: records, suite: suite,
                                options: options ?? Manifest.Options(seed: suite.seed, runTimeout: runTimeout),
                                directory: directory, provenance: provenance)
        let files = try ResultsWriter.render(&results)
        return Output(records: records, results: results, files: files)
    }
}
