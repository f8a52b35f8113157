import Vocabulary
import Foundation
import SimulationKernel
import Testing
@testable import Experiments
@testable import Reporting

/// Detail tables: a family's figures per item (node, edge) go to their own tidy CSV files beside
/// runs.csv, recorded in the manifest, re-checked by verify, kept across a resume, and
/// summarised in the report — and a suite without detail rows writes exactly what it did before.
@Suite("Detail files")
struct DetailFileTests {
    typealias Ledger = LedgerFamily

    /// The ledger suite run by the pipeline and written to `results/` beside it.
    static func written(strategies: [String] = ["full", "sparse", "silent"], jobs: Int = 2) throws
        -> (directory: String, files: ResultsWriter.Files) {
        let suitePath = try Ledger.suite(strategies: strategies)
        let directory = (suitePath as NSString).deletingLastPathComponent + "/results"
        let files = try Pipeline.run(Ledger.load(suitePath), directory: directory, jobs: jobs).files
        try ResultsWriter.write(files, to: directory)
        if let keep = ProcessInfo.processInfo.environment["COORDBENCH_DETAILS_DIR"], strategies.count == 3 {
            try ResultsWriter.write(files, to: keep)
        }
        return (directory, files)
    }

    /// The files of the ledger suite (no grid, strategies full and silent, two replications)
    /// whose runs report exactly the `details` given, by plan index.
    static func rendered(_ details: [Int: [[DetailRow]]]) throws -> ResultsWriter.Files {
        let plan = RunPlan(suite: try Ledger.load(Ledger.suite(strategies: ["full", "silent"], replications: 2, grid: false)))
        let records = plan.runs.map { spec in
            RunRecord(spec: spec, outcome: RunOutcome(stopReason: .drained, events: 1, metrics: [Double(spec.index)],
                                                      details: details[spec.index] ?? []))
        }
        var results = ResultSet(records: records, suite: plan.suite)
        return try ResultsWriter.render(&results)
    }

    static let quoted = "comma, \"quoted\"", broken = "line\nbreak"

    /// Plan order: rep 0 full, rep 0 silent, rep 1 full, rep 1 silent.
    static let handMade: [Int: [[DetailRow]]] = [
        0: [[DetailRow(keys: [quoted], values: [1, 0.5]), DetailRow(keys: [broken], values: [2, .nan])],
            [DetailRow(keys: ["a", "b|c"], values: [3])]],
        2: [[DetailRow(keys: [quoted], values: [3, 1.5]), DetailRow(keys: [broken], values: [.nan, .nan])], []],
    ]

