import Crypto
import Dispatch
import Experiments
import Foundation
import Synchronization
import Vocabulary

/// A run's rows in every results file, formatted by the worker that ran it (see
/// `Tables.Layout.format`), so that writing them in plan order is only appending bytes.
public struct FormattedRun: Sendable {
    public let row: RunRow
    /// Its comparison group: scenario and grid point label.
    let group: String
    let runsLine: String
    /// Its rows of each detail file, in `Layout.detailTables` order ("" where it has none).
    let detailLines: [String]
    let json: String
}

extension Tables.Layout {
    /// Formats `row` for every file (call it on a worker thread).
    public func format(_ row: RunRow) -> FormattedRun {
        FormattedRun(row: row, group: ResultsStream.key(row.scenario, row.pointLabel), runsLine: runsLine(row),
                     detailLines: detailLines(row), json: jsonRun(row))
    }
}

/// A results folder written as a suite's runs arrive, in plan order — the one way its files
/// are made, for `run` (into the folder), for `verify` and tests (in memory), and for
/// `ResultsWriter.render` (from runs already read).
///
/// **Memory.** Each run's rows are appended to their files as it arrives and then dropped:
/// `runs.csv`, the detail files and `results.json`'s runs go to temporaries in the results
/// folder, hashed (SHA-256) on the way. The summary statistics of a comparison group (a
/// scenario at a grid point; its runs are consecutive in plan order) come from that group's
/// metric values, held only until its last run has arrived — 8 bytes per metric and run of the
/// group, while detail rows are summed as they come — and the group is then summarised, its
/// `summary.csv` lines, `results.json` summary rows, report section and chart written, by a
/// finishing thread, off the thread that appends. What lasts to the end is per group, not per
/// run: chart names, the current scenario's grid means, the report's definitions. So a suite
/// of a million runs is written in the memory of its largest group's values.
///
/// **Order.** Files are byte-for-byte what one pass over all runs in plan order would write:
/// rows in plan order; summary statistics from each group's values in replication order (the
/// same sums in the same order); the report's and `results.json`'s parts that come before
/// the runs (the content hash; the metrics) written once the runs are done, from temporaries.
/// Runs must arrive in plan order: a group that is not contiguous, or not the next expected
/// one, is an error.
public final class ResultsStream {
    /// Where the files go.
    public enum Destination: Sendable, Equatable {
        /// Into this folder (temporaries renamed into place by `finish`).
        case folder(String)
        /// Kept in memory (`Finished.files`).
        case memory
        /// Only hashed, for the manifest's outputs: no report, no charts (`verify`).
        case hashes
    }

    /// What `finish` made.
    public struct Finished: Sendable {
        /// The manifest, its outputs recorded and sealed.
        public let manifest: Manifest
        /// Every file's contents (`.memory` only).
        public let files: ResultsWriter.Files?
        /// The detail files written, in the manifest's order.
        public let detailFiles: [String]
        public let runs: Int
        /// Runs that stopped for another reason than `drained`.
        public let unfinished: Int
    }

    public let layout: Tables.Layout
    let destination: Destination
    var manifest: Manifest
    /// The groups expected, in plan order, and the next one's index.
    let groupKeys: [String]
    var nextGroup = 0
    let chartNames: [String?]

    let runsFile: ResultFile
    let jsonFile: ResultFile
    var detailFiles: [ResultFile?]
    let jsonFrame: (beforeRuns: String, beforeSummary: String, end: String)
    var runs = 0
    var unfinished = 0
    var group: ComparisonGroup.Builder?
    var groupKey = ""

    /// The groups being finished, one at a time and in order, on their own thread.
    let finisher: Finisher
    let writer = BlockWriter()
    let queue = DispatchQueue(label: "coordbench.results-stream")
    /// Groups handed over and not yet finished: at most this many (each holds its values).
    let pending = DispatchSemaphore(value: ResultsStream.pendingGroups)
    static let pendingGroups = 4

