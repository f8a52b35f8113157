import Foundation
import SimulationKernel
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
/// fields are in `Journal+Record.swift`).
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
                var text = inputs
                for run in plan.runs { text += "\n" + run.identity }
                self.inputs = StableHash.hex(text.withUTF8 { StableHash.fnv1a(UnsafeRawBufferPointer($0)) })
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
        public let done: [Int: RunOutcome]
        public let notice: Notice?
    }

    static let family = "# coordbench journal "
    /// The line format's version: 3 added the runs' detail rows and reversible escapes. A
    /// journal of another version is not reused (it was written by another build).
    static let formatVersion = 3
    static let headerPrefix = family + "\(formatVersion) "

    public let path: String
    private var fd: Int32
    /// Set when an append failed; later appends are skipped (the run is failing anyway).
    private var broken = false

    /// Starts a fresh journal at `path` for `fingerprint`, replacing any file there (a
    /// symbolic link at `path` is removed, never followed).
    public init(path: String, fingerprint: Fingerprint) throws(IOFailure) {
        self.path = path
        if unlink(path) != 0 && errno != ENOENT { throw IOFailure("create journal", path, code: errno) }
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOFailure("create journal", path, code: errno) }
        try write(fingerprint.header)
    }

    /// Opens an existing journal for appending, keeping what it holds.
    init(appendingTo path: String) throws(IOFailure) {
        self.path = path
        fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw IOFailure("open journal", path, code: errno) }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The underlying file, for tests that simulate a torn write.
    var handleForTests: FileHandle { FileHandle(fileDescriptor: fd, closeOnDealloc: false) }

    /// Appends one finished run (called under the runner's lock). A failed write is undone
    /// (the file is cut back to its last complete line) and reported.
    func append(_ spec: RunSpec, _ outcome: RunOutcome) throws(IOFailure) {
        guard !broken else { return }
        do {
            try write(Journal.line(Journal.record(spec, outcome)))
        } catch {
            broken = true
            throw error
        }
    }

    /// `checksum \t record \n`.
    static func line(_ record: String) -> String {
        var record = record
        return record.withUTF8 { checksum(UnsafeRawBufferPointer($0)) } + "\t" + record + "\n"
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> String { StableHash.hex(StableHash.fnv1a(bytes)) }

    private func write(_ text: String) throws(IOFailure) {
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
                return Opened(journal: try Journal(path: path, fingerprint: fingerprint), done: [:], notice: notice)
            case .unusable(let reason):
                let notice = Notice(text: "not resuming: \(path) \(reason); starting afresh", isWarning: true)
                return Opened(journal: try Journal(path: path, fingerprint: fingerprint), done: [:], notice: notice)
            case .usable(let done, let valid, let dropped, let complete):
                if !complete { try SafeFile.writeAtomically(valid, to: path) }
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
        return Opened(journal: try Journal(path: path, fingerprint: fingerprint), done: [:], notice: notice)
    }

    /// What a journal on disk holds.
    enum Inspection {
        case missing
        /// Why it cannot be reused, as it reads after the journal's path.
        case unusable(String)
        /// Its runs, its valid text, how many lines were dropped, and whether the text on disk
        /// is exactly the valid text.
        case usable(done: [Int: RunOutcome], valid: Data, dropped: Int, complete: Bool)
    }

    static func inspect(path: String, fingerprint: Fingerprint, plan: RunPlan) -> Inspection {
        let data: Data
        do {
            guard let read = try SafeFile.readFile(path) else { return .missing }
            data = read
        } catch {
            return .unusable("is unreadable (\(error.reason))")
        }
        // Only lines ended by "\n" count: a last line without one was torn by an interruption.
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let torn = lines.removeLast()
        guard let first = lines.first, let header = String(validating: first, as: UTF8.self),
              header.hasPrefix(family) else {
            return .unusable("is unreadable (not a coordbench journal)")
        }
        guard let found = Fingerprint.parse(header) else {
            return .unusable("was written by another build of coordbench")
        }
        if found.version != fingerprint.version {
            return .unusable("was written by another build of coordbench (version \(found.version))")
        }
        if found.build != fingerprint.build {
            return .unusable("was written by another build of coordbench")
        }
        if found.inputs != fingerprint.inputs {
            return .unusable("was written for other inputs or options (suite, scenarios, seed or replications differ)")
        }
        var done: [Int: RunOutcome] = [:]
        var valid = Data(first)
        valid.append(UInt8(ascii: "\n"))
        var dropped = torn.isEmpty ? 0 : 1
        for line in lines.dropFirst() {
            guard let outcome = parse(line, plan: plan) else {
                dropped += 1
                continue
            }
            done[outcome.index] = outcome.outcome
            valid.append(contentsOf: line)
            valid.append(UInt8(ascii: "\n"))
        }
        return .usable(done: done, valid: valid, dropped: dropped, complete: dropped == 0)
    }

    /// Reads the finished runs of a journal written for `plan` with `fingerprint`, and reopens
    /// it for appending. Returns nil (and no journal) when the file is missing or cannot be
    /// reused (see `prepare` for the reason). Damaged or unfinished lines are dropped.
    public static func resume(path: String, fingerprint: Fingerprint, plan: RunPlan) throws(IOFailure) -> (Journal, [Int: RunOutcome])? {
        guard case .usable(let done, let valid, _, let complete) = inspect(path: path, fingerprint: fingerprint, plan: plan) else {
            return nil
        }
        if !complete { try SafeFile.writeAtomically(valid, to: path) }
        return (try Journal(appendingTo: path), done)
    }

    /// Closes and deletes the journal (after the results are written).
    public func remove() {
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(path)
    }
}
