import Foundation
import SimulationKernel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which build of coordbench is running: FNV-1a 64 of the executable's bytes, hex, read once
/// from `/proc/self/exe` (or the executable's path elsewhere). Part of what makes a journal
/// reusable, since two builds with the same version number can compute different results.
enum BuildIdentity {
    static let current: String = {
        let paths = ["/proc/self/exe", Bundle.main.executablePath, CommandLine.arguments.first].compactMap { $0 }
        for path in paths {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var hash = StableHash.fnv1aBasis
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var ok = true
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n == 0 { break }
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false
                    break
                }
                hash = buffer.withUnsafeBytes { StableHash.fnv1a(UnsafeRawBufferPointer(rebasing: $0[..<n]), continuing: hash) }
            }
            if ok { return StableHash.hex(hash) }
        }
        return "unknown"
    }()
}