    /// A comparison group's identity: its scenario (and family) and grid point.
    public struct GroupKey: Sendable {
        public let scenario: String
        public let family: String
        public let point: [(key: String, value: String)]
    }

    /// A stream for the runs of the groups `groups` (in plan order) whose manifest is
    /// `manifest` (made for the plan's suite, its outputs still empty).
    public init(manifest: Manifest, groups: [GroupKey], destination: Destination) throws {
        self.manifest = manifest
        self.destination = destination
        let content = manifest.content
        layout = Tables.Layout(content)
        groupKeys = groups.map { ResultsStream.key($0.scenario, RunRow.pointLabel($0.point)) }
        chartNames = CostQualityFrontier.fileNames(groups.map { group in
            let record = content.families.first { $0.name == group.family }
            let metrics = record?.metrics.compactMap(\.descriptor) ?? []
            let charted = record?.frontier.flatMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
                .flatMap { CostQualityFrontier.metrics($0, in: metrics) } != nil
            return CostQualityFrontier.ChartKey(scenario: group.scenario, point: group.point, charted: charted)
        })
        jsonFrame = layout.jsonFrame()
        runsFile = try ResultFile("runs.csv", destination, writer: writer)
        jsonFile = try ResultFile("results.json", destination, writer: writer)
        detailFiles = Array(repeating: nil, count: layout.detailTables.count)
        finisher = try Finisher(manifest: manifest, chartNames: chartNames, destination: destination, writer: writer)
        try runsFile.write(layout.runsHeader)
        try jsonFile.write(jsonFrame.beforeRuns)
    }

    deinit { discard() }

    static func key(_ scenario: String, _ pointLabel: String) -> String { scenario + "\u{1F}" + pointLabel }

    /// The groups of `runs` in first-seen order (for a stream over runs already read).
    public static func groups(of runs: [RunRow]) -> [GroupKey] {
        var seen: Set<String> = []
        var groups: [GroupKey] = []
        for run in runs where seen.insert(key(run.scenario, run.pointLabel)).inserted {
            groups.append(GroupKey(scenario: run.scenario, family: run.family, point: run.point))
        }
        return groups
    }

    /// The groups of `plan`, in plan order.
    public static func groups(of plan: RunPlan) -> [GroupKey] {
        plan.suite.entries.flatMap { entry in
            entry.points.map { GroupKey(scenario: $0.scenario.name, family: $0.scenario.family.rawValue, point: $0.label) }
        }
    }

    /// Appends the next run in plan order.
    public func append(_ run: FormattedRun) throws {
        let row = run.row
        runs += 1
        if row.stopReason != .drained { unfinished += 1 }
        try runsFile.write(run.runsLine)
        for (t, lines) in run.detailLines.enumerated() where !lines.isEmpty {
            if detailFiles[t] == nil {
                let table = layout.detailTables[t]
                let file = try ResultFile(table.fileName, destination, writer: writer)
                try file.write(CSV.line(table.columns))
                detailFiles[t] = file
            }
            try detailFiles[t]!.write(lines)
        }
        if runs > 1 { try jsonFile.write(",") }
        try jsonFile.write(run.json)

        let key = run.group
        if group == nil || key != groupKey {
            try handOver()
            guard nextGroup < groupKeys.count, groupKeys[nextGroup] == key else {
                throw ResultsError("run \(row.identity) is not in plan order (its group \(row.scenario) at "
                                   + "\(row.pointLabel) is not the next one)")
            }
            nextGroup += 1
            groupKey = key
            group = ComparisonGroup.Builder(row, content: manifest.content)
        }
        group!.add(row)
    }

    /// Hands the group just completed to the finishing thread.
    func handOver() throws {
        guard let done = group else { return }
        group = nil
        if let failure = finisher.failure.withLock({ $0 }) { throw failure }
        pending.wait()
        queue.async { [finisher, pending] in
            finisher.finish(done.group())
            pending.signal()
        }
    }

