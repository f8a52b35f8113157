import Foundation
import SimulationKernel
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `close(2)`, for methods of types that have their own `close()`.
private func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }

/// The operating system could not read or write a file or folder (exit status 4): what was
/// being done, to which path, and the system's reason (`strerror`).
public struct IOFailure: Error, CustomStringConvertible, Sendable {
    /// What was being done, as it reads after "cannot": "write", "create output folder", …
    public let action: String
    public let path: String
    /// The `errno` value.
    public let code: Int32

    public init(_ action: String, _ path: String, code: Int32) {
        self.action = action
        self.path = path
        self.code = code
    }

    public var reason: String { String(cString: strerror(code)) }
    public var description: String { "cannot \(action) \(path): \(reason)" }
}

/// An output folder is locked by another `coordbench run` (exit status 2).
public struct FolderInUse: Error, CustomStringConvertible, Sendable {
    public let path: String
    /// The holder's process id, as it wrote it into the lock file (nil if not yet written).
    public let pid: Int32?

    public var description: String {
        "\(path) is in use by another coordbench run" + (pid.map { " (pid \($0))" } ?? "")
            + "; wait for it or choose another --out"
    }
}

/// File-system primitives that are safe in a folder others can write to: final files are
/// written to an exclusively created temporary with an unpredictable name and renamed into
/// place, so a planted symbolic link is replaced rather than followed, and a failure never
/// leaves a half-written file or a temporary behind.
public enum SafeFile {
    static let temporaryInfix = ".tmp-"
    static let randomDigits = 12

    /// `.NAME.tmp-` followed by 12 hex digits from the system's random number generator
    /// (unpredictable, so nobody can plant a link at the name in advance; never affects results).
    public static func temporaryName(for name: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = StableHash.hex(generator.next())
        return "." + name + temporaryInfix + digits.suffix(randomDigits)
    }

