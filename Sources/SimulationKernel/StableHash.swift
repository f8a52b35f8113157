/// A 64-bit hash of text that is the same on every platform, process and toolchain.
///
/// FNV-1a over the UTF-8 bytes, finished with the SplitMix64 mixer so that nearby inputs
/// ("rep=1", "rep=2") give unrelated seeds. Never Swift's `Hasher`, which is randomly
/// seeded per process.
public enum StableHash {
    public static func hash(_ text: String) -> UInt64 { mix(fnv1a(text.utf8)) }

    /// Plain FNV-1a 64 of a byte sequence (no final mixing): a file fingerprint.
    public static func fnv1a<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        return h
    }

    /// FNV-1a's starting value (the 64-bit offset basis).
    public static let fnv1aBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Plain FNV-1a 64 of raw bytes, continuing from `hash` (so a large file can be hashed in
    /// pieces); the same value as `fnv1a(_:)` of those bytes. Optimised even in debug builds,
    /// where it hashes the running executable.
    @_optimize(speed)
    public static func fnv1a(_ buffer: UnsafeRawBufferPointer, continuing hash: UInt64 = fnv1aBasis) -> UInt64 {
        var h = hash
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return h }
        var i = 0
        let count = buffer.count
        while i < count {
            h = (h ^ UInt64(base[i])) &* 0x0000_0100_0000_01b3
            i &+= 1
        }
        return h
    }

    /// 16 lower-case hex digits.
    public static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// SplitMix64's finaliser: a bijection that spreads every input bit over the output.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