    /// Finishes every file: summaries of the last group, `results.json`'s summary rows, the
    /// manifest's outputs; then (not for `.hashes`) the report and charts; in a folder, renames
    /// every temporary into place, the manifest last. `provenance`, when given, replaces the
    /// manifest's provenance just before the manifest is written.
    public func finish(provenance: (() -> Manifest.Provenance)? = nil) throws -> Finished {
        try handOver()
        try queue.sync { [finisher] in try finisher.complete() }

        try jsonFile.write(jsonFrame.beforeSummary)
        try finisher.json.copy(into: jsonFile)
        try jsonFile.write(jsonFrame.end)

        let written = detailFiles.compactMap { $0 }
        var outputs = ["runs.csv": try runsFile.record(), "summary.csv": try finisher.summary.record(),
                       "results.json": try jsonFile.record()]
        for file in written { outputs[file.name] = try file.record() }
        manifest.content.outputs = outputs
        manifest.seal()
        if let provenance { manifest.provenance = provenance() }
        let manifestText = try manifest.json()
        let names = written.map(\.name)

        var report = ""
        if destination != .hashes {
            report = finisher.report.header(manifest)
            let reportFile = try ResultFile("report.md", destination, writer: writer, hashed: false)
            try reportFile.write(report)
            try finisher.body.copy(into: reportFile)
            try reportFile.write("\n")
            finisher.reportFile = reportFile
        }
        switch destination {
        case .folder(let folder):
            for file in [runsFile, finisher.summary, jsonFile] + written + [finisher.reportFile!] { try file.commit() }
            for chart in finisher.charts { try chart.commit() }
            try SafeFile.writeAtomically(manifestText, to: (folder as NSString).appendingPathComponent("manifest.json"))
            finisher.charts = []
            return Finished(manifest: manifest, files: nil, detailFiles: names, runs: runs, unfinished: unfinished)
        case .memory:
            let files = ResultsWriter.Files(
                runs: runsFile.text, summary: finisher.summary.text, results: jsonFile.text,
                details: written.map { ($0.name, $0.text) }, report: finisher.reportFile!.text, manifest: manifestText,
                charts: finisher.charts.map { ($0.name, $0.text) })
            return Finished(manifest: manifest, files: files, detailFiles: names, runs: runs, unfinished: unfinished)
        case .hashes:
            return Finished(manifest: manifest, files: nil, detailFiles: names, runs: runs, unfinished: unfinished)
        }
    }

    /// Removes every temporary not yet renamed into place (after a failure).
    public func discard() {
        queue.sync { [finisher] in finisher.discard() }
        for file in [runsFile, jsonFile] + detailFiles.compactMap({ $0 }) { file.discard() }
    }

    /// Finishes groups in plan order on the stream's queue: their summary lines, `results.json`
    /// summary rows, report sections and charts. Used only on that queue (and by `finish` after
    /// waiting for it).
    final class Finisher: @unchecked Sendable {
        let destination: Destination
        let chartNames: [String?]
        let summary: ResultFile
        /// `results.json`'s summary rows and the report's sections, until the parts before them
        /// are known.
        let json: ResultFile
        let body: ResultFile
        var report: MarkdownReport.Builder
        var charts: [ResultFile] = []
        var reportFile: ResultFile?
        var index = 0
        /// The first failure (read from the appending thread too).
        let failure = Mutex<(any Error)?>(nil)

        let writer: BlockWriter

        init(manifest: Manifest, chartNames: [String?], destination: Destination, writer: BlockWriter) throws {
            self.destination = destination
            self.chartNames = chartNames
            self.writer = writer
            summary = try ResultFile("summary.csv", destination, writer: writer)
            json = try ResultFile("results.json", destination, writer: writer, hashed: false)
            body = try ResultFile("report.md", destination, writer: writer, hashed: false)
            report = MarkdownReport.Builder(manifest: manifest, chartNames: chartNames)
            try summary.write(Tables.summaryHeader)
        }