    /// Whether `name` (a file name's bytes) is exactly a temporary name: `.`, a non-empty
    /// name, `.tmp-`, 12 lower-case hex digits.
    public static func isTemporaryName<Bytes: Collection>(_ name: Bytes) -> Bool where Bytes.Element == UInt8 {
        let bytes = Array(name)
        let tail = temporaryInfix.utf8.count + randomDigits
        guard bytes.count >= 2 + tail, bytes[0] == UInt8(ascii: ".") else { return false }
        let infix = bytes[(bytes.count - tail)...].prefix(temporaryInfix.utf8.count)
        let digits = bytes.suffix(randomDigits)
        return infix.elementsEqual(temporaryInfix.utf8)
            && digits.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Writes `text` to `path` atomically (see `writeAtomically(_:to:)`).
    public static func writeAtomically(_ text: String, to path: String) throws(IOFailure) {
        var text = text
        let result: Result<Void, IOFailure> = text.withUTF8 { buffer in
            Result { () throws(IOFailure) in try writeAtomically(UnsafeRawBufferPointer(buffer), to: path) }
        }
        try result.get()
    }

    /// Writes `data` to `path` atomically (see `writeAtomically(_:to:)`).
    public static func writeAtomically(_ data: Data, to path: String) throws(IOFailure) {
        let result: Result<Void, IOFailure> = data.withUnsafeBytes { buffer in
            Result { () throws(IOFailure) in try writeAtomically(buffer, to: path) }
        }
        try result.get()
    }

    /// Writes `bytes` to `path`: into a new temporary beside it (created with
    /// O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644), completely, then renamed onto `path` — which
    /// replaces a symbolic link at `path` instead of following it. On any failure the
    /// temporary is removed and `path` is untouched.
    public static func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String) throws(IOFailure) {
        let output = try Output(path: path)
        do throws(IOFailure) {
            try output.write(bytes)
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    /// A file written a piece at a time into an exclusively created temporary beside its
    /// final path (as `writeAtomically` makes one), buffered, and renamed into place by
    /// `commit()` — so the final path never holds a partial file. `discard()` (or a failure)
    /// removes the temporary. Errors name the final path. Not thread-safe: one writer.
    public final class Output {
        public let path: String
        /// Where the bytes are until `commit()`.
        public let temporary: String
        private var fd: Int32
        private var committed = false
        private var buffer: [UInt8] = []
        /// Bytes written so far (buffered ones included).
        public private(set) var count = 0
        static let bufferSize = 1 << 16

        /// Creates the temporary for `path`.
        public init(path: String) throws(IOFailure) {
            self.path = path
            let slash = path.lastIndex(of: "/")
            let folder = slash.map { String(path[...$0]) } ?? ""
            let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
            var temporary = ""
            var fd: Int32 = -1
            for _ in 0..<8 {
                temporary = folder + temporaryName(for: name)
                fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
                if fd >= 0 || (errno != EEXIST && errno != EINTR) { break }
            }
            guard fd >= 0 else { throw IOFailure("write", path, code: errno) }
            self.temporary = temporary
            self.fd = fd
            buffer.reserveCapacity(Output.bufferSize)
        }

        deinit { discard() }

        public func write(_ bytes: UnsafeRawBufferPointer) throws(IOFailure) {
            count += bytes.count
            if buffer.count + bytes.count > Output.bufferSize { try flush() }
            if bytes.count >= Output.bufferSize {
                try SafeFile.writeAll(fd, bytes, path: path)
            } else {
                buffer.append(contentsOf: bytes)
            }
        }

        /// Writes the first `count` bytes of `bytes`.
        public func write(_ bytes: [UInt8], count: Int) throws(IOFailure) {
            let result: Result<Void, IOFailure> = bytes.withUnsafeBytes { buffer in
                Result { () throws(IOFailure) in try write(UnsafeRawBufferPointer(rebasing: buffer[..<count])) }
            }
            try result.get()
        }

        public func write(_ text: String) throws(IOFailure) {
            var text = text
            let result: Result<Void, IOFailure> = text.withUTF8 { utf8 in
                Result { () throws(IOFailure) in try write(UnsafeRawBufferPointer(utf8)) }
            }
            try result.get()
        }

        private func flush() throws(IOFailure) {
            guard !buffer.isEmpty else { return }
            let result: Result<Void, IOFailure> = buffer.withUnsafeBytes { bytes in
                Result { () throws(IOFailure) in try SafeFile.writeAll(fd, bytes, path: path) }
            }
            buffer.removeAll(keepingCapacity: true)
            try result.get()
        }

        /// Writes what is buffered and closes the temporary, keeping it (to be read back, or
        /// committed later); on failure the temporary is removed.
        public func close() throws(IOFailure) {
            guard fd >= 0 else { return }
            var failure: IOFailure?
            do throws(IOFailure) { try flush() } catch { failure = error }
            // Some file systems (NFS) report a failed write only when the file is closed.
            if closeDescriptor(fd) != 0 && failure == nil { failure = IOFailure("write", path, code: errno) }
            fd = -1
            if let failure {
                discard()
                throw failure
            }
        }

        /// Closes the temporary (if still open) and renames it onto `path`; on failure the
        /// temporary is removed.
        public func commit() throws(IOFailure) {
            precondition(!committed, "an output is committed once")
            try close()
            if rename(temporary, path) != 0 {
                let failure = IOFailure("write", path, code: errno)
                discard()
                throw failure
            }
            committed = true
        }

        /// Closes and removes the temporary (nothing happens after `commit()`).
        public func discard() {
            if fd >= 0 { _ = closeDescriptor(fd) }
            fd = -1
            if !committed {
                unlink(temporary)
                committed = true  // nothing left to remove
            }
        }
    }

    /// Writes every byte, retrying short writes and interrupted calls.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(IOFailure) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, base + offset, min(bytes.count - offset, 1 << 30))
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                throw IOFailure("write", path, code: n == 0 ? EIO : errno)
            }
        }
    }

    /// Reads the whole file at `path` without following a symbolic link at it; nil when
    /// there is no file.
    public static func readFile(_ path: String, action: String = "read") throws(IOFailure) -> Data? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw IOFailure(action, path, code: errno)
        }
        defer { close(fd) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                data.append(contentsOf: chunk[..<n])
            } else if n == 0 {
                return data
            } else if errno != EINTR {
                throw IOFailure(action, path, code: errno)
            }
        }
    }

    /// Creates `path` and any missing parents (like `mkdir -p`); an existing folder is fine.
    public static func createFolder(_ path: String) throws(IOFailure) {
        if isFolder(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o777) != 0 {
                let code = errno
                guard code == EEXIST else { throw IOFailure("create output folder", path, code: code) }
                guard isFolder(prefix) else { throw IOFailure("create output folder", path, code: ENOTDIR) }
            }
            prefix += "/"
        }
    }

    static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & 0o170000) == 0o040000
    }

    /// Removes the temporaries that interrupted runs left in `folder`: regular files and
    /// symbolic links (never followed) whose name is exactly a temporary name. Returns how
    /// many were removed. Call it only while holding the folder's lock.
    @discardableResult
    public static func removeOrphanedTemporaries(in folder: String) -> Int {
        guard let directory = opendir(folder) else { return 0 }
        defer { closedir(directory) }
        let fd = dirfd(directory)
        var removed = 0
        while let entry = readdir(directory) {
            let matches = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    isTemporaryName(UnsafeBufferPointer(start: $0, count: strlen(UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))))
                }
            }
            guard matches else { continue }
            let done: Bool = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) { name in
                    var info = stat()
                    guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return false }
                    let kind = info.st_mode & 0o170000
                    guard kind == 0o100000 || kind == 0o120000 else { return false }
                    return unlinkat(fd, name, 0) == 0
                }
            }
            if done { removed += 1 }
        }
        return removed
    }
}

