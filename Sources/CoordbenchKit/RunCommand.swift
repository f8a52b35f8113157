import ArgumentParser
import Experiments
import Foundation
import Reporting
import Synchronization

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a suite and write runs.csv, summary.csv, report.md and manifest.json.")

    @Argument(help: "The suite file (YAML).", completion: Completion.yaml)
    var suite: String

    @OptionGroup var parallel: JobsOption
    var jobs: Int { parallel.jobs }

    @Option(name: .shortAndLong, help: "Output folder (default: results/<suite name>).", completion: Completion.folder)
    var out: String?

    @Option(help: "Replications per scenario and strategy, overriding the suite's.")
    var replications: Int?

    @Option(help: "Base seed, overriding the suite's.")
    var seed: UInt64?

    @Flag(help: "Reuse the finished runs journaled by an interrupted run with the same inputs.")
    var resume = false

    @Option(help: ArgumentHelp(
        "Run only shard K of N of the plan (1-based) into a shard folder, for `merge`: `K/N`, `auto` (a Slurm array's "
            + "SLURM_ARRAY_TASK_ID and _COUNT) or `auto/N` (the index from a Slurm array or a Kubernetes Indexed Job's "
            + "JOB_COMPLETION_INDEX). Run again, a shard resumes from its journal. --out may hold {K} and {N}.",
        valueName: "K/N|auto|auto/N"))
    var shard: String?

    @Flag(name: .shortAndLong, help: "No progress or summary lines.")
    var quiet = false

    @OptionGroup var timeout: RunTimeoutOption
    var runTimeout: Double? { timeout.runTimeout }

    @OptionGroup(title: "Limits")
    var limits: BudgetOptions

    func validate() throws {
        if let replications, replications < 1 {
            throw ValidationError("--replications must be at least 1, got \(replications)")
        }
    }

    func run() throws { try Terminal.exitingOnFailure(shard == nil ? runSuite : runShard) }

    func runSuite() throws {
        let started = Date()
        // What does not depend on the suite is found on other threads while this one reads it:
        // the build's identity, which the journal needs before the first run, and the
        // provenance (two git processes), awaited only when the manifest is written, after
        // the runs.
        // What does not depend on the suite is found on other threads while this one reads it:
        // the build's identity, which the journal needs before the first run, and the provenance.
        DispatchQueue.global().async { _ = BuildIdentity.current }
        let provenance = Provenance.finding(jobs: jobs, started: started)
        let loaded = try loadSuite()
        let plan = RunPlan(suite: loaded)
        if !quiet { Terminal.printError(loaded.estimate.summary) }
        let directory = out ?? "results/\(loaded.name)"
        let manifest = self.manifest(of: loaded, directory: directory)
        let folder = try OutputFolder.acquire(directory)  // created, locked for this run, orphaned temporaries removed
        defer { folder.release() }
        let journalPath = (directory as NSString).appendingPathComponent("journal.tsv")
        let fingerprint = Journal.Fingerprint(version: Coordbench.version, build: BuildIdentity.current,
                                              inputs: manifest.resultFingerprint, plan: plan)
        let opened = try Journal.prepare(path: journalPath, fingerprint: fingerprint, plan: plan, resume: resume)
        if let notice = opened.notice, notice.isWarning || !quiet { Terminal.printError(notice.text) }
        let (journal, done) = (opened.journal, opened.done)

        let progress = Progress(total: plan.runs.count, enabled: !quiet && Terminal.stderrIsTerminal)
        let written = try Pipeline.write(
            plan: plan, manifest: manifest, to: directory, jobs: jobs, runTimeout: runTimeout, done: done, journal: journal,
            provenance: provenance) { finished, _ in progress.update(finished) }
        progress.finish()
        journal.remove()
        if !quiet {
            let seconds = Date().timeIntervalSince(started)
            let unfinished = written.unfinished
            print("\(plan.runs.count) runs (\(loaded.entries.count) scenarios) in \(String(format: "%.2f", seconds)) s"
                  + " with \(jobs) job\(jobs == 1 ? "" : "s")"
                  + (unfinished > 0 ? "; \(unfinished) stopped before finishing their work (see report)" : ""))
            Terminal.printFiles(of: written, in: directory)
        }
    }

    /// The suite file, read with the options given; bad input is reported (exit 2).
    func loadSuite() throws -> Suite {
        do {
            return try SuiteLoader.load(path: suite, replications: replications, seed: seed,
                                        budget: limits.budget(jobs: jobs), registry: Session.registry)
        } catch {
            Terminal.report(error)
            throw ExitCode(ExitStatus.badInput)
        }
    }

    /// The manifest of `loaded` run with the options given, into `directory`.
    func manifest(of loaded: Suite, directory: String) -> Manifest {
        Manifest(suite: loaded, options: Manifest.Options(seed: loaded.seed, replications: replications, runTimeout: runTimeout),
                 directory: directory, provenance: .unrecorded)
    }
}

