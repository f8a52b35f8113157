import ArgumentParser
import Experiments
import Foundation
import Reporting

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the shard folders of a suite (run --shard) into one results folder.",
        discussion: """
            Checks that the shard folders belong together (the same suite content, seed, options, \
            coordbench version and shard count; each shard once) and that every run of the plan is \
            in exactly one of them, then writes runs.csv, summary.csv, results.json, report.md, charts \
            and manifest.json exactly as an unsharded `run` of the suite would (manifest.json's \
            provenance aside). The suite is read again from the path the shards recorded. \
            Exit codes: 0 merged; 2 bad usage; 3 incomplete (each missing run's identity on stdout, \
            one a line, and on stderr the commands that run them) or inconsistent (the folder named); \
            4 an I/O failure.
            """)

    @Argument(help: "The shard folders (every shard of the plan once).", completion: Completion.folder)
    var shards: [String]

    @Option(name: .shortAndLong, help: "Output folder.", completion: Completion.folder)
    var out: String

    @OptionGroup var parallel: JobsOption
    var jobs: Int { parallel.jobs }

    @Flag(name: .shortAndLong, help: "No summary lines.")
    var quiet = false

    // A merge runs nothing, so the shards' memory and event limits do not apply to it: only the
    // plan's size (8 bytes a run) and where the suite may name its files.
    @Option(help: ArgumentHelp("Refuse a suite of more runs than this.", valueName: "N"))
    var maxRuns: Int = Budget.defaultMaxRuns

    @Flag(help: "Allow the suite to name scenario files outside its own folder tree (as its shards were).")
    var allowOutsidePaths = false

    func validate() throws {
        if shards.isEmpty { throw ValidationError("name at least one shard folder") }
        guard maxRuns >= 1 else { throw ValidationError("--max-runs must be at least 1, got \(maxRuns)") }
    }

    func run() throws { try Terminal.exitingOnFailure(merge) }

    /// A shard folder and what it records.
    struct Folder {
        let path: String
        let record: ShardRecord
    }

    func merge() throws {
        let started = Date()
        let provenance = Provenance.finding(jobs: jobs, started: started)

        // The records: each folder a shard of the same plan, each shard once.
        var folders: [Folder] = []
        var unreadable: [String] = []
        for path in shards {
            do {
                if let record = try ShardRecord.read(folder: path) {
                    folders.append(Folder(path: path, record: record))
                } else {
                    unreadable.append("\(path): no \(ShardRecord.fileName) (not a shard folder, or its shard never started)")
                }
            } catch {
                unreadable.append("\(error)")
            }
        }
        guard let first = folders.first else {
            Terminal.printError("error: no shard folder could be read:\n  " + unreadable.joined(separator: "\n  "))
            throw ExitCode(ExitStatus.incomparable)
        }
        let reference = first.record
        for folder in folders.dropFirst() {
            let record = folder.record
            var differences: [String] = []
            if record.suite.contentSha256 != reference.suite.contentSha256 {
                differences.append("suite content \(record.suite.contentSha256.prefix(12))… against "
                                   + "\(reference.suite.contentSha256.prefix(12))… (the suite or scenario files, or an option)")
            }
            if record.options != reference.options { differences.append("options (--seed, --replications, --run-timeout)") }
            if record.version != reference.version { differences.append("coordbench \(record.version) against \(reference.version)") }
            if record.shard.count != reference.shard.count {
                differences.append("\(record.shard.count) shards against \(reference.shard.count)")
            }
            if !differences.isEmpty {
                Terminal.printError("error: \(folder.path) is not a shard of the same run as \(first.path): "
                                    + differences.joined(separator: "; "))
                throw ExitCode(ExitStatus.incomparable)
            }
        }
        var byShard: [Int: Folder] = [:]
        for folder in folders {
            if let other = byShard[folder.record.shard.index] {
                Terminal.printError("error: \(folder.path) and \(other.path) are both shard \(folder.record.shard.label)")
                throw ExitCode(ExitStatus.incomparable)
            }
            byShard[folder.record.shard.index] = folder
        }
        if reference.version != Coordbench.version {
            Terminal.printError("error: the shards were run by coordbench \(reference.version); this is \(Coordbench.version), "
                                + "whose results may differ: merge them with \(reference.version)")
            throw ExitCode(ExitStatus.incomparable)
        }

        // The suite again, as the shards ran it.
        let suitePath = FileManager.default.fileExists(atPath: reference.suite.absolutePath)
            ? reference.suite.absolutePath : reference.suite.path
        let loaded: Suite
        do {
            loaded = try SuiteLoader.load(path: suitePath, replications: reference.options.replications,
                                          seed: reference.options.seed,
                                          budget: Budget(maxRuns: maxRuns, maxMemory: .infinity, jobs: jobs,
                                                         allowOutsidePaths: allowOutsidePaths),
                                          registry: Session.registry)
        } catch {
            Terminal.report(error)
            Terminal.printError("error: the suite the shards recorded (\(suitePath)) cannot be read")
            throw ExitCode(ExitStatus.incomparable)
        }
        let plan = RunPlan(suite: loaded)
        let manifest = Manifest(suite: loaded, options: Manifest.Options(seed: loaded.seed,
                                                                         replications: reference.options.replications,
                                                                         runTimeout: reference.options.runTimeout),
                                directory: out, provenance: .unrecorded)
        guard manifest.resultFingerprint == reference.suite.contentSha256, plan.runs.count == reference.planRuns else {
            Terminal.printError("error: \(suitePath) or its scenario files changed since the shards ran (content "
                                + "\(manifest.resultFingerprint.prefix(12))…, the shards recorded "
                                + "\(reference.suite.contentSha256.prefix(12))…)")
            throw ExitCode(ExitStatus.incomparable)
        }

        // Every shard's journal: written for its part of this plan, holding only its runs.
        let count = reference.shard.count
        // Folded in one journal at a time: 8 bytes per run of the plan, whatever the shard count.
        var journals = JournaledRuns.Merging(plan: plan)
        for index in 1...count {
            guard let folder = byShard[index] else { continue }
            let shard = Shard(index: index, count: count)!
            let path = (folder.path as NSString).appendingPathComponent(ShardRecord.journalName)
            let expected = Journal.Fingerprint(version: reference.version, build: "", inputs: manifest.resultFingerprint,
                                               plan: RunPlan(suite: loaded, shard: shard)).inputs
            switch Journal.scan(path: path, plan: plan) {
            case .missing:
                continue  // started, nothing finished: its runs are missing
            case .unreadable(let reason):
                Terminal.printError("error: \(path) \(reason)")
                throw ExitCode(ExitStatus.incomparable)
            case .read(let header, let offsets, _, _, _):
                guard header.version == reference.version, header.inputs == expected else {
                    Terminal.printError("error: \(path) was not written for shard \(shard.label) of this suite "
                                        + "(its journal's inputs or version differ from its \(ShardRecord.fileName))")
                    throw ExitCode(ExitStatus.incomparable)
                }
                if let stray = offsets.indices.first(where: { offsets[$0] >= 0 && !shard.contains(planIndex: $0) }) {
                    Terminal.printError("error: \(path) holds run \(plan.runs[stray].identity), which belongs to shard "
                                        + "\(Shard.index(ofPlanIndex: stray, count: count))/\(count), not \(shard.label)")
                    throw ExitCode(ExitStatus.incomparable)
                }
                journals.add(path: path, offsets: offsets)
            }
        }
        let done = journals.runs

        // Completeness: every run of the plan, once.
        if done.count < plan.runs.count {
            var missingByShard: [Int: Int] = [:]
            for index in plan.runs.indices where !done.contains(index) {
                print(plan.runs[index].identity)
                missingByShard[Shard.index(ofPlanIndex: index, count: count), default: 0] += 1
            }
            let missing = plan.runs.count - done.count
            Terminal.printError("error: the merge is incomplete: \(grouped(missing)) of \(grouped(plan.runs.count)) runs "
                                + "are missing (their identities are on stdout); run them with:")
            for (index, runs) in missingByShard.sorted(by: { $0.key < $1.key }) {
                let shard = Shard(index: index, count: count)!
                let folder = byShard[index]?.path ?? guessFolder(for: index, from: folders)
                var command = "\(Session.commandName) run \(shellQuoted(reference.suite.path)) --shard \(shard.label)"
                if let seed = reference.options.seed { command += " --seed \(seed)" }
                if let replications = reference.options.replications { command += " --replications \(replications)" }
                if let timeout = reference.options.runTimeout { command += " --run-timeout \(timeout)" }
                command += " --out \(shellQuoted(folder))"
                let state = byShard[index] == nil ? "no folder" : "\(grouped(shard.runs(ofPlan: plan.runs.count) - runs)) "
                    + "of \(grouped(shard.runs(ofPlan: plan.runs.count))) finished"
                Terminal.printError("  \(command)    # shard \(shard.label): \(grouped(runs)) missing (\(state))")
            }
            for line in unreadable { Terminal.printError("  note: \(line)") }
            throw ExitCode(ExitStatus.incomparable)
        }

        let folder = try OutputFolder.acquire(out)
        defer { folder.release() }
        let written = try Pipeline.write(
            plan: plan, manifest: manifest, to: out, jobs: jobs, done: done, provenance: provenance)
        if !quiet {
            let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
            let cpu = folders.map(\.record.cpuSeconds).reduce(0, +)
            print("merged \(folders.count) shard\(folders.count == 1 ? "" : "s") of \(count): \(grouped(written.runs)) runs "
                  + "(\(String(format: "%.1f", cpu)) CPU s in the shards) in \(seconds) s")
            Terminal.printFiles(of: written, in: out)
        }
    }

    /// A folder name for a shard that has none, after the others' (`…/shard-3` → `…/shard-5`).
    func guessFolder(for index: Int, from folders: [Folder]) -> String {
        for folder in folders {
            let name = (folder.path as NSString).lastPathComponent
            let known = String(folder.record.shard.index)
            if let range = name.range(of: known, options: .backwards) {
                let parent = (folder.path as NSString).deletingLastPathComponent
                let guessed = name.replacingCharacters(in: range, with: String(index))
                return parent.isEmpty ? guessed : (parent as NSString).appendingPathComponent(guessed)
            }
        }
        return "SHARD_DIR"
    }

    func shellQuoted(_ text: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:+,{}")
        if !text.isEmpty && text.unicodeScalars.allSatisfy(safe.contains) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