    @Test("a detail file: the run's columns as in runs.csv, then keys, then figures; rows in plan order")
    func columns() throws {
        let files = try Self.rendered(Self.handMade)
        let id = { (rep: Int) in "seed=5|scenario=ledger|point=|rep=\(rep)|strategy=full" }
        #expect(files.details.map(\.name) == ["stops.csv", "links.csv"])
        #expect(files.details[0].text == #"""
            run,scenario,point,strategy,replication,node,visits,cost
            \#(id(0)),ledger,default,full,0,"comma, ""quoted""",1,0.5
            \#(id(0)),ledger,default,full,0,"line
            break",2,
            \#(id(1)),ledger,default,full,1,"comma, ""quoted""",3,1.5
            \#(id(1)),ledger,default,full,1,"line
            break",,

            """#)
        #expect(files.details[1].text == """
            run,scenario,point,strategy,replication,from,to,calls
            \(id(0)),ledger,default,full,0,a,b|c,3

            """)
        // The run columns are runs.csv's: its row of the first run starts the same way.
        let runsRow = files.runs.split(separator: "\n")[1]
        #expect(runsRow.hasPrefix(id(0) + ",ledger,ledger,default,full,0,"), "run, scenario, family, point, strategy, replication")

        // A table no run has rows for is not written, nor recorded.
        var withoutEdges = Self.handMade
        withoutEdges[0]![1] = []
        let fewer = try Self.rendered(withoutEdges)
        #expect(fewer.details.map(\.name) == ["stops.csv"])
        #expect(fewer.details[0].text == files.details[0].text)
        let manifest = try Manifest.decode(Data(fewer.manifest.utf8))
        #expect(manifest.content.outputs.keys.sorted() == ["results.json", "runs.csv", "stops.csv", "summary.csv"])
    }

    @Test("no detail file, and no trace of one in the manifest's outputs, when no run has rows")
    func absentWithoutRows() throws {
        let (directory, files) = try Self.written(strategies: ["silent"])
        #expect(files.details.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                == ["manifest.json", "report.md", "results.json", "runs.csv", "summary.csv"])
        let manifest = try ResultSet.load(directory).manifest
        #expect(manifest.content.outputs.keys.sorted() == ["results.json", "runs.csv", "summary.csv"])
        #expect(manifest.content.families[0].details?.map(\.name) == ["stops", "links"], "the declaration is recorded")
        #expect(!files.report.contains("<details><summary>Figures per row"))
        // A family without detail tables records none: its manifest has no `details` key at all.
        let golden = try GoldenTests.render(jobs: 1)
        #expect(golden.details.isEmpty && !golden.manifest.contains("\"details\""))
    }

    @Test("the manifest records each detail file's SHA-256 and size, as for runs.csv")
    func manifestRecordsFiles() throws {
        let (directory, files) = try Self.written()
        let manifest = try ResultSet.load(directory).manifest
        #expect(files.details.map(\.name) == ["stops.csv", "links.csv"])
        for name in ["stops.csv", "links.csv", "runs.csv"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            #expect(manifest.content.outputs[name] == Manifest.FileRecord(sha256: Manifest.sha256(data), bytes: data.count), "\(name)")
        }
        #expect(manifest.contentSha256 == manifest.content.sha256)
        // 2 grid points × 3 replications: full reports 2 or 6 nodes, sparse too; silent none.
        let nodes = try String(contentsOfFile: directory + "/stops.csv", encoding: .utf8)
        #expect(CSVQuotingTests.parseCSV(nodes).count == 1 + 3 * 2 * (2 + 6))
        let edges = CSVQuotingTests.parseCSV(try String(contentsOfFile: directory + "/links.csv", encoding: .utf8))
        #expect(edges.count == 1 + 3 * (1 + 5))
        #expect(edges.dropFirst().allSatisfy { $0[3] == "full" })
        // Every key survives the file: the nodes' names read back as written.
        let names = Set(CSVQuotingTests.parseCSV(nodes).dropFirst().map { $0[5] })
        #expect(names == Set(Ledger.nodeNames))
    }

    @Test("detail files are byte-identical for --jobs 1 and --jobs 4")
    func jobsDoNotMatter() throws {
        let suite = try Ledger.load(Ledger.suite())
        let one = try Pipeline.run(suite, jobs: 1).files, four = try Pipeline.run(suite, jobs: 4).files
        #expect(one.details.map(\.name) == ["stops.csv", "links.csv"])
        #expect(one.details.map(\.text) == four.details.map(\.text))
        #expect(one.report == four.report)
        #expect(one.manifest == four.manifest)
    }

    @Test("verify re-runs and compares the detail files; a changed one is named")
    func verify() throws {
        let (directory, _) = try Self.written()
        guard case .reproduced(let text) = try Verification.verify(directory, jobs: 2, registry: Ledger.registry) else {
            Issue.record("the folder does not verify")
            return
        }
        #expect(text == "18 runs reproduce runs.csv (SHA-256 "
                + "\(try ResultSet.load(directory).manifest.content.outputs["runs.csv"]!.sha256.prefix(12))…), "
                + "stops.csv, links.csv, summary.csv and results.json byte for byte")
        guard case .reproduced(let sampled) = try Verification.verify(directory, sample: 5, jobs: 2, registry: Ledger.registry)
        else {
            Issue.record("the sample does not verify")
            return
        }
        #expect(sampled == "5 of 18 runs (a deterministic sample) reproduce their rows of runs.csv, stops.csv and links.csv")

        // A run whose figures differ from the recorded ones is named with the row and figure.
        let recorded = try ResultSet.load(directory)
        var now = recorded.runs
        let visits = now[0].details[0][1].values[0]
        now[0].details[0][1].values[0] += 1
        #expect(Verification.firstDifference(now, recorded: recorded)
                == "first differing run: \(now[0].identity): stops.csv row 2 (node=comma, \"quoted\"): visits recorded "
                + "\(Int(visits)), now \(Int(visits) + 1)")
        now = recorded.runs
        now[0].details[1] = []
        #expect(Verification.firstDifference(now, recorded: recorded)
                == "first differing run: \(now[0].identity): links.csv: 1 rows recorded, now 0")

        // An edited detail file is refused as an edited runs.csv is.
        let path = directory + "/stops.csv"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try original.replacingOccurrences(of: ",full,0,plain,", with: ",full,0,plain,9")
            .write(toFile: path, atomically: true, encoding: .utf8)
        guard case .differs(let difference) = try Verification.verify(directory, jobs: 2, registry: Ledger.registry) else {
            Issue.record("an edited stops.csv verifies")
            return
        }
        #expect(difference.hasPrefix("\(path) is not the file manifest.json records (SHA-256 "))
        #expect(difference.hasSuffix("…): it was changed after it was written"))
        #expect(throws: ResultsError.self) { try ResultSet.load(directory) }
    }

    @Test("a resumed suite writes byte-identical detail files (the journal keeps every row, key and NaN)")
    func resume() throws {
        let plan = RunPlan(suite: try Ledger.load(Ledger.suite()))
        let path = try TestFolders.make([:]) + "/journal.tsv"
        let fingerprint = JournalTests.fingerprint
        _ = try Runner(jobs: 2).run(plan, journal: try Journal(path: path, fingerprint: fingerprint))
        // Interrupted after the header and the first 10 finished runs.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        try (lines.prefix(11).joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)

        let opened = try Journal.prepare(path: path, fingerprint: fingerprint, plan: plan, resume: true)
        #expect(opened.done.count == 10)
        #expect(opened.done.values.contains { !$0.details.isEmpty && $0.details[0].contains { $0.values[1].isNaN } })
        let resumed = try Runner(jobs: 2).run(plan, done: opened.done, journal: opened.journal)
        opened.journal.remove()
        let a = try JournalTests.render(resumed, plan), b = try JournalTests.render(try Runner(jobs: 1).run(plan), plan)
        #expect(a.details.map(\.name) == ["stops.csv", "links.csv"])
        #expect(a.details.map(\.text) == b.details.map(\.text))
        #expect(a.runs == b.runs && a.report == b.report && a.manifest == b.manifest)
    }

    /// Whether two sets of detail rows are the same, NaN equal to NaN.
    static func same(_ a: [[DetailRow]], _ b: [[DetailRow]]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x.count == y.count && zip(x, y).allSatisfy { r, s in
                r.keys == s.keys && r.values.count == s.values.count
                    && zip(r.values, s.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
            }
        }
    }

    @Test("a journal line round-trips detail rows: NaN, infinities, shortest numbers, and any key text")
    func journalRoundTrip() throws {
        let plan = RunPlan(suite: try Ledger.load(Ledger.suite()))
        let spec = plan.runs[0]
        let keys = ["tab\there", "line\nbreak", "cr\rlf\r\n", "comma, \"quoted\"", "back\\slash \\t \\n", "trailing\\",
                    "", "ünïcødé 🙂 e\u{301}", "nan"]
        let nodes = keys.enumerated().map { i, key in
            DetailRow(keys: [key], values: [[Double.nan, 0.1, -0.0, 1e-300, .infinity, -.infinity, 12345678.9, 3, 0.3][i],
                                            i.isMultiple(of: 2) ? .nan : Double(i) / 3])
        }
        let edges = [DetailRow(keys: ["\t", "\n"], values: [.greatestFiniteMagnitude]), DetailRow(keys: ["", ""], values: [.nan])]
        for details in [[nodes, edges], [[], []], [nodes, []], []] {
            let outcome = RunOutcome(stopReason: .eventBudget, events: 7, metrics: [2.5], details: details)
            let record = Journal.record(spec, outcome)
            #expect(!record.contains("\n") && !record.contains("\r"))
            let fields = 4 + 1 + 1 + details.map { 1 + $0.count * ($0.first.map { $0.keys.count + $0.values.count } ?? 0) }.reduce(0, +)
            #expect(record.split(separator: "\t", omittingEmptySubsequences: false).count == fields, "one field per key and value")
            let line = Journal.line(record)
            let parsed = try #require(Journal.parse(Data(line.utf8).dropLast(), plan: plan))
            #expect(parsed.index == 0)
            #expect(parsed.outcome.stopReason == .eventBudget && parsed.outcome.events == 7 && parsed.outcome.metrics == [2.5])
            #expect(Self.same(parsed.outcome.details, details), "\(parsed.outcome.details)")
            #expect(parsed.outcome.details.count == details.count, "no rows stays no rows; empty tables stay empty tables")
            #expect(Journal.record(spec, parsed.outcome) == record)
        }
        #expect(Journal.unescape(Journal.escape(keys.joined())[...]) == keys.joined())
        #expect(Journal.unescape("bad \\x escape") == nil)
        #expect(Journal.unescape("cut short \\") == nil)

        // Lines with a valid checksum but rows that do not fit the family's tables are dropped.
        let good = Journal.record(spec, RunOutcome(stopReason: .drained, events: 1, metrics: [1], details: [nodes, edges]))
        func parses(_ record: String) -> Bool { Journal.parse(Data(Journal.line(record).utf8).dropLast(), plan: plan) != nil }
        #expect(parses(good))
        var fields = good.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        #expect(fields[5] == "2" && fields[6] == String(nodes.count))
        fields[5] = "1"  // one table, for a family that declares two
        #expect(!parses(fields.joined(separator: "\t")))
        fields[5] = "2"
        fields[6] = String(nodes.count + 1)  // more rows than the line holds
        #expect(!parses(fields.joined(separator: "\t")))
        #expect(!parses(good + "\t1"), "a field left over")
        #expect(!parses(fields.prefix(5).joined(separator: "\t")), "no detail count: a format-2 line")
    }

    @Test("a journal of the previous format (no detail rows) is not reused, and the notice says why")
    func oldJournal() throws {
        let plan = RunPlan(suite: try Ledger.load(Ledger.suite()))
        let path = try TestFolders.make([:]) + "/journal.tsv"
        let f = JournalTests.fingerprint
        // Format 2: the same header fields, and a run's line ends with its metrics.
        let record = [String(0), plan.runs[0].identity, "drained", "2", "3"].joined(separator: "\t")
        try ("# coordbench journal 2 version=\(f.version) build=\(f.build) inputs=\(f.inputs)\n" + Journal.line(record))
            .write(toFile: path, atomically: false, encoding: .utf8)
        let opened = try Journal.prepare(path: path, fingerprint: f, plan: plan, resume: true)
        defer { opened.journal.remove() }
        #expect(opened.done.isEmpty)
        #expect(opened.notice?.text == "not resuming: \(path) was written by another build of coordbench; starting afresh")
        #expect(opened.notice?.isWarning == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8)
                == "# coordbench journal 3 version=1.0 build=00000000000000aa inputs=inputs\n")
    }

    @Test("the report: per group, a collapsed table of each figure's mean per strategy and item, NaN ignored")
    func report() throws {
        let report = try Self.rendered(Self.handMade).report
        let block = """
            <details><summary>stops.csv: A node of the chain — means over 2 replications</summary>

            Each figure is its mean over the replications whose run reports the row (– where none does): **visits** \
            (count) times the run entered the node; **cost** (money) spent at the node.

            | strategy | node | visits (count) | cost (money) |
            |---|---|---:|---:|
            | full | comma, "quoted" | 2.000 | 1.000 |
            | full | line break | 2.000 | – |

            </details>

            <details><summary>links.csv: A link between two nodes — means over 2 replications</summary>

            Each figure is its mean over the replications whose run reports the row (– where none does): **calls** \
            (count) calls along the edge.

            | strategy | from | to | calls (count) |
            |---|---|---|---:|
            | full | a | b\\|c | 3.000 |

            </details>
            """
        #expect(report.contains("\n\n" + block + "\n"), "\(report)")
    }

    @Test("report rebuilds the detail blocks from the detail files, byte for byte")
    func reportFromFolder() throws {
        let (directory, files) = try Self.written()
        let loaded = try ResultSet.load(directory)
        #expect(loaded.runs.contains { !$0.details.isEmpty }, "the detail files were read back")
        let rebuilt = try ResultsWriter.renderPresentation(loaded).report
        #expect(rebuilt == files.report)
        #expect(rebuilt.components(separatedBy: "<details><summary>stops.csv:").count == 3,
                "one block per grid point")
        var again = loaded
        #expect(try ResultsWriter.render(&again).details.map(\.text) == files.details.map(\.text),
                "the files read back write the same bytes")
    }

    @Test("a hostile detail file or declaration is refused with a message")
    func hostile() throws {
        func refused(_ edit: (String) throws -> Void) throws -> String {
            try TestFolders.refusal(of: { try Self.written().0 }, after: edit)
        }
        func edit(_ name: String, _ change: @escaping (String) -> String) -> (String) throws -> Void {
            { directory in
                let path = directory + "/" + name
                try change(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
            }
        }
        #expect(try refused(edit("stops.csv") { $0.replacingOccurrences(of: ",visits,cost\n", with: ",cost,visits\n") })
                == "stops.csv: the header is not run,scenario,point,strategy,replication,node,visits,cost")
        #expect(try refused(edit("stops.csv") { $0 + "nobody,ledger,default,full,0,plain,1,2\n" })
                == "stops.csv:50: run 'nobody' is not in runs.csv")
        #expect(try refused(edit("stops.csv") { $0.replacingOccurrences(of: ",ledger,nodes=2,full,0,", with: ",ledger,nodes=6,full,0,") })
                == "stops.csv:2: the scenario, point, strategy or replication differ from the run's in runs.csv")
        let notNumber = try refused(edit("stops.csv") { $0.replacingOccurrences(of: ",full,0,plain,", with: ",full,0,plain,x") })
        #expect(notNumber.hasPrefix("stops.csv:2: 'x") && notNumber.hasSuffix("' in column visits is not a number"), "\(notNumber)")
        #expect(try refused { try FileManager.default.removeItem(atPath: $0 + "/links.csv") }.hasPrefix("links.csv: no such file"))
        #expect(try refused(edit("manifest.json") { $0.replacingOccurrences(of: "\"name\" : \"links\"", with: "\"name\" : \"..\\/links\"") })
                == "manifest.json: family 'ledger': detail table name '../links' must be 1 to 100 bytes of letters, digits, "
                + "'-', '_' or '.'")
    }
}
