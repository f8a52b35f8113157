import Foundation

/// One part of a plan, for running a suite on many machines: shard `index` (1-based) of `count`.
///
/// **The partition.** Run `i` of the plan (its plan index, 0-based) belongs to shard
/// `i mod count + 1`. The plan's order is fixed by the suite (entries as listed, grid points,
/// replications, strategies) and the runs of one scenario at one grid point are consecutive,
/// so every comparison group is dealt out across the shards like cards: each shard gets
/// ⌊m/N⌋ or ⌈m/N⌉ of a group's m runs, whichever scenario is heavy, and the whole plan's
/// counts differ by at most one run between shards. The partition depends only on the plan
/// (the run identities in plan order) and the count — not on the machine, `--jobs`, timing or
/// the tool's cost estimates — so it is stable across versions that do not change the plan,
/// and a run's numbers do not depend on its shard (its streams are seeded from its identity).
public struct Shard: Sendable, Equatable, Codable {
    /// 1-based.
    public let index: Int
    public let count: Int

    /// Shard `index` (1…`count`) of `count`; nil when out of range.
    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 1, index <= count else { return nil }
        self.index = index
        self.count = count
    }

    /// Whether the run at plan index `planIndex` is in this shard.
    public func contains(planIndex: Int) -> Bool { Shard.index(ofPlanIndex: planIndex, count: count) == index }

    /// The shard that holds the run at `planIndex` when a plan is cut into `count` shards.
    public static func index(ofPlanIndex planIndex: Int, count: Int) -> Int { planIndex % count + 1 }

    /// The plan index of this shard's run number `position` (0-based, in plan order).
    public func planIndex(ofPosition position: Int) -> Int { index - 1 + position * count }

    /// The position among this shard's runs of the run at `planIndex` (which it must hold).
    public func position(ofPlanIndex planIndex: Int) -> Int { planIndex / count }

    /// How many of a plan's `total` runs this shard holds.
    public func runs(ofPlan total: Int) -> Int {
        total > index - 1 ? (total - index) / count + 1 : 0
    }

    /// "3/8".
    public var label: String { "\(index)/\(count)" }

    /// A shard as `--shard` names it, resolved, with what it was resolved from (for the shard's
    /// record). Throws a message for `--shard` when it cannot be resolved.
    /// - `K/N`: given.
    /// - `auto`: a whole Slurm array of shards (`--array=0-(N−1)` or `1-N`, any step):
    ///   K = (`SLURM_ARRAY_TASK_ID` − `_MIN`) / `_STEP` + 1, N = `SLURM_ARRAY_TASK_COUNT`. An array
    ///   starting above task 1 is refused: it is some of the shards, whose count it cannot tell.
    /// - `auto/N`: the count given; in a Slurm array of N tasks as for `auto`, in an array of
    ///   fewer (running some shards again, e.g. `--array=3,5`) K = `SLURM_ARRAY_TASK_ID`
    ///   (1-based); in a Kubernetes Indexed Job K = `JOB_COMPLETION_INDEX` + 1.
    public static func resolve(_ argument: String, environment: [String: String]) throws(ShardError) -> (Shard, source: String) {
        let parts = argument.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, !parts[0].isEmpty else { throw ShardError.usage(argument) }
        var count: Int?
        if parts.count == 2 {
            guard let n = Int(parts[1]), n >= 1 else { throw ShardError.usage(argument) }
            count = n
        }
        if parts[0] != "auto" {
            guard let k = Int(parts[0]), let count else { throw ShardError.usage(argument) }
            guard let shard = Shard(index: k, count: count) else {
                throw ShardError("--shard \(argument): the shard must be between 1 and \(count)")
            }
            return (shard, "--shard \(argument)")
        }
        if let id = environment["SLURM_ARRAY_TASK_ID"] {
            guard let task = Int(id) else { throw ShardError("--shard \(argument): SLURM_ARRAY_TASK_ID is not a number: \(id)") }
            let minimum = Int(environment["SLURM_ARRAY_TASK_MIN"] ?? "0") ?? 0
            let step = max(1, Int(environment["SLURM_ARRAY_TASK_STEP"] ?? "1") ?? 1)
            let tasks = environment["SLURM_ARRAY_TASK_COUNT"].flatMap { Int($0) }
            let described = "SLURM_ARRAY_TASK_ID=\(task) (SLURM_ARRAY_TASK_MIN=\(minimum), SLURM_ARRAY_TASK_STEP=\(step), "
                + "\(tasks.map { $0 == 1 ? "1 task" : "\($0) tasks" } ?? "? tasks"))"
            if let count, tasks != count {
                // Not the whole array of shards (a re-run of some): the task ids are the shards, 1-based.
                guard let shard = Shard(index: task, count: count) else {
                    throw ShardError("--shard \(argument): array task \(task) is not a shard of \(count); an array of some "
                                     + "of the shards must be numbered as they are, 1 to \(count) (e.g. --array=3,5)")
                }
                return (shard, described)
            }
            guard let tasks else {
                throw ShardError("--shard \(argument): SLURM_ARRAY_TASK_COUNT is not set; give the count (--shard auto/N)")
            }
            guard minimum <= 1 else {
                throw ShardError("--shard \(argument): an array that starts at task \(minimum) is not a whole array of shards "
                                 + "(--array=0-N or 1-N); to run some shards again, name their count: --shard auto/N "
                                 + "with --array=K,…")
            }
            guard (task - minimum) % step == 0, let shard = Shard(index: (task - minimum) / step + 1, count: tasks) else {
                throw ShardError("--shard \(argument): array task \(task) (first \(minimum), step \(step)) is not one of "
                                 + "\(tasks) shards; submit the array as --array=0-\(tasks - 1) or 1-\(tasks)")
            }
            return (shard, described)
        }
        if let value = environment["JOB_COMPLETION_INDEX"] {
            guard let count else {
                throw ShardError("--shard \(argument): a Kubernetes Indexed Job gives no count; give it (--shard auto/N)")
            }
            guard let completion = Int(value), let shard = Shard(index: completion + 1, count: count) else {
                throw ShardError("--shard \(argument): JOB_COMPLETION_INDEX=\(value) is not between 0 and \(count - 1)")
            }
            return (shard, "JOB_COMPLETION_INDEX=\(completion) (\(count) completions)")
        }
        throw ShardError("--shard \(argument): neither SLURM_ARRAY_TASK_ID (a Slurm array) nor JOB_COMPLETION_INDEX "
                         + "(a Kubernetes Indexed Job) is set; name the shard as K/N")
    }
}

