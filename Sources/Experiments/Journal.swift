import Foundation
import SimulationKernel
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only record of finished runs, one line each, written as runs finish.
///
/// The first line names what produced the journal — the tool's version, its build (a
/// fingerprint of the executable) and a fingerprint of the inputs and options — and
/// `--resume` reuses a journal only when all three match, saying otherwise why it does not.
/// Each run's line starts with a checksum (FNV-1a 64 of the rest of the line, hex) and ends
/// with `\n`: a line cut short by an interruption, or damaged, is dropped and its run done
/// again. Numbers are written in Swift's shortest round-trip form and text is escaped
/// reversibly, so a resumed suite writes the same bytes as an uninterrupted one (the line's
/// fields are in `Journal+Record.swift`). Lines are in the order runs finish; resuming reads
/// the journal a block at a time and keeps only where each run's line is (`JournaledRuns`),
/// reading a run back when the runner reaches it.
public final class Journal: @unchecked Sendable {
    /// What a journal's runs depend on besides their identities.
    public struct Fingerprint: Sendable, Equatable {
        public let version: String
        /// A fingerprint of the executable (see `BuildIdentity` in the command-line tool).
        public let build: String
        /// A fingerprint of the input files, the seed, and the plan's run identities.
        public let inputs: String

        /// `inputs` is a fingerprint of the input files and seed (`Manifest.resultFingerprint`);
        /// with a `plan`, the run identities (which also reflect `--replications`) are folded in.
        public init(version: String, build: String, inputs: String, plan: RunPlan? = nil) {
            self.version = Journal.token(version)
            self.build = Journal.token(build)
            if let plan {
                // FNV-1a of `inputs`, then "\n" and the identity of each run: hashed piece by
                // piece, never built as one text (a plan of a million runs has 100 MB of them).
                let start = Journal.fnv1a(inputs, continuing: StableHash.fnv1aBasis)
                self.inputs = StableHash.hex(plan.fnv1aOfIdentities(continuing: start))
            } else {
                self.inputs = Journal.token(inputs)
            }
        }

        var header: String { "\(Journal.headerPrefix)version=\(version) build=\(build) inputs=\(inputs)\n" }

        /// Parses a header line (without its `\n`); nil when it is not a header of this
        /// journal format (`formatVersion`).
        static func parse(_ line: String) -> Fingerprint? {
            guard line.hasPrefix(Journal.headerPrefix) else { return nil }
            var fields: [String: String] = [:]
            for part in line.dropFirst(Journal.headerPrefix.count).split(separator: " ") {
                let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { fields[pair[0]] = pair[1] }
            }
            guard let version = fields["version"], let build = fields["build"], let inputs = fields["inputs"] else { return nil }
            return Fingerprint(version: version, build: build, inputs: inputs)
        }
    }

    /// What `prepare` says on stderr: a resumption (information) or why a journal is not reused
    /// (a warning, shown even with `--quiet`).
    public struct Notice: Sendable {
        public let text: String
        public let isWarning: Bool
    }

    /// A journal ready for appending, the runs it already holds, and what to tell the user.
    public struct Opened {
        public let journal: Journal
        public let done: JournaledRuns
        public let notice: Notice?
    }

    static let family = "# coordbench journal "
    /// The line format's version: 3 added the runs' detail rows and reversible escapes. A
    /// journal of another version is not reused (it was written by another build).
    static let formatVersion = 3
    static let headerPrefix = family + "\(formatVersion) "

    public let path: String
    /// The file, and whether an append failed (later appends are then skipped: the run is
    /// failing anyway). Workers append concurrently; each line is written whole under the lock.
    private let file: Mutex<(fd: Int32, broken: Bool)>

