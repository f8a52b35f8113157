import Foundation
import Synchronization
import Testing
@testable import Experiments
@testable import Reporting

/// A suite's files are streamed to disk in plan order as runs finish: the same bytes for any
/// `--jobs`, after a resume, and as one pass over all runs in memory would write them.
@Suite("Streamed results")
struct StreamingTests {
    typealias Ledger = LedgerFamily
    static let dataFiles = ["runs.csv", "summary.csv", "results.json", "report.md"]

    /// Every file `write` put into `folder`, by name (the manifest without its provenance).
    static func folder(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name != ".coordbench.lock" {
            files[name] = FileManager.default.contents(atPath: folder + "/" + name)
        }
        return files
    }

    /// `files` as `write` would put them into a folder: every file by name.
    static func expected(_ files: ResultsWriter.Files) -> [String: Data] {
        Dictionary(uniqueKeysWithValues: files.all.map { ($0.name, Data($0.text.utf8)) })
    }

    static func written(_ suite: Suite, jobs: Int, directory: String, done: JournaledRuns = .none,
                        journal: Journal? = nil) throws -> Pipeline.Written {
        let manifest = Manifest(suite: suite, options: Manifest.Options(seed: suite.seed), directory: directory,
                                provenance: .unrecorded)
        return try Pipeline.write(plan: RunPlan(suite: suite), manifest: manifest, to: directory, jobs: jobs, done: done,
                                  journal: journal)
    }

