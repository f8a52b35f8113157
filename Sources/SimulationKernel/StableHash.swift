/// A 64-bit hash of text that is the same on every platform, process and toolchain.
///
/// FNV-1a over the UTF-8 bytes, finished with the SplitMix64 mixer so that nearby inputs
/// ("rep=1", "rep=2") give unrelated seeds. Never Swift's `Hasher`, which is randomly
/// seeded per process.
public enum StableHash {
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        return mix(h)
    }

    /// SplitMix64's finaliser: a bijection that spreads every input bit over the output.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