    /// Starts a fresh journal at `path` for `fingerprint`, replacing any file there (a
    /// symbolic link at `path` is removed, never followed).
    public init(path: String, fingerprint: Fingerprint) throws(IOFailure) {
        self.path = path
        if unlink(path) != 0 && errno != ENOENT { throw IOFailure("create journal", path, code: errno) }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOFailure("create journal", path, code: errno) }
        file = Mutex((fd, false))
        try file.withLock { file throws(IOFailure) in try Journal.write(fingerprint.header, to: file.fd, path: path) }
    }

    /// Opens an existing journal for appending, keeping what it holds.
    init(appendingTo path: String) throws(IOFailure) {
        self.path = path
        let fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw IOFailure("open journal", path, code: errno) }
        file = Mutex((fd, false))
    }

    deinit {
        file.withLock { file in if file.fd >= 0 { close(file.fd) } }
    }

    /// The underlying file, for tests that simulate a torn write.
    var handleForTests: FileHandle { FileHandle(fileDescriptor: file.withLock { $0.fd }, closeOnDealloc: false) }

    /// Appends one finished run (see `append(line:)`).
    func append(_ spec: RunSpec, _ outcome: RunOutcome) throws(IOFailure) {
        try append(line: Journal.line(spec, outcome))
    }

    /// Appends a run's line made by `line(_:_:)` — made by the worker that ran it, outside any
    /// lock; only the write is serialised. A failed write is undone (the file is cut back to
    /// its last complete line) and reported.
    public func append(line: String) throws(IOFailure) {
        try file.withLock { file throws(IOFailure) in
            guard !file.broken, file.fd >= 0 else { return }
            do throws(IOFailure) {
                try Journal.write(line, to: file.fd, path: path)
            } catch {
                file.broken = true
                throw error
            }
        }
    }

    /// A finished run's whole line, `\n` included.
    public static func line(_ spec: RunSpec, _ outcome: RunOutcome) -> String { line(record(spec, outcome)) }

    /// `checksum \t record \n`.
    static func line(_ record: String) -> String {
        var record = record
        return record.withUTF8 { checksum(UnsafeRawBufferPointer($0)) } + "\t" + record + "\n"
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> String { StableHash.hex(StableHash.fnv1a(bytes)) }

    /// FNV-1a of `text`'s UTF-8 bytes, continuing from `hash`.
    static func fnv1a(_ text: String, continuing hash: UInt64) -> UInt64 {
        var text = text
        return text.withUTF8 { StableHash.fnv1a(UnsafeRawBufferPointer($0), continuing: hash) }
    }

    private static func write(_ text: String, to fd: Int32, path: String) throws(IOFailure) {
        let end = lseek(fd, 0, SEEK_END)
        var text = text
        let result: Result<Void, IOFailure> = text.withUTF8 { buffer in
            Result { () throws(IOFailure) in try SafeFile.writeAll(fd, UnsafeRawBufferPointer(buffer), path: path) }
        }
        if case .failure = result, end >= 0 { _ = ftruncate(fd, end) }
        try result.get()
    }

    static func token(_ text: String) -> String {
        String(text.map { $0.isWhitespace || $0 == "=" ? "_" : $0 })
    }

    /// Opens the journal at `path` for a run of `plan`: with `resume`, reuses the runs of a
    /// journal written by this build for the same inputs; otherwise (or when it cannot be
    /// reused) starts afresh. The notice says what happened to an existing journal.
    public static func prepare(path: String, fingerprint: Fingerprint, plan: RunPlan, resume: Bool) throws(IOFailure) -> Opened {
        if resume {
            switch inspect(path: path, fingerprint: fingerprint, plan: plan) {
            case .missing:
                let notice = Notice(text: "not resuming: there is no journal at \(path)", isWarning: true)
                return Opened(journal: try Journal(path: path, fingerprint: fingerprint), done: .none, notice: notice)
            case .unusable(let reason):
                let notice = Notice(text: "not resuming: \(path) \(reason); starting afresh", isWarning: true)
                return Opened(journal: try Journal(path: path, fingerprint: fingerprint), done: .none, notice: notice)
            case .usable(var done, let valid, let dropped, let complete):
                if !complete { done = try rewrite(path, keeping: valid, fingerprint: fingerprint, plan: plan) }
                var text = "resuming: \(done.count) of \(plan.runs.count) runs already finished"
                if dropped > 0 { text += " (\(dropped) damaged or unfinished journal line\(dropped == 1 ? "" : "s") dropped)" }
                return Opened(journal: try Journal(appendingTo: path), done: done, notice: Notice(text: text, isWarning: false))
            }
        }
        var exists = stat()
        let notice = lstat(path, &exists) == 0
            ? Notice(text: "not resuming: \(path) is left from an interrupted run and is replaced "
                     + "(pass --resume to reuse its runs)", isWarning: true)
            : nil
        return Opened(journal: try Journal(path: path, fingerprint: fingerprint), done: .none, notice: notice)
    }

    /// What a journal on disk holds.
    enum Inspection {
        case missing
        /// Why it cannot be reused, as it reads after the journal's path.
        case unusable(String)
        /// Its runs, the byte ranges of its valid lines ("\n" included; the header's first), how
        /// many lines were dropped, and whether the text on disk is exactly the valid lines.
        case usable(done: JournaledRuns, valid: [Range<Int>], dropped: Int, complete: Bool)
    }

    /// What a journal file holds, read without judging whose it is.
    public enum Scan {
        case missing
        /// Why it cannot be read as a journal.
        case unreadable(String)
        /// Its header, where each run of the plan that it holds has its line (by position in
        /// the plan, -1 for none; empty when it holds none), how many runs those are, the byte
        /// ranges of its valid lines ("\n" included; the header's first), and how many lines
        /// were dropped (damaged, unfinished, or not a run of the plan).
        case read(header: Fingerprint, offsets: [Int], count: Int, valid: [Range<Int>], dropped: Int)
    }

    /// Reads the journal at `path` a piece at a time (never whole: a journal of a million runs
    /// is gigabytes), checking every line against `plan`; remembers where each valid run's line is.
    public static func scan(path: String, plan: RunPlan) -> Scan {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return .missing }
            return .unreadable("is unreadable (\(IOFailure("read", path, code: errno).reason))")
        }
        defer { close(fd) }
        var lines = LineReader(fd: fd)
        var header: Fingerprint?
        var offsets: [Int] = []
        var valid: [Range<Int>] = []
        var count = 0
        var dropped = 0
        do {
            // Only lines ended by "\n" count: a last line without one was torn by an interruption.
            while let (line, range, ended) = try lines.next() {
                guard ended else {
                    dropped += 1
                    break
                }
                guard header != nil else {
                    guard let text = String(validating: line, as: UTF8.self), text.hasPrefix(family) else {
                        return .unreadable("is unreadable (not a coordbench journal)")
                    }
                    guard let parsed = Fingerprint.parse(text) else {
                        return .unreadable("was written by another build of coordbench")
                    }
                    header = parsed
                    valid.append(range)
                    continue
                }
                guard let outcome = parse(line, plan: plan) else {
                    dropped += 1
                    continue
                }
                if offsets.isEmpty { offsets = Array(repeating: -1, count: plan.runs.count) }
                if offsets[outcome.index] < 0 { count += 1 }
                offsets[outcome.index] = range.lowerBound
                valid.append(range)
            }
        } catch {
            return .unreadable("is unreadable (\(error.reason))")
        }
        guard let header else { return .unreadable("is unreadable (not a coordbench journal)") }
        return .read(header: header, offsets: offsets, count: count, valid: valid, dropped: dropped)
    }

    /// Reads the journal at `path` (see `scan`) and checks that it was written by this build for
    /// these inputs.
    static func inspect(path: String, fingerprint: Fingerprint, plan: RunPlan) -> Inspection {
        switch scan(path: path, plan: plan) {
        case .missing:
            return .missing
        case .unreadable(let reason):
            return .unusable(reason)
        case .read(let header, let offsets, let count, let valid, let dropped):
            if header.version != fingerprint.version {
                return .unusable("was written by another build of coordbench (version \(header.version))")
            }
            if header.build != fingerprint.build {
                return .unusable("was written by another build of coordbench")
            }
            if header.inputs != fingerprint.inputs {
                return .unusable("was written for other inputs or options (suite, scenarios, seed or replications differ)")
            }
            return .usable(done: JournaledRuns(path: path, plan: plan, offsets: offsets, count: count), valid: valid,
                           dropped: dropped, complete: dropped == 0)
        }
    }

    /// Replaces the journal at `path` by its valid lines (written to a temporary and renamed into
    /// place), and returns the runs it then holds.
    static func rewrite(_ path: String, keeping valid: [Range<Int>], fingerprint: Fingerprint,
                        plan: RunPlan) throws(IOFailure) -> JournaledRuns {
        let source = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard source >= 0 else { throw IOFailure("read", path, code: errno) }
        defer { close(source) }
        let output = try SafeFile.Output(path: path)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        do throws(IOFailure) {
            for range in valid {
                var offset = range.lowerBound
                while offset < range.upperBound {
                    let want = min(buffer.count, range.upperBound - offset)
                    let n = buffer.withUnsafeMutableBytes { pread(source, $0.baseAddress, want, off_t(offset)) }
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { throw IOFailure("read", path, code: n == 0 ? EIO : errno) }
                    try output.write(buffer, count: n)
                    offset += n
                }
            }
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
        guard case .usable(let done, _, _, _) = inspect(path: path, fingerprint: fingerprint, plan: plan) else {
            throw IOFailure("read", path, code: EIO)
        }
        return done
    }

    /// Reads the finished runs of a journal written for `plan` with `fingerprint`, and reopens
    /// it for appending. Returns nil (and no journal) when the file is missing or cannot be
    /// reused (see `prepare` for the reason). Damaged or unfinished lines are dropped.
    public static func resume(path: String, fingerprint: Fingerprint, plan: RunPlan) throws(IOFailure) -> (Journal, JournaledRuns)? {
        guard case .usable(var done, let valid, _, let complete) = inspect(path: path, fingerprint: fingerprint, plan: plan) else {
            return nil
        }
        if !complete { done = try rewrite(path, keeping: valid, fingerprint: fingerprint, plan: plan) }
        return (try Journal(appendingTo: path), done)
    }

    /// Closes and deletes the journal (after the results are written).
    public func remove() {
        file.withLock { file in
            if file.fd >= 0 { close(file.fd) }
            file.fd = -1
        }
        unlink(path)
    }
}