    @Test("files written as runs finish are byte-identical for --jobs 1, 2 and 4, and to one pass in memory",
          arguments: ["small", "ledger"])
    func jobsAndMemory(suiteName: String) throws {
        let suite = suiteName == "small"
            ? try SuiteLoader.load(path: GoldenTests.fixtures.appendingPathComponent("small.yaml").path)
            : try Ledger.load(Ledger.suite())
        let base = try TestFolders.make([:])
        var folders: [[String: Data]] = []
        for jobs in [1, 2, 4] {
            let directory = base + "/jobs-\(jobs)"
            try SafeFile.createFolder(directory)
            let written = try Self.written(suite, jobs: jobs, directory: directory)
            #expect(written.runs == RunPlan(suite: suite).runs.count)
            #expect(written.statistics.mostHeld <= written.statistics.window)
            folders.append(try Self.folder(directory))
        }
        #expect(folders[0] == folders[1] && folders[0] == folders[2], "the same bytes for any --jobs")
        // The in-memory pipeline (what verify and the golden tests use) writes the same files.
        let memory = try Pipeline.run(suite, directory: base + "/jobs-1", jobs: 2).files
        #expect(folders[0] == Self.expected(memory))
        #expect(!folders[0].keys.contains { $0.contains(".tmp-") }, "no temporary is left")
        for name in Self.dataFiles { #expect(folders[0][name] != nil, "\(name) is written") }
    }

    @Test("a suite resumed from a journal that lost runs mid-way writes the bytes of an uninterrupted one")
    func resumeIntoFolder() throws {
        let suite = try Ledger.load(Ledger.suite())
        let plan = RunPlan(suite: suite)
        let base = try TestFolders.make([:])
        let journalPath = base + "/journal.tsv"
        let fingerprint = JournalTests.fingerprint
        _ = try Runner(jobs: 2).run(plan, journal: try Journal(path: journalPath, fingerprint: fingerprint))
        // Keep the header and every third run's line: the runs between are lost.
        let lines = try String(contentsOfFile: journalPath, encoding: .utf8).split(separator: "\n")
        let kept = [lines[0]] + lines.dropFirst().enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        try (kept.joined(separator: "\n") + "\n").write(toFile: journalPath, atomically: false, encoding: .utf8)
        let opened = try Journal.prepare(path: journalPath, fingerprint: fingerprint, plan: plan, resume: true)
        #expect(opened.done.count == kept.count - 1)

        try SafeFile.createFolder(base + "/resumed")
        _ = try Self.written(suite, jobs: 2, directory: base + "/resumed", done: opened.done, journal: opened.journal)
        try SafeFile.createFolder(base + "/whole")
        _ = try Self.written(suite, jobs: 1, directory: base + "/whole")
        #expect(try Self.folder(base + "/resumed") == Self.folder(base + "/whole"))
        // The journal now holds every run once more than needed: the resumed runs were not appended again.
        guard case .usable(let done, _, let dropped, _) = Journal.inspect(path: journalPath, fingerprint: fingerprint,
                                                                          plan: plan) else {
            Issue.record("the journal is not reusable")
            return
        }
        #expect(done.count == plan.runs.count && dropped == 0)
        #expect(try String(contentsOfFile: journalPath, encoding: .utf8).split(separator: "\n").count == plan.runs.count + 1)
        opened.journal.remove()
    }

    @Test("the reorder window never holds more finished runs than its bound, even behind a slow first run")
    func windowBound() throws {
        let plan = RunPlan(suite: try SuiteLoader.load(path: GoldenTests.fixtures.appendingPathComponent("small.yaml").path))
        let window = 6
        final class Shared: Sendable {
            let others = Atomic<Int>(0)
            let firstDone = Atomic<Bool>(false)
            /// The last run prepared while the first one was still held back.
            let lastAhead = Atomic<Int>(0)
        }
        let shared = Shared()
        var order: [Int] = []
        let statistics = try Runner(jobs: 2, window: window).stream(
            plan,
            prepare: { spec, _ -> Int in
                if spec.index == 0 {
                    // Hold the first run back until the other worker has filled the window.
                    let deadline = Date().addingTimeInterval(20)
                    while shared.others.load(ordering: .sequentiallyConsistent) < window - 1 && Date() < deadline {
                        usleep(1000)
                    }
                    shared.firstDone.store(true, ordering: .sequentiallyConsistent)
                } else {
                    if !shared.firstDone.load(ordering: .sequentiallyConsistent) {
                        shared.lastAhead.max(spec.index, ordering: .sequentiallyConsistent)
                    }
                    shared.others.add(1, ordering: .sequentiallyConsistent)
                }
                return spec.index
            },
            consume: { position, index in
                #expect(position == index)
                order.append(index)
            })
        #expect(order == Array(plan.runs.indices), "consumed once each, in plan order")
        #expect(statistics.window == window)
        #expect(statistics.mostHeld <= window, "at most the window's runs wait")
        #expect(statistics.mostHeld >= window - 1, "the slow first run filled the window")
        // Runs 1…5 went ahead of the held-back first run; run 6 could not start until it was written.
        #expect(shared.lastAhead.load(ordering: .sequentiallyConsistent) == window - 1)
    }

    @Test("a stream refuses runs that are not in plan order")
    func outOfOrder() throws {
        let suite = try SuiteLoader.load(path: GoldenTests.fixtures.appendingPathComponent("small.yaml").path)
        var results = ResultSet(records: try Runner(jobs: 2).run(RunPlan(suite: suite)), suite: suite)
        #expect(throws: Never.self) { _ = try ResultsWriter.render(&results) }
        // The last grid point's first run moved to the front: both groups are no longer contiguous.
        var runs = results.runs
        let moved = runs.remove(at: runs.count / 2)
        runs.insert(moved, at: 0)
        var shuffled = ResultSet(manifest: results.manifest, runs: runs)
        #expect(throws: ResultsError.self) { _ = try ResultsWriter.render(&shuffled) }
    }

    @Test("results.json written directly is the document JSONEncoder writes, for any text and number")
    func jsonAsEncoder() throws {
        let suite = try SuiteLoader.load(path: GoldenTests.fixtures.appendingPathComponent("small.yaml").path)
        let records = try Runner(jobs: 2).run(RunPlan(suite: suite))
        // Metrics are undefined (NaN) or finite, of a size whose sums stay finite (the report's
        // formats need a finite spread); infinities and extremes are checked on single rows below.
        let odd: [Double] = [.nan, -0.0, 0, 1, -1, 1e16, 1e17, 123456789012345680000, 1e-7, 5e-324,
                             0.1, 2.5, 3.0e-300, 4503599627370496.5, 100, 1e15, 1e21]
        let texts = ["quote \" and \\ backslash", "tab\tnew\nline\rcr", "bell \u{7} \u{1F} \u{7F} nul \u{0}", "slash /",
                     "ünïcødé 🙂 e\u{301}", "\u{8}\u{C}", ""]
        var runs: [RunRow] = []
        var strategies: [String] = []
        for (i, record) in records.enumerated() {
            let row = RunRow(record)
            // Odd text in every field; a group's point and a strategy's label stay the same across runs.
            if !strategies.contains(row.strategy) { strategies.append(row.strategy) }
            let text = texts[i % texts.count]
            let strategyText = texts[strategies.firstIndex(of: row.strategy)! % texts.count]
            let pointText = texts[(row.point.first.map { Int(Double($0.value) ?? 0) } ?? 0) % texts.count]
            var values = row.values.enumerated().map { m, value in (i + m) % 3 == 0 ? odd[(i + m) % odd.count] : value }
            // Cells with no defined value (no mean) and with one (no sd): statistics left out.
            if strategies.firstIndex(of: row.strategy) == 0 { values[0] = .nan }
            if strategies.firstIndex(of: row.strategy) == 1 && row.replication > 0 { values[1] = .nan }
            runs.append(RunRow(identity: row.identity + text, scenario: row.scenario, family: row.family,
                               point: row.point.map { ($0.key, $0.value + pointText) }, strategy: row.strategy + strategyText,
                               replication: row.replication, seed: row.seed, stopReason: row.stopReason, events: row.events,
                               values: values))
        }
        var results = ResultSet(manifest: ResultSet(records: records, suite: suite).manifest, runs: runs)
        let files = try ResultsWriter.render(&results)
        // What the results were written as before they were streamed: one JSONEncoder document.
        let content = results.manifest.content
        let groups = ComparisonGroup.groups(results)
        let names = Dictionary(uniqueKeysWithValues: content.families.map { ($0.name, $0.metrics.map(\.name)) })
        let document = Tables.jsonDocument(content, summary: Tables.jsonRows(Tables.summaryCells(groups)),
                                           runs: runs.map { Tables.jsonRunValue($0, names: names[$0.family] ?? []) })
        let encoded = String(decoding: try Manifest.encoder(pretty: false).encode(document), as: UTF8.self) + "\n"
        #expect(files.results == encoded)
        #expect(files.results.contains("\"interval\":\"t\",\"metric\"") && files.results.contains(",\"strategy\":"),
                "some summary rows have no mean")

        // A key that snake-casing would change goes through JSONEncoder, with the same result.
        let layout = Tables.Layout(content)
        #expect(layout.plainKeys)
        var upper = content
        upper.entries = upper.entries.map { entry in
            var entry = entry
            entry.grid = entry.grid.map { $0.uppercased() }
            return entry
        }
        #expect(!Tables.Layout(upper).plainKeys)
        let row = runs[1]
        let infinite = RunRow(identity: row.identity, scenario: row.scenario, family: row.family, point: row.point,
                              strategy: row.strategy, replication: row.replication, seed: row.seed, stopReason: row.stopReason,
                              events: row.events, values: row.values.indices.map {
                                  [.infinity, -.infinity, .nan, .greatestFiniteMagnitude, -1e300, 1][$0 % 6]
                              })
        for row in [row, infinite] {
            #expect(layout.jsonRun(row) == String(decoding: try Manifest.encoder(pretty: false).encode(
                Tables.jsonRunValue(row, names: names[row.family] ?? [])), as: UTF8.self))
        }
    }

    @Test("numbers formatted by printf are the bytes String(format:) gives")
    func printf() {
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 1e-300, 5e-324, 1e300, .greatestFiniteMagnitude, .infinity, -.infinity,
                                .nan, 123456.5, 999999.5, 0.000123456789, 2.5, 3.5, -2.5, 1e21, 12345678901234567890]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            values.append(Double(bitPattern: generator.next()))
            values.append(Double.random(in: -1e7...1e7, using: &generator))
        }
        let formats = ["%.6g", "%g", "%.0f", "%.1f", "%.2f", "%.4f", "%.7f", "%.1e", "%.3e"]
        for format in formats {
            for value in values where abs(value) < 1e30 || format.hasSuffix("g") || format.hasSuffix("e") {
                #expect(Printf.format(format, value) == String(format: format, value), "\(format) of \(value)")
            }
        }
        #expect(Printf.format("%.2f", 1e200) == String(format: "%.2f", 1e200), "longer than the buffer")
    }
}
