import Foundation
import Testing
@testable import Experiments

/// The file-system side of `run` in a folder others can write to: temporaries, the output
/// folder's lock, the journal's fingerprint.
@Suite("File safety")
struct FileSafetyTests {
    static func folder() throws -> String {
        try InputErrorTests.folder([:])
    }

    static func names(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test("a symbolic link at the target is replaced, not followed; the temporary is gone")
    func symlinkAtTarget() throws {
        let dir = try Self.folder()
        let victim = dir + "/victim"
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/runs.csv", withDestinationPath: victim)
        try SafeFile.writeAtomically("a,b\n", to: dir + "/runs.csv")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/runs.csv")
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o022 } == 0, "not group- or world-writable")
        #expect(try String(contentsOfFile: dir + "/runs.csv", encoding: .utf8) == "a,b\n")
        #expect(try Self.names(dir) == ["runs.csv", "victim"])
    }

    @Test("temporary names are unpredictable and recognised exactly")
    func temporaryNames() {
        let a = SafeFile.temporaryName(for: "runs.csv"), b = SafeFile.temporaryName(for: "runs.csv")
        #expect(a != b)
        #expect(a.hasPrefix(".runs.csv.tmp-") && a.count == ".runs.csv.tmp-".count + 12)
        #expect(SafeFile.isTemporaryName(a.utf8))
        for name in ["runs.csv.tmp-0123456789ab", ".runs.csv.tmp-0123456789a", ".runs.csv.tmp-0123456789abc",
                     ".runs.csv.tmp-0123456789aB", "..tmp-0123456789ab", ".runs.csv.tmp-1234", "runs.csv"] {
            #expect(!SafeFile.isTemporaryName(name.utf8), "\(name)")
        }
    }

    @Test("a write that fails leaves neither the target nor a temporary")
    func failedWrite() throws {
        let dir = try Self.folder()
        // A directory at the target: the rename fails after the temporary was written.
        try FileManager.default.createDirectory(atPath: dir + "/report.md/inside", withIntermediateDirectories: true)
        #expect(throws: IOFailure.self) { try SafeFile.writeAtomically("x", to: dir + "/report.md") }
        #expect(try Self.names(dir) == ["report.md"])
        do {
            try SafeFile.writeAtomically("x", to: dir + "/missing/report.md")
            Issue.record("writing into a missing folder succeeded")
        } catch {
            #expect(error.description == "cannot write \(dir)/missing/report.md: No such file or directory")
        }
    }

    @Test("acquiring an output folder creates it, removes orphaned temporaries only, and refuses a second holder")
    func outputFolder() throws {
        let dir = try Self.folder() + "/out/deeper"
        let outside = try Self.folder() + "/outside"
        try "keep\n".write(toFile: outside, atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let orphan = dir + "/.runs.csv.tmp-0123456789ab"
        try "half".write(toFile: orphan, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/.summary.csv.tmp-aaaaaaaaaaaa", withDestinationPath: outside)
        try FileManager.default.createDirectory(atPath: dir + "/.report.md.tmp-bbbbbbbbbbbb", withIntermediateDirectories: false)
        for keep in ["notes.tmp-0123456789ab", ".runs.csv.tmp-0123", "runs.csv"] {
            try "keep".write(toFile: dir + "/" + keep, atomically: false, encoding: .utf8)
        }

        let folder = try OutputFolder.acquire(dir)
        #expect(try Self.names(dir) == [".coordbench.lock", ".report.md.tmp-bbbbbbbbbbbb", ".runs.csv.tmp-0123",
                                        "notes.tmp-0123456789ab", "runs.csv"])
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == "keep\n", "a link is removed, never followed")
        #expect(try String(contentsOfFile: dir + "/.coordbench.lock", encoding: .utf8) == "\(getpid())\n")

        // A second holder (another open file description, as another process would have) is refused.
        do {
            _ = try OutputFolder.acquire(dir)
            Issue.record("a second run acquired a locked folder")
        } catch let error as FolderInUse {
            #expect(error.pid == getpid())
            #expect(error.description == "\(dir) is in use by another coordbench run (pid \(getpid())); "
                    + "wait for it or choose another --out")
        }
        folder.release()
        #expect(!FileManager.default.fileExists(atPath: dir + "/.coordbench.lock"))
        // Released: the next run gets it, also when a crashed run left the lock file behind.
        try "999999\n".write(toFile: dir + "/.coordbench.lock", atomically: false, encoding: .utf8)
        let again = try OutputFolder.acquire(dir)
        again.release()
    }

    @Test("a folder under a regular file cannot be created: an I/O failure naming the OS reason")
    func folderUnderFile() throws {
        let file = try Self.folder() + "/plain"
        try "x".write(toFile: file, atomically: false, encoding: .utf8)
        do {
            _ = try OutputFolder.acquire(file + "/out")
            Issue.record("created a folder under a file")
        } catch let error as IOFailure {
            #expect(error.description == "cannot create output folder \(file)/out: Not a directory")
        }
    }
}