/// The finished runs a journal holds, by plan index: where each one's line is in the file. A
/// run's outcome is read back and parsed only when it is asked for — by the worker whose turn
/// it is — so resuming a large suite holds 8 bytes per run of the plan, not every outcome.
/// The runs may come from several journals (`Merging`: the shards of a plan).
public final class JournaledRuns: Sendable {
    /// No finished runs.
    public static let none = JournaledRuns(path: "", plan: nil, offsets: [], count: 0)

    let paths: [String]
    let plan: RunPlan?
    /// Where each run's line is, by position in the plan (-1 for a run not journaled): its
    /// journal's number in `paths` times 2^48 plus its byte offset; empty when no run is.
    let locations: [Int]
    /// How many runs are journaled.
    public let count: Int

    static let fileShift = 48

    init(path: String, plan: RunPlan?, offsets: [Int], count: Int) {
        self.paths = [path]
        self.plan = plan
        self.locations = offsets
        self.count = count
    }

    private init(paths: [String], plan: RunPlan, locations: [Int], count: Int) {
        self.paths = paths
        self.plan = plan
        self.locations = locations
        self.count = count
    }

    /// The runs of several journals of `plan`, gathered one journal at a time (the shards of a
    /// plan, for a merge): 8 bytes per run of the plan in all, whatever the number of journals.
    public struct Merging {
        let plan: RunPlan
        var paths: [String] = []
        var locations: [Int] = []
        var count = 0

