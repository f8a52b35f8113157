/// Stateless ("counter-based") uniform numbers: a pure function of a seed and a few integer
/// coordinates, e.g. (task, agent, call number, purpose).
///
/// Models whose strategies make different numbers of draws use these for outcomes that must
/// agree across strategies: agent a's n-th call on task t has the same outcome under every
/// strategy, whatever else happened before it (common random numbers at the finest grain).
/// Built on SplitMix64's finaliser, the same on every platform.
public struct CounterRandom: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// Uniform on (0, 1) for the given coordinates.
    @inlinable
    public func uniform(_ a: Int, _ b: Int = 0, _ c: Int = 0, _ d: Int = 0) -> Double {
        var h = StableHash.mix(seed ^ 0x5851_f42d_4c95_7f2d)
        h = StableHash.mix(h ^ UInt64(bitPattern: Int64(a)))
        h = StableHash.mix(h ^ (UInt64(bitPattern: Int64(b)) &* 0x9e37_79b9_7f4a_7c15))
        h = StableHash.mix(h ^ (UInt64(bitPattern: Int64(c)) &* 0xc2b2_ae3d_27d4_eb4f))
        h = StableHash.mix(h ^ (UInt64(bitPattern: Int64(d)) &* 0x1656_67b1_9e37_79f9))
        // 53 random bits, shifted off zero: (k + 0.5) / 2^53.
        return (Double(h >> 11) + 0.5) / 9_007_199_254_740_992.0
    }
}