extension RunCommand {
    /// `run --shard`: runs one shard of the plan into a shard folder — its journal (the runs, one
    /// line each, as `--resume` journals them, kept) and `shard.json` (see `ShardRecord`) — for
    /// `merge`. A shard folder is always resumed: its journal's runs are not run again.
    func runShard() throws {
        let started = Date()
        let startCPU = Self.processCPUSeconds()
        let (shard, source): (Shard, String)
        do {
            (shard, source) = try Shard.resolve(self.shard!, environment: ProcessInfo.processInfo.environment)
        } catch {
            Terminal.printError("error: \(error)")
            throw ExitCode(ExitStatus.badInput)
        }
        DispatchQueue.global().async { _ = BuildIdentity.current }
        let loaded = try loadSuite()
        let plan = RunPlan(suite: loaded)
        let part = RunPlan(suite: loaded, shard: shard)
        let directory = (out ?? "results/\(loaded.name)-shards/shard-{K}-of-{N}")
            .replacingOccurrences(of: "{K}", with: String(shard.index))
            .replacingOccurrences(of: "{N}", with: String(shard.count))
        let manifest = self.manifest(of: loaded, directory: directory)
        // A folder that holds another shard (or a shard of other inputs) is not replaced: that
        // would lose its runs to a mistyped --out or an array submitted with other bounds.
        if let existing = try? ShardRecord.read(folder: directory),
           existing.shard != shard || existing.suite.contentSha256 != manifest.resultFingerprint {
            let what = existing.shard != shard ? "shard \(existing.shard.label)" : "shard \(shard.label) of other inputs "
                + "(content \(existing.suite.contentSha256.prefix(12))…, this run's \(manifest.resultFingerprint.prefix(12))…)"
            Terminal.printError("error: \(directory) holds \(what) of \(existing.suite.path); this is shard \(shard.label) "
                                + "(\(source)): choose another --out, or remove that folder to replace it")
            throw ExitCode(ExitStatus.badInput)
        }
        let folder = try OutputFolder.acquire(directory)
        defer { folder.release() }
        let journalPath = (directory as NSString).appendingPathComponent(ShardRecord.journalName)
        let fingerprint = Journal.Fingerprint(version: Coordbench.version, build: BuildIdentity.current,
                                              inputs: manifest.resultFingerprint, plan: part)
        let resuming = FileManager.default.fileExists(atPath: journalPath)
        let opened = try Journal.prepare(path: journalPath, fingerprint: fingerprint, plan: part, resume: resuming)
        if let notice = opened.notice, notice.isWarning || !quiet { Terminal.printError(notice.text) }
        let (journal, done) = (opened.journal, opened.done)

        func record(finished: Int) throws {
            let absolute = URL(fileURLWithPath: suite).standardizedFileURL.path
            let record = ShardRecord(
                suite: .init(name: loaded.name, path: suite, absolutePath: absolute, contentSha256: manifest.resultFingerprint),
                options: .init(seed: seed, replications: replications, runTimeout: runTimeout),
                version: Coordbench.version, build: BuildIdentity.current, shard: shard, source: source,
                planRuns: plan.runs.count, runs: part.runs.count, finished: finished, complete: finished == part.runs.count,
                cpuSeconds: (Self.processCPUSeconds() - startCPU).rounded(toPlaces: 3),
                wallSeconds: Date().timeIntervalSince(started).rounded(toPlaces: 3),
                host: ProcessInfo.processInfo.hostName, jobs: jobs,
                updatedAt: ISO8601DateFormatter().string(from: Date()))
            try SafeFile.writeAtomically(String(decoding: try record.json(), as: UTF8.self),
                                         to: (directory as NSString).appendingPathComponent(ShardRecord.fileName))
        }
        try record(finished: done.count)
        let progress = Progress(total: part.runs.count, enabled: !quiet && Terminal.stderrIsTerminal)
        _ = try Runner(jobs: jobs, runTimeout: runTimeout).stream(
            part, done: done, journal: journal, progress: { finished, _ in progress.update(finished) },
            prepare: { _, _ in () }, consume: { _, _ in })
        progress.finish()
        try record(finished: part.runs.count)
        if !quiet {
            let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
            print("shard \(shard.label): \(grouped(part.runs.count)) of \(grouped(plan.runs.count)) runs in \(seconds) s "
                  + "with \(jobs) job\(jobs == 1 ? "" : "s") (\(source))")
            print("shard folder: \(directory) (merge the shards with: \(Session.commandName) merge SHARD_DIR... --out DIR)")
        }
    }

