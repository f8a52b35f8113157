import Foundation
import SimulationKernel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which build of coordbench is running, hex. Part of what makes a journal reusable, since two
/// builds with the same version number can compute different results.
///
/// The build ID the linker wrote into the executable (the ELF note `.note.gnu.build-id`, a hash
/// of the linked contents), read from its program headers: a few kilobytes. Without that note
/// (another platform, or a link without build IDs), FNV-1a 64 of the executable's bytes, read
/// from `/proc/self/exe` (or the executable's path elsewhere) — 30 MB for a release build, some
/// 45 ms of CPU before the first run can start.
enum BuildIdentity {
    static let current: String = {
        // Tried in turn, and only when needed: `Bundle.main` lists the executable's folder
        // (40 million instructions for a build folder).
        let paths: [() -> String?] = [{ "/proc/self/exe" }, { Bundle.main.executablePath }, { CommandLine.arguments.first }]
        for path in paths.lazy.compactMap({ $0() }) {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if let id = linkerBuildID(fd) { return id }
            if let hash = fnv1a(fd) { return StableHash.hex(hash) }
        }
        return "unknown"
    }()

    /// The GNU build ID note of the ELF executable open at `fd` (64-bit, little-endian), hex;
    /// nil when it is not such a file or has no such note.
    static func linkerBuildID(_ fd: Int32) -> String? {
        /// `count` bytes at `offset`, when the file has them (and they are few: headers and notes).
        func bytes(_ count: Int, at offset: Int) -> [UInt8]? {
            guard count > 0, count <= 1 << 16, offset >= 0 else { return nil }
            var bytes = [UInt8](repeating: 0, count: count)
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            return n == count ? bytes : nil
        }
        /// The little-endian unsigned integer of `size` bytes at `offset` of `bytes`.
        func integer(_ bytes: [UInt8], _ offset: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        // ELF header: magic, class 2 (64-bit), data 1 (little-endian); where the program
        // headers are (e_phoff), and their size and number (e_phentsize, e_phnum).
        guard let header = bytes(64, at: 0), header[0..<6] == [0x7F, 0x45, 0x4C, 0x46, 2, 1] else { return nil }
        let (tableOffset, entrySize, entries) = (integer(header, 32, 8), integer(header, 54, 2), integer(header, 56, 2))
        guard entrySize >= 56, let table = bytes(entrySize * entries, at: tableOffset) else { return nil }
        let (noteSegment, buildIDNote) = (4, 3)  // PT_NOTE, NT_GNU_BUILD_ID
        for entry in stride(from: 0, to: table.count, by: entrySize) where integer(table, entry, 4) == noteSegment {
            // p_offset and p_filesz: the segment's notes, each a header (name size, descriptor
            // size, type), then the name and the descriptor, both padded to 4 bytes.
            guard let notes = bytes(integer(table, entry + 32, 8), at: integer(table, entry + 8, 8)) else { continue }
            var note = 0
            while note + 12 <= notes.count {
                let (nameSize, size, type) = (integer(notes, note, 4), integer(notes, note + 4, 4), integer(notes, note + 8, 4))
                let descriptor = note + 12 + ((nameSize + 3) & ~3)
                guard descriptor + size <= notes.count else { break }
                if type == buildIDNote, nameSize == 4, notes[(note + 12)..<(note + 16)] == [0x47, 0x4E, 0x55, 0], size > 0 {
                    return notes[descriptor..<(descriptor + size)].map { String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }
                        .joined()
                }
                note = descriptor + ((size + 3) & ~3)
            }
        }
        return nil
    }

    /// FNV-1a 64 of every byte of the file open at `fd`; nil when it cannot be read.
    static func fnv1a(_ fd: Int32) -> UInt64? {
        var hash = StableHash.fnv1aBasis
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n == 0 { return hash }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            offset += off_t(n)
            hash = buffer.withUnsafeBytes { StableHash.fnv1a(UnsafeRawBufferPointer(rebasing: $0[..<n]), continuing: hash) }
        }
    }
}
