import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `coordbench run` against a hostile or failing file system: planted links, a second run
/// into the same folder, a folder that cannot be created, a read-only folder, a full disk.
@Suite("Command line: file system", .serialized)
struct FileSystemTests {
    typealias CLI = CommandLineTests
    static let suite = CLI.root.appendingPathComponent("Tests/ReportingTests/Fixtures/small.yaml").path
    static let results = ["manifest.json", "report.md", "results.json", "runs.csv", "summary.csv"]

    /// Every entry of `folder` (not following links) with its bytes or link target.
    static func snapshot(_ folder: String) throws -> [String: Data] {
        var entries: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let path = folder + "/" + name
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                entries[name] = Data(("link → " + target).utf8)
            } else {
                entries[name] = FileManager.default.contents(atPath: path) ?? Data()
            }
        }
        return entries
    }

    /// The one error line of `stderr`, which must end with it (without -q, informational lines
    /// such as a plan estimate may come first); nil if there is not exactly one, last.
    static func error(_ stderr: String) -> String? {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard stderr.hasSuffix("\n"), lines.filter({ $0.hasPrefix("error:") }).count == 1,
              let last = lines.dropLast().last, last.hasPrefix("error:") else { return nil }
        return last
    }

    @Test("a link planted at a result file is replaced, not followed; orphaned temporaries are removed")
    func plantedLinks() throws {
        let out = CLI.temporaryFolder(), clean = CLI.temporaryFolder()
        defer { for f in [out, clean] { try? FileManager.default.removeItem(at: f) } }
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let victim = out.deletingLastPathComponent().appendingPathComponent("victim-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: victim) }
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: out.path + "/runs.csv", withDestinationPath: victim)
        try FileManager.default.createSymbolicLink(atPath: out.path + "/.summary.csv.tmp-0123456789ab", withDestinationPath: victim)
        try "half a file".write(toFile: out.path + "/.report.md.tmp-abcdefabcdef", atomically: false, encoding: .utf8)

        let result = try CLI.run(["run", Self.suite, "--out", out.path, "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == Self.results)
        let attributes = try FileManager.default.attributesOfItem(atPath: out.path + "/runs.csv")
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(try CLI.run(["run", Self.suite, "--out", clean.path, "-q"]).status == 0)
        #expect(FileManager.default.contents(atPath: out.path + "/runs.csv") == FileManager.default.contents(atPath: clean.path + "/runs.csv"))
    }

    @Test("a second run into a folder in use fails at once with exit 2 and writes nothing")
    func folderInUse() throws {
        let out = CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(try CLI.run(["run", Self.suite, "--out", out.path, "-q"]).status == 0)
        try "interrupted\n".write(toFile: out.path + "/journal.tsv", atomically: false, encoding: .utf8)
        // Hold the lock as a running coordbench would.
        let fd = open(out.path + "/.coordbench.lock", O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let pid = "4242\n"
        #expect(pwrite(fd, pid, pid.utf8.count, 0) == pid.utf8.count)
        let before = try Self.snapshot(out.path)

        for arguments in [["--resume"], [], ["-q"]] {
            let result = try CLI.run(["run", Self.suite, "--out", out.path] + arguments)
            #expect(result.status == 2)
            #expect(Self.error(result.stderr) == "error: \(out.path) is in use by another coordbench run (pid 4242); "
                    + "wait for it or choose another --out")
            #expect(result.stdout.isEmpty)
            #expect(try Self.snapshot(out.path) == before, "the refused run changed the folder")
        }
        flock(fd, LOCK_UN)
        let after = try CLI.run(["run", Self.suite, "--out", out.path, "-q"])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stderr.contains("is left from an interrupted run and is replaced"))
    }

    @Test("an output folder that cannot be created is an I/O failure: exit 4 and the OS's reason")
    func folderUnderFile() throws {
        let file = CLI.temporaryFolder().path
        try "x".write(toFile: file, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try CLI.run(["run", Self.suite, "--out", file + "/out"])
        #expect(result.status == 4)
        #expect(Self.error(result.stderr) == "error: cannot create output folder \(file)/out: Not a directory")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "x")
    }

    @Test("a run killed mid-way (SIGKILL) leaves no result file; resumed, it writes the bytes of an uninterrupted run")
    func killAndResume() throws {
        let out = CLI.temporaryFolder(), whole = CLI.temporaryFolder()
        defer { for f in [out, whole] { try? FileManager.default.removeItem(at: f) } }
        let arguments = ["run", Self.suite, "--replications", "60", "--jobs", "2"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments + ["--out", out.path, "-q"]
        process.currentDirectoryURL = CLI.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it once some runs are journaled (results stream into temporaries meanwhile).
        let journal = out.path + "/journal.tsv"
        let deadline = Date().addingTimeInterval(300)
        while process.isRunning && Date() < deadline {
            if let text = try? String(contentsOfFile: journal, encoding: .utf8), text.split(separator: "\n").count > 100 { break }
            usleep(2000)
        }
        let interrupted = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(interrupted, "the run was killed before it finished (600 runs)")
        if interrupted {
            let left = try FileManager.default.contentsOfDirectory(atPath: out.path)
            #expect(!left.contains("runs.csv") && !left.contains("manifest.json"), "no result file before the end: \(left)")
        }

        let resumed = try CLI.run(arguments + ["--out", out.path, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(!interrupted || resumed.stderr.contains("resuming: "), "\(resumed.stderr)")
        #expect(try CLI.run(arguments + ["--out", whole.path, "-q"]).status == 0)
        let (a, b) = (try Self.snapshot(out.path), try Self.snapshot(whole.path))
        #expect(Set(a.keys) == Set(b.keys), "the same files, no temporary or journal left: \(a.keys.sorted())")
        for name in b.keys.sorted() where name != "manifest.json" {
            #expect(a[name] == b[name], "\(name) differs after the resume")
        }
        func content(_ data: Data?) throws -> String {
            var manifest = try JSONSerialization.jsonObject(with: data ?? Data()) as? [String: Any] ?? [:]
            manifest["provenance"] = nil
            return String(decoding: try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]), as: UTF8.self)
        }
        #expect(try content(a["manifest.json"]) == content(b["manifest.json"]), "manifests differ beyond provenance")
    }

    @Test("--resume says why a journal is not reused")
    func resumeNotices() throws {
        let out = CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let journal = out.path + "/journal.tsv"
        let version = try CLI.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for (text, reason) in [
            ("# coordbench journal 2 version=\(version) build=0000000000000000 inputs=0\n",
             "was written by another build of coordbench"),
            ("# coordbench journal 0123456789abcdef\n", "was written by another build of coordbench"),
            ("not a journal\n", "is unreadable (not a coordbench journal)"),
        ] {
            try text.write(toFile: journal, atomically: false, encoding: .utf8)
            let result = try CLI.run(["run", Self.suite, "--out", out.path, "--resume", "-q"])
            #expect(result.status == 0)
            #expect(result.stderr == "not resuming: \(journal) \(reason); starting afresh\n")
        }
        let none = try CLI.run(["run", Self.suite, "--out", out.path, "--resume", "-q"])
        #expect(none.stderr == "not resuming: there is no journal at \(journal)\n")
    }

    /// Whether this process may mount a tmpfs in a private mount namespace (root with
    /// `unshare`, not in a locked-down container).
    static let canMount: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        let dir = CLI.temporaryFolder().path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try? shell("mount -t tmpfs -o size=64k tmpfs '\(dir)' && umount '\(dir)'")
        return result?.status == 0
    }()

    /// Runs `script` with `sh -eu` in a private mount namespace; stdout and stderr together.
    static func shell(_ script: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-m", "--propagation", "private", "sh", "-eu", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// `file NAME CKSUM SIZE` lines of a case; manifest.json, which holds the time, by size only.
    static func files(_ lines: [String]) -> Set<String> {
        Set(lines.filter { $0.hasPrefix("file ") }.map { line in
            let parts = line.split(separator: " ")
            return parts[1] == "manifest.json" ? "file manifest.json \(parts[3])" : line
        })
    }

    /// Cases of the script's output: lines after `== NAME` up to the next.
    static func cases(_ output: String) -> [(name: String, lines: [String])] {
        var cases: [(String, [String])] = []
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("== ") { cases.append((String(line.dropFirst(3)), [])) } else if !cases.isEmpty { cases[cases.count - 1].1.append(line) }
        }
        return cases
    }

    @Test("a read-only folder and a full disk are I/O failures (exit 4) that leave no temporary and no half-written file",
          .enabled(if: FileSystemTests.canMount, "needs root and unshare to mount a small tmpfs"))
    func readOnlyAndFullDisk() throws {
        let dir = CLI.temporaryFolder().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = "'\(CLI.binary)' run '\(Self.suite)' -q --jobs 2 --out"
        // Each case prints its exit status, then each file left in the folder with its checksum.
        let report = "echo \"status $?\"; for f in $(ls -A \"$D/out\" 2>/dev/null); do echo \"file $f $(cksum < \"$D/out/$f\")\"; done"
        var script = """
            D='\(dir)'
            mount -t tmpfs -o size=1m tmpfs "$D"
            echo "== reference"; set +e; \(run) "$D/out" 2>&1; \(report); set -e
            mount -o remount,ro "$D"
            echo "== read-only existing"; set +e; \(run) "$D/out" 2>&1; \(report); set -e
            echo "== read-only missing"; set +e; \(run) "$D/out/new" 2>&1; echo "status $?"; set -e
            umount "$D"

            """
        for kilobytes in stride(from: 8, through: 256, by: 8) {
            script += """
                mount -t tmpfs -o size=\(kilobytes)k tmpfs "$D"
                echo "== full \(kilobytes)k"; set +e; \(run) "$D/out" 2>&1; \(report); set -e
                umount "$D"

                """
        }
        let (status, output) = try Self.shell(script)
        #expect(status == 0, "\(output)")
        let cases = Self.cases(output)
        let reference = try #require(cases.first { $0.name == "reference" })
        #expect(reference.lines.first == "status 0", "\(reference.lines)")
        let files = Self.files(reference.lines)
        #expect(files.map { String($0.split(separator: " ")[1]) }.sorted() == Self.results)
        #expect(reference.lines.count == 1 + Self.results.count, "no other file: \(reference.lines)")

        let readOnly = try #require(cases.first { $0.name == "read-only existing" })
        #expect(readOnly.lines.first == "error: cannot create lock file \(dir)/out/.coordbench.lock: Read-only file system")
        #expect(readOnly.lines.dropFirst().first == "status 4")
        #expect(Self.files(readOnly.lines) == files, "the read-only folder is unchanged")
        let missing = try #require(cases.first { $0.name == "read-only missing" })
        #expect(missing.lines == ["error: cannot create output folder \(dir)/out/new: Read-only file system", "status 4"])

        var failedIn: Set<String> = []
        let full = cases.filter { $0.name.hasPrefix("full ") }
        #expect(full.count == 32)
        for c in full {
            let status = c.lines.first { $0.hasPrefix("status ") }
            #expect(status == "status 0" || status == "status 4", "\(c.name): \(c.lines)")
            let left = Self.files(c.lines)
            #expect(!left.contains { $0.contains(".tmp-") || $0.contains(".coordbench.lock") }, "\(c.name): \(left)")
            // A result file is there whole or not at all.
            for file in left where !file.contains("journal.tsv") {
                #expect(files.contains(file), "\(c.name): half-written \(file)")
            }
            guard status == "status 4" else {
                #expect(Set(left) == files, "\(c.name)")
                continue
            }
            let message = try #require(c.lines.first)
            #expect(message.hasPrefix("error: cannot write \(dir)/out/") && message.hasSuffix(": No space left on device"),
                    "\(c.name): \(c.lines)")
            #expect(c.lines[1] == "status 4", "one line of message: \(c.lines)")
            let name = message.dropFirst("error: cannot write \(dir)/out/".count).prefix { $0 != ":" }
            failedIn.insert(String(name))
        }
        #expect(failedIn.contains("journal.tsv"), "some disk filled up while journaling: \(failedIn)")
        #expect(!failedIn.isDisjoint(with: Self.results), "some disk filled up while writing results: \(failedIn)")
        #expect(full.last?.lines.first == "status 0", "256k is enough for the small suite")
    }
}