    /// User and system CPU seconds of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

enum Provenance {
    /// Starts finding the provenance on another thread (it waits for two git processes) and
    /// returns what waits for it: asked only when the manifest is written, after the runs.
    static func finding(jobs: Int, started: Date) -> () -> Manifest.Provenance {
        let done = DispatchGroup()
        let found = Mutex<Manifest.Provenance?>(nil)
        DispatchQueue.global().async(group: done) {
            let provenance = current(jobs: jobs, started: started)
            found.withLock { $0 = provenance }
        }
        return {
            done.wait()
            return found.withLock { $0 }!
        }
    }

    /// Where, when and how this run was made: never compared, only recorded.
    static func current(jobs: Int, started: Date) -> Manifest.Provenance {
        #if os(Linux)
        let os = "linux"
        #else
        let os = "darwin"
        #endif
        #if arch(x86_64)
        let arch = "x86_64"
        #else
        let arch = "arm64"
        #endif
        let commit = git(["rev-parse", "HEAD"])
        return Manifest.Provenance(
            createdAt: ISO8601DateFormatter().string(from: started), host: ProcessInfo.processInfo.hostName,
            gitCommit: commit, gitDirty: commit == nil ? nil : !(git(["status", "--porcelain"]) ?? "").isEmpty,
            jobs: jobs, platform: "\(os)-\(arch)", workingDirectory: FileManager.default.currentDirectoryPath,
            arguments: Array(CommandLine.arguments.dropFirst()))
    }

    /// The output of `git ARGUMENTS` in the working directory, when git is there and succeeds.
    static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A one-line progress display on stderr, redrawn at most ten times a second.
final class Progress: Sendable {
    let total: Int
    let enabled: Bool
    let start = Date()
    let last = Mutex(Date.distantPast)

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func update(_ finished: Int) {
        guard enabled else { return }
        let now = Date()
        let draw = last.withLock { last -> Bool in
            guard finished == total || now.timeIntervalSince(last) >= 0.1 else { return false }
            last = now
            return true
        }
        guard draw else { return }
        let elapsed = now.timeIntervalSince(start)
        let eta = finished > 0 ? elapsed / Double(finished) * Double(total - finished) : 0
        let text = String(format: "\r\u{1B}[2K  %d/%d runs (%.0f%%)  %.1f s elapsed, ~%.1f s left",
                          finished, total, 100 * Double(finished) / Double(max(total, 1)), elapsed, eta)
        FileHandle.standardError.write(Data(text.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