/// An output folder held by this process for a whole run: created if missing, locked
/// (`flock(LOCK_EX|LOCK_NB)` on `.coordbench.lock` inside it, so a second run into the same
/// folder is refused at once), and cleared of temporaries left by interrupted runs.
///
/// `release()` removes the lock file while still holding the lock; a run that opened the
/// old file just before checks after locking that the file it locked is still the one at
/// the path, and starts over otherwise — so removing it opens no race. A crashed run leaves
/// the lock file behind; it is harmless (the kernel drops the lock with the process).
public final class OutputFolder: @unchecked Sendable {
    public static let lockName = ".coordbench.lock"

    public let path: String
    public let lockPath: String
    private var fd: Int32

    private init(path: String, lockPath: String, fd: Int32) {
        self.path = path
        self.lockPath = lockPath
        self.fd = fd
    }

    /// Creates (if needed) and locks `path`, then removes orphaned temporaries in it.
    /// Throws `FolderInUse` when another run holds it (having written nothing), or `IOFailure`.
    public static func acquire(_ path: String) throws -> OutputFolder {
        try SafeFile.createFolder(path)
        let lockPath = (path.hasSuffix("/") ? path : path + "/") + lockName
        for _ in 0..<100 {
            let fd = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd < 0 {
                if errno == EINTR { continue }
                throw IOFailure("create lock file", lockPath, code: errno)
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                if code == EWOULDBLOCK {
                    let pid = holder(fd)
                    close(fd)
                    throw FolderInUse(path: path, pid: pid)
                }
                close(fd)
                if code == EINTR { continue }
                throw IOFailure("lock", lockPath, code: code)
            }
            guard sameFile(fd, lockPath) else {
                close(fd)  // a finishing run removed the file we opened; lock the new one
                continue
            }
            let text = "\(getpid())\n"
            if ftruncate(fd, 0) != 0 || pwrite(fd, text, text.utf8.count, 0) != text.utf8.count {
                let code = errno
                unlink(lockPath)
                close(fd)
                throw IOFailure("write", lockPath, code: code)
            }
            SafeFile.removeOrphanedTemporaries(in: path)
            return OutputFolder(path: path, lockPath: lockPath, fd: fd)
        }
        throw IOFailure("lock", lockPath, code: EAGAIN)
    }

    /// The pid written into a lock file by its holder.
    static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func sameFile(_ fd: Int32, _ path: String) -> Bool {
        var open = stat(), named = stat()
        return fstat(fd, &open) == 0 && lstat(path, &named) == 0
            && open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    /// Removes the lock file (still holding the lock) and releases the lock. Idempotent.
    public func release() {
        guard fd >= 0 else { return }
        if Self.sameFile(fd, lockPath) { unlink(lockPath) }
        close(fd)
        fd = -1
    }

    deinit { release() }
}