        public init(plan: RunPlan) { self.plan = plan }

        /// Adds the runs of the journal at `path`, with their lines' offsets by position in the
        /// plan (-1 for none), as `Journal.scan` found them. A run already added is kept.
        public mutating func add(path: String, offsets: [Int]) {
            precondition(paths.count < 1 << 15, "too many journals")
            let file = paths.count
            paths.append(path)
            for (position, offset) in offsets.enumerated() where offset >= 0 {
                precondition(offset < 1 << JournaledRuns.fileShift, "journal too large")
                if locations.isEmpty { locations = Array(repeating: -1, count: plan.runs.count) }
                guard locations[position] < 0 else { continue }
                locations[position] = file << JournaledRuns.fileShift | offset
                count += 1
            }
        }

        public var runs: JournaledRuns { JournaledRuns(paths: paths, plan: plan, locations: locations, count: count) }
    }

    public var isEmpty: Bool { count == 0 }

    /// Whether the run at plan position `index` is journaled.
    public func contains(_ index: Int) -> Bool { index < locations.count && locations[index] >= 0 }

    /// The plan positions of the journaled runs, in plan order.
    public var keys: [Int] { locations.indices.filter { locations[$0] >= 0 } }

    /// Every journaled outcome, in plan order (reads them all: for tests and small journals).
    public var values: [RunOutcome] { keys.compactMap { outcome(at: $0) } }

