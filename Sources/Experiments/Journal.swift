import Foundation
import SimulationKernel

/// An append-only record of finished runs, one line each, written as runs finish.
///
/// The first line names a fingerprint of the inputs; `--resume` reuses the lines of a
/// journal with the same fingerprint and ignores a journal from other inputs. Numbers are
/// written in Swift's shortest round-trip form, so a resumed suite writes the same bytes as
/// an uninterrupted one.
public final class Journal: @unchecked Sendable {
    public let path: String
    let handle: FileHandle

    /// Opens the journal at `path`, starting it afresh (truncating) for `fingerprint`.
    public init(path: String, fingerprint: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: Data(Journal.header(fingerprint).utf8)),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        self.handle = handle
        handle.seekToEndOfFile()
    }

    /// Opens an existing journal for appending, keeping what it holds.
    init(appendingTo path: String) throws {
        self.path = path
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        self.handle = handle
        handle.seekToEndOfFile()
    }

    deinit { try? handle.close() }

    /// The underlying file, for tests that simulate a torn write.
    var handleForTests: FileHandle { handle }

    static func header(_ fingerprint: String) -> String { "# coordbench journal \(fingerprint)\n" }

    /// Appends one finished run (called under the runner's lock).
    func append(_ spec: RunSpec, _ outcome: RunOutcome) throws {
        let fields = [String(spec.index), Journal.escape(spec.identity), outcome.stopReason.rawValue, String(outcome.events)]
            + outcome.metrics.map { $0.isNaN ? "nan" : "\($0)" }
        try handle.write(contentsOf: Data((fields.joined(separator: "\t") + "\n").utf8))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// Reads the finished runs of a journal written for `plan` with `fingerprint`, and reopens
    /// it for appending. Returns nil (and no journal) when the file is missing or from
    /// other inputs. Lines whose identity does not match the plan, or that were cut short
    /// by an interruption, are ignored.
    public static func resume(path: String, fingerprint: String, plan: RunPlan) throws -> (Journal, [Int: RunOutcome])? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              text.hasPrefix(header(fingerprint)) else { return nil }
        var done: [Int: RunOutcome] = [:]
        var validText = header(fingerprint)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 4, let index = Int(fields[0]), plan.runs.indices.contains(index),
                  escape(plan.runs[index].identity) == fields[1],
                  let reason = StopReason(rawValue: fields[2]), let events = Int(fields[3]) else { continue }
            let metrics = fields.dropFirst(4).map { $0 == "nan" ? Double.nan : Double($0) }
            let expected = plan.runs[index].scenario.family.metrics.count
            guard metrics.count == expected, metrics.allSatisfy({ $0 != nil }) else { continue }
            done[index] = RunOutcome(stopReason: reason, events: events, metrics: metrics.map { $0! })
            validText += line + "\n"
        }
        // Rewrite without any torn last line, then append from there.
        try validText.write(toFile: path, atomically: true, encoding: .utf8)
        return (try Journal(appendingTo: path), done)
    }

    public func remove() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}