        func finish(_ group: ComparisonGroup) {
            guard failure.withLock({ $0 }) == nil else { return }
            do {
                let cells = Tables.summaryCells([group])
                try summary.write(Tables.summaryLines(cells))
                let rows = Tables.jsonSummary(cells)
                if !rows.isEmpty { try json.write(json.count > 0 ? "," + rows : rows) }
                if destination != .hashes {
                    var lines = ""
                    report.add(group) { lines += "\n" + $0 }
                    try body.write(lines)
                    if index < chartNames.count, let name = chartNames[index], let frontier = CostQualityFrontier(group) {
                        let chart = try ResultFile(name, destination, writer: writer, hashed: false)
                        try chart.write(frontier.svg(title: ResultsWriter.chartTitle(group)))
                        try chart.finishWriting()
                        charts.append(chart)
                    }
                }
                index += 1
            } catch {
                failure.withLock { $0 = error }
            }
        }

        /// After the last group: the last scenario's grid overview; rethrows a failure.
        func complete() throws {
            if let failure = failure.withLock({ $0 }) { throw failure }
            if destination != .hashes {
                var lines = ""
                report.finish { lines += "\n" + $0 }
                try body.write(lines)
            }
        }

        func discard() {
            for file in [summary, json, body] + charts + (reportFile.map { [$0] } ?? []) { file.discard() }
            charts = []
        }
    }
}

/// The thread that hashes the results files and writes them, a block at a time, in the order
/// the blocks were handed over — so the thread that appends runs only copies bytes.
final class BlockWriter: Sendable {
    let queue = DispatchQueue(label: "coordbench.results-writer")
    /// Blocks handed over and not yet written: at most this many.
    let inFlight = DispatchSemaphore(value: 16)
    let failure = Mutex<IOFailure?>(nil)

    /// Runs `work` on the writer's thread, after everything submitted before.
    func submit(_ work: @escaping @Sendable () throws(IOFailure) -> Void) throws(IOFailure) {
        if let failure = failure.withLock({ $0 }) { throw failure }
        inFlight.wait()
        queue.async { [self] in
            do throws(IOFailure) { try work() } catch { failure.withLock { if $0 == nil { $0 = error } } }
            inFlight.signal()
        }
    }

    /// Runs `work` on the writer's thread once everything submitted before is written, and
    /// waits for it; rethrows the first failure of any.
    func sync<T>(_ work: () throws(IOFailure) -> T) throws(IOFailure) -> T {
        let result: Result<T, IOFailure> = queue.sync { Result { () throws(IOFailure) in try work() } }
        if let failure = failure.withLock({ $0 }) { throw failure }
        return try result.get()
    }
}

/// One file of a results folder as it is written: into a temporary in the folder, or into
/// memory, or nowhere — hashed (SHA-256) and counted on the way. Bytes are gathered into
/// blocks, and each block is hashed and written by the stream's `BlockWriter`. A spool (a part
/// of a file that is written before the parts that precede it are known) is not hashed; it is
/// copied into its file at the end. One thread writes to a file.
final class ResultFile: @unchecked Sendable {
    /// What the writer's thread owns: the hash and the temporary.
    final class Sink: @unchecked Sendable {
        var hasher: SHA256?
        let output: SafeFile.Output?

        init(hasher: SHA256?, output: SafeFile.Output?) {
            self.hasher = hasher
            self.output = output
        }

        func take(_ block: [UInt8]) throws(IOFailure) {
            let result: Result<Void, IOFailure> = block.withUnsafeBytes { bytes in
                hasher?.update(bufferPointer: bytes)
                return Result { () throws(IOFailure) in try output?.write(bytes) }
            }
            try result.get()
        }
    }