/// Why `--shard` cannot be resolved.
public struct ShardError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }

    static func usage(_ argument: String) -> ShardError {
        ShardError("--shard \(argument): expected K/N (shard K of N, 1-based), auto (a Slurm array) or auto/N")
    }
}

/// What a shard folder records about its shard (`shard.json`): enough for `merge` to find the
/// suite again, to check that shards belong together and to say what is missing.
public struct ShardRecord: Codable, Sendable, Equatable {
    public static let fileName = "shard.json"
    public static let journalName = "journal.tsv"
    public static let currentFormat = "coordbench-shard/1"

    public struct SuiteFile: Codable, Sendable, Equatable {
        public let name: String
        /// As given on the command line, and made absolute.
        public let path: String
        public let absolutePath: String
        /// The SHA-256 of the results' content less outputs (`Manifest.resultFingerprint`): the
        /// suite and scenario files, the tool version and every option that changes a result.
        public let contentSha256: String

        public init(name: String, path: String, absolutePath: String, contentSha256: String) {
            self.name = name
            self.path = path
            self.absolutePath = absolutePath
            self.contentSha256 = contentSha256
        }
    }

    /// The options of `run` that the plan depends on, to run it again the same way.
    public struct Options: Codable, Sendable, Equatable {
        public let seed: UInt64?
        public let replications: Int?
        public let runTimeout: Double?

        public init(seed: UInt64?, replications: Int?, runTimeout: Double?) {
            self.seed = seed
            self.replications = replications
            self.runTimeout = runTimeout
        }
    }

    public let format: String
    public let suite: SuiteFile
    public let options: Options
    public let version: String
    public let build: String
    public let shard: Shard
    /// Where the shard's index and count came from (`--shard 3/8`, `SLURM_ARRAY_TASK_ID=…`).
    public let source: String
    /// Runs of the whole plan, and of this shard.
    public let planRuns: Int
    public let runs: Int
    /// Runs finished (in the journal) when the record was written; `complete` when all are.
    public let finished: Int
    public let complete: Bool
    /// CPU seconds of the process that wrote the record (this attempt only), and its wall time.
    public let cpuSeconds: Double
    public let wallSeconds: Double
    public let host: String
    public let jobs: Int
    public let updatedAt: String

    public init(suite: SuiteFile, options: Options, version: String, build: String, shard: Shard, source: String,
                planRuns: Int, runs: Int, finished: Int, complete: Bool, cpuSeconds: Double, wallSeconds: Double,
                host: String, jobs: Int, updatedAt: String) {
        format = ShardRecord.currentFormat
        self.suite = suite
        self.options = options
        self.version = version
        self.build = build
        self.shard = shard
        self.source = source
        self.planRuns = planRuns
        self.runs = runs
        self.finished = finished
        self.complete = complete
        self.cpuSeconds = cpuSeconds
        self.wallSeconds = wallSeconds
        self.host = host
        self.jobs = jobs
        self.updatedAt = updatedAt
    }

    /// The record as written: pretty, keys sorted, snake case, a final newline.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// The record in `folder`; nil when there is none. Throws when it is there but unreadable.
    public static func read(folder: String) throws -> ShardRecord? {
        let path = (folder as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShardError("\(path): cannot be read")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            let record = try decoder.decode(ShardRecord.self, from: data)
            guard record.format == currentFormat else {
                throw ShardError("\(path): format \(record.format), this coordbench reads \(currentFormat)")
            }
            return record
        } catch let error as ShardError {
            throw error
        } catch {
            throw ShardError("\(path): not a shard record (\(error))")
        }
    }
}
