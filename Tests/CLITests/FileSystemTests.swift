import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `coordbench run` against a hostile or failing file system: planted links, a second run
/// into the same folder, a folder that cannot be created.
@Suite("Command line: file system", .serialized)
struct FileSystemTests {
    typealias CLI = CommandLineTests
    static let suite = CLI.root.appendingPathComponent("Tests/ReportingTests/Fixtures/small.yaml").path
    static let results = ["manifest.json", "report.md", "runs.csv", "summary.csv"]

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
            #expect(result.stderr == "error: \(out.path) is in use by another coordbench run (pid 4242); "
                    + "wait for it or choose another --out\n")
            #expect(result.stdout.isEmpty)
            #expect(try Self.snapshot(out.path) == before, "the refused run changed the folder")
        }
        flock(fd, LOCK_UN)
        let after = try CLI.run(["run", Self.suite, "--out", out.path, "-q"])
        #expect(after.status == 0, "\(after.stderr)")
    }

    @Test("an output folder that cannot be created is an I/O failure: exit 4 and the OS's reason")
    func folderUnderFile() throws {
        let file = CLI.temporaryFolder().path
        try "x".write(toFile: file, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try CLI.run(["run", Self.suite, "--out", file + "/out"])
        #expect(result.status == 4)
        #expect(result.stderr == "error: cannot create output folder \(file)/out: Not a directory\n")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "x")
    }
}