    let name: String
    private let sink: Sink
    private let writer: BlockWriter
    private var memory: [UInt8]?
    /// Bytes not yet handed to the writer (up to `blockSize`).
    private var pending: [UInt8] = []
    private(set) var count = 0
    static let blockSize = 1 << 16

    /// `hashed`: whether its SHA-256 is recorded (not for a spool or a chart). A spool is kept
    /// in memory when the destination is `.hashes`.
    init(_ name: String, _ destination: ResultsStream.Destination, writer: BlockWriter, hashed: Bool = true) throws(IOFailure) {
        self.name = name
        self.writer = writer
        var output: SafeFile.Output?
        switch destination {
        case .folder(let folder): output = try SafeFile.Output(path: (folder as NSString).appendingPathComponent(name))
        case .memory: memory = []
        case .hashes: if !hashed { memory = [] }
        }
        sink = Sink(hasher: hashed ? SHA256() : nil, output: output)
        if memory == nil { pending.reserveCapacity(ResultFile.blockSize) }
    }

    func write(_ text: String) throws(IOFailure) {
        var text = text
        let result: Result<Void, IOFailure> = text.withUTF8 { utf8 in
            Result { () throws(IOFailure) in try write(UnsafeRawBufferPointer(utf8)) }
        }
        try result.get()
    }

    /// Writes the first `count` bytes of `bytes`.
    func write(_ bytes: [UInt8], count: Int) throws(IOFailure) {
        let result: Result<Void, IOFailure> = bytes.withUnsafeBytes { buffer in
            Result { () throws(IOFailure) in try write(UnsafeRawBufferPointer(rebasing: buffer[..<count])) }
        }
        try result.get()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(IOFailure) {
        count += bytes.count
        if memory != nil {
            memory!.append(contentsOf: bytes)
            return
        }
        pending.append(contentsOf: bytes)
        if pending.count >= ResultFile.blockSize { try flush() }
    }

    /// Hands the pending bytes to the writer.
    private func flush() throws(IOFailure) {
        guard !pending.isEmpty else { return }
        let block = pending
        pending = []
        pending.reserveCapacity(ResultFile.blockSize)
        try writer.submit { [sink] () throws(IOFailure) in try sink.take(block) }
    }

    /// SHA-256 and size of everything written (call once, after the last write).
    func record() throws(IOFailure) -> Manifest.FileRecord {
        try flush()
        if let memory { try writer.sync { () throws(IOFailure) in try sink.take(memory) } }
        let digest = try writer.sync { sink.hasher!.finalize() }
        return Manifest.FileRecord(sha256: Manifest.hex(digest), bytes: count)
    }

    /// What was written (`.memory`, or a spool in memory).
    var text: String { String(decoding: memory ?? [], as: UTF8.self) }

    /// Appends everything written here to `file` (reading a temporary back), then removes this one.
    func copy(into file: ResultFile) throws(IOFailure) {
        if let memory {
            try file.write(memory, count: memory.count)
            return
        }
        guard let output = sink.output else { return }
        try finishWriting()
        let fd = open(output.temporary, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw IOFailure("read", output.path, code: errno) }
        defer {
            close(fd)
            discard()
        }
        var buffer = [UInt8](repeating: 0, count: ResultFile.blockSize)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOFailure("read", output.path, code: errno)
            }
            try file.write(buffer, count: n)
        }
    }

    /// Writes what is pending and closes the temporary (renamed into place by `commit`).
    func finishWriting() throws(IOFailure) {
        try flush()
        try writer.sync { () throws(IOFailure) in try sink.output?.close() }
    }

    func commit() throws(IOFailure) {
        try flush()
        try writer.sync { () throws(IOFailure) in try sink.output?.commit() }
    }

    /// Removes the temporary (after a failure), once the writer is done with it.
    func discard() {
        writer.queue.sync { [sink] in sink.output?.discard() }
    }
}
