import Foundation
import Testing
@testable import Experiments
@testable import Reporting

/// `--resume` after an interruption: only whole, intact journal lines are reused, and the
/// result files are the bytes an uninterrupted run writes.
@Suite("Journal")
struct JournalTests {
    static let fingerprint = Journal.Fingerprint(version: "1.0", build: "00000000000000aa", inputs: "inputs")

    static func plan() throws -> RunPlan {
        RunPlan(suite: try SuiteLoader.load(path: GoldenTests.fixtures.appendingPathComponent("small.yaml").path))
    }

    static func render(_ records: [RunRecord], _ plan: RunPlan) throws -> ResultsWriter.Files {
        var results = ResultSet(records: records, suite: plan.suite)
        return try ResultsWriter.render(&results)
    }

    /// A complete journal of `plan`, as an interrupted run leaves it just before it would finish.
    static func journal(_ plan: RunPlan) throws -> String {
        let path = try TestFolders.make([:]) + "/journal.tsv"
        let journal = try Journal(path: path, fingerprint: fingerprint)
        _ = try Runner(jobs: 2).run(plan, journal: journal)
        return path
    }

    /// Resumes the journal at `path`, finishes the plan, and checks the outputs against an
    /// uninterrupted run; returns the indices of the runs that were done again and the notice.
    static func resumeAndCompare(_ path: String, _ plan: RunPlan) throws -> (Set<Int>, String?) {
        let opened = try Journal.prepare(path: path, fingerprint: fingerprint, plan: plan, resume: true)
        let redone = Set(plan.runs.indices).subtracting(opened.done.keys)
        let resumed = try Runner(jobs: 2).run(plan, done: opened.done, journal: opened.journal)
        let uninterrupted = try Runner(jobs: 1).run(plan)
        let a = try render(resumed, plan), b = try render(uninterrupted, plan)
        #expect(a.runs == b.runs)
        #expect(a.summary == b.summary)
        #expect(a.report == b.report)
        // The journal now holds every run, intact.
        guard case .usable(let done, _, let dropped, _) = Journal.inspect(path: path, fingerprint: fingerprint, plan: plan) else {
            Issue.record("the resumed journal is not reusable")
            return (redone, opened.notice?.text)
        }
        #expect(done.count == plan.runs.count && dropped == 0)
        opened.journal.remove()
        return (redone, opened.notice?.text)
    }

    /// The run index of a journal line.
    static func index(_ line: Substring) -> Int {
        Int(line.split(separator: "\t", omittingEmptySubsequences: false)[1])!
    }

    @Test("a last line torn inside its last field is dropped and its run done again; outputs are byte-identical")
    func tornLastLine() throws {
        let plan = try Self.plan()
        let path = try Self.journal(plan)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == plan.runs.count + 1)
        let last = lines.last!
        // Cut inside the last field: keep its first character (a number cut short still parses).
        let lastField = last.lastIndex(of: "\t")!
        let cut = text.utf8.count - 1 - last[last.index(after: lastField)...].utf8.count + 1
        #expect(truncate(path, off_t(cut)) == 0)
        #expect(try !String(contentsOfFile: path, encoding: .utf8).hasSuffix("\n"))

        let (redone, notice) = try Self.resumeAndCompare(path, plan)
        #expect(redone == [Self.index(last)])
        #expect(notice == "resuming: \(plan.runs.count - 1) of \(plan.runs.count) runs already finished "
                + "(1 damaged or unfinished journal line dropped)")
    }

    @Test("a damaged line in the middle fails its checksum and is done again")
    func damagedMiddleLine() throws {
        let plan = try Self.plan()
        let path = try Self.journal(plan)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let middle = lines.count / 2
        let damaged = Self.index(lines[middle])
        // Change one digit of the events count: still a well-formed line.
        var fields = lines[middle].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        fields[4] = String(Int(fields[4])! + 1)
        lines[middle] = Substring(fields.joined(separator: "\t"))
        try lines.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try Self.resumeAndCompare(path, plan).0 == [damaged])
    }

    @Test("a journal is not reused for another build, other inputs or when unreadable, and the notice says why")
    func notReused() throws {
        let plan = try Self.plan()
        func notice(_ fingerprint: Journal.Fingerprint, _ text: String? = nil) throws -> String? {
            let path = try Self.journal(plan)
            if let text { try text.write(toFile: path, atomically: false, encoding: .utf8) }
            let opened = try Journal.prepare(path: path, fingerprint: fingerprint, plan: plan, resume: true)
            #expect(opened.done.isEmpty || text == nil)
            defer { opened.journal.remove() }
            return opened.notice.map { $0.text.replacingOccurrences(of: path, with: "J") }
        }
        let f = Self.fingerprint
        #expect(try notice(f) == "resuming: 40 of 40 runs already finished")
        #expect(try notice(Journal.Fingerprint(version: f.version, build: "00000000000000bb", inputs: f.inputs))
                == "not resuming: J was written by another build of coordbench; starting afresh")
        #expect(try notice(Journal.Fingerprint(version: "1.1", build: f.build, inputs: f.inputs))
                == "not resuming: J was written by another build of coordbench (version 1.0); starting afresh")
        #expect(try notice(Journal.Fingerprint(version: f.version, build: f.build, inputs: "other"))
                == "not resuming: J was written for other inputs or options (suite, scenarios, seed or replications "
                + "differ); starting afresh")
        // The replications (a command-line option) are part of the inputs through the plan.
        let other = RunPlan(suite: try SuiteLoader.load(path: GoldenTests.fixtures.appendingPathComponent("small.yaml").path,
                                                        replications: 3, seed: nil))
        #expect(Journal.Fingerprint(version: "1", build: "b", inputs: "i", plan: plan)
                != Journal.Fingerprint(version: "1", build: "b", inputs: "i", plan: other))
        #expect(try notice(f, "# coordbench journal 0123456789abcdef\n") == "not resuming: J was written by another build of "
                + "coordbench; starting afresh")
        #expect(try notice(f, "\u{FF}garbage\n") == "not resuming: J is unreadable (not a coordbench journal); starting afresh")

        // Without --resume an existing journal is replaced, and that is said too.
        let path = try Self.journal(plan)
        let fresh = try Journal.prepare(path: path, fingerprint: f, plan: plan, resume: false)
        #expect(fresh.notice?.text == "not resuming: \(path) is left from an interrupted run and is replaced "
                + "(pass --resume to reuse its runs)")
        #expect(fresh.notice?.isWarning == true && fresh.done.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8)
                == "# coordbench journal 3 version=1.0 build=00000000000000aa inputs=inputs\n")
        fresh.journal.remove()
    }
}
