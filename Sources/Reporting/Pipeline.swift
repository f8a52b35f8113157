import Experiments
import Foundation

/// A suite from plan to files: the one way `run`, `verify` and the tests produce results.
///
/// Workers run the plan and format each run's rows; the calling thread appends them to the
/// files in plan order (`Runner.stream` into a `ResultsStream`), so a suite's memory does not
/// grow with its runs when its files go to a folder (`write`). `run` also keeps every run in
/// memory, for tests and `verify`.
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
    /// then renders the results folder's files in memory, recording them in `manifest` (made
    /// for the plan's suite, its outputs still empty).
    public static func run(
        plan: RunPlan, manifest: Manifest, jobs: Int, runTimeout: Double? = nil, done: JournaledRuns = .none,
        journal: Journal? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> Output {
        var records: [RunRecord] = []
        var rows: [RunRow] = []
        let (finished, _) = try stream(plan: plan, manifest: manifest, destination: .memory, jobs: jobs,
                                       runTimeout: runTimeout, done: done, journal: journal, progress: progress) { record, row in
            records.append(record)
            rows.append(row)
        }
        return Output(records: records, results: ResultSet(manifest: finished.manifest, runs: rows), files: finished.files!)
    }

    /// What `write` wrote.
    public struct Written: Sendable {
        public let manifest: Manifest
        /// The detail files written, in the manifest's order.
        public let detailFiles: [String]
        public let runs: Int
        /// Runs that stopped for another reason than `drained`.
        public let unfinished: Int
        public let statistics: Runner.Statistics
    }

    /// Runs every run of `plan` (reading those in `done` back from the journal) and writes the
    /// results folder `directory` as they finish, in plan order: each file is a temporary in
    /// the folder until the last run, renamed into place at the end (the manifest last); on a
    /// failure the temporaries are removed. Memory: the reorder window's runs and the largest
    /// comparison group's metric values (see `Runner` and `ResultsStream`). `provenance`, when
    /// given, is asked for the manifest's provenance only when the manifest is written, so what
    /// it waits for (`run`'s git processes) overlaps the runs.
    public static func write(
        plan: RunPlan, manifest: Manifest, to directory: String, jobs: Int, runTimeout: Double? = nil,
        done: JournaledRuns = .none, journal: Journal? = nil, provenance: (() -> Manifest.Provenance)? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> Written {
        let (finished, statistics) = try stream(plan: plan, manifest: manifest, destination: .folder(directory), jobs: jobs,
                                                runTimeout: runTimeout, done: done, journal: journal, provenance: provenance,
                                                progress: progress)
        return Written(manifest: finished.manifest, detailFiles: finished.detailFiles, runs: finished.runs,
                       unfinished: finished.unfinished, statistics: statistics)
    }

    static func stream(
        plan: RunPlan, manifest: Manifest, destination: ResultsStream.Destination, jobs: Int, runTimeout: Double?,
        done: JournaledRuns, journal: Journal?, provenance: (() -> Manifest.Provenance)? = nil,
        progress: (@Sendable (Int, Int) -> Void)?, keep: ((RunRecord, RunRow) -> Void)? = nil
    ) throws -> (ResultsStream.Finished, Runner.Statistics) {
        let stream = try ResultsStream(manifest: manifest, groups: ResultsStream.groups(of: plan), destination: destination)
        do {
            let layout = stream.layout
            let keepRecords = keep != nil
            let result = try Runner(jobs: jobs, runTimeout: runTimeout).stream(
                plan, done: done, journal: journal, progress: progress,
                prepare: { spec, outcome -> (FormattedRun, RunRecord?) in
                    let record = RunRecord(spec: spec, outcome: outcome)
                    return (layout.format(RunRow(record)), keepRecords ? record : nil)
                },
                consume: { _, piece in
                    try stream.append(piece.0)
                    if let keep, let record = piece.1 { keep(record, piece.0.row) }
                })
            return (try stream.finish(provenance: provenance), result)
        } catch {
            stream.discard()
            throw error
        }
    }
}