    /// The journaled outcome of the run at plan position `index`, read from its file now; nil
    /// when it is not journaled or its line no longer reads back intact (the run is then done
    /// again). Safe to call from several threads at once.
    public func outcome(at index: Int) -> RunOutcome? {
        guard contains(index), let plan else { return nil }
        let location = locations[index]
        let fd = open(paths[location >> JournaledRuns.fileShift], O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var reader = LineReader(fd: fd, offset: location & (1 << JournaledRuns.fileShift - 1), chunk: 4096)
        guard let (line, _, ended) = try? reader.next(), ended,
              let parsed = Journal.parse(line, plan: plan), parsed.index == index else { return nil }
        return parsed.outcome
    }
}

/// Lines of a file read a block at a time, with their byte ranges.
struct LineReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// The file offset of `buffer[0]`.
    private var base: Int
    private var atEnd = false

    /// The first read's size (later reads grow with a long line).
    let chunk: Int

    init(fd: Int32, offset: Int = 0, chunk: Int = 1 << 16) {
        self.fd = fd
        self.base = offset
        self.chunk = chunk
    }

    /// The next line without its "\n", its byte range in the file ("\n" included), and whether
    /// it ended with "\n" (only the file's last line may not); nil at the end.
    mutating func next() throws(IOFailure) -> (line: Data, range: Range<Int>, ended: Bool)? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(buffer[start..<newline])
                let range = (base + start)..<(base + newline + 1)
                start = newline + 1
                return (line, range, true)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Data(buffer[start...])
                let range = (base + start)..<(base + buffer.count)
                start = buffer.count
                return (line, range, false)
            }
            // Keep the unfinished line, then read more after it.
            if start > 0 {
                buffer.removeFirst(start)
                base += start
                start = 0
            }
            let old = buffer.count
            let chunk = Swift.max(self.chunk, old)
            buffer.append(contentsOf: repeatElement(0, count: chunk))
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + old, chunk, off_t(base + old)) }
            if n < 0 {
                buffer.removeLast(chunk)
                if errno == EINTR { continue }
                throw IOFailure("read", "journal", code: errno)
            }
            buffer.removeLast(chunk - n)
            if n == 0 { atEnd = true }
        }
    }
}
