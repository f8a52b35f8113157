internal import CGSL

/// One named stream of random numbers: a GSL generator seeded from a stable hash of the
/// run's identity and the stream's purpose.
///
/// Every draw in a model comes from a stream whose purpose says what it is for
/// ("arrivals", "sizes", "strategy"…), so that changing how one purpose is used never
/// shifts the numbers another purpose sees. Not thread-safe: a stream belongs to one run.
public final class RandomStream {
    /// The GSL algorithm behind every stream; recorded in each run's manifest.
    public static let algorithm = "mt19937"

    let rng: UnsafeMutablePointer<gsl_rng>
    /// The seed handed to `gsl_rng_set` (mt19937 uses its low 32 bits).
    public let seed: UInt64

    public init(seed: UInt64) {
        guard let rng = gsl_rng_alloc(cgsl_rng_mt19937()) else {
            fatalError("gsl_rng_alloc failed: out of memory")
        }
        self.rng = rng
        self.seed = seed
        gsl_rng_set(rng, UInt(truncatingIfNeeded: seed))
    }

    /// A stream seeded from `identity` and `purpose` alone.
    public convenience init(identity: String, purpose: String) {
        self.init(seed: RandomStream.seed(identity: identity, purpose: purpose))
    }

    /// The seed of stream `purpose` of the run with `identity` (stable across platforms).
    public static func seed(identity: String, purpose: String) -> UInt64 {
        StableHash.hash(identity + "\u{1F}" + purpose) & 0xffff_ffff
    }

    deinit { gsl_rng_free(rng) }

    /// Uniform on [0, 1).
    public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// Uniform on (0, 1): never exactly zero, safe for logarithms.
    public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

    /// Uniform integer in 0 ..< n (n ≥ 1), without modulo bias.
    public func integer(below n: Int) -> Int {
        precondition(n >= 1)
        return Int(gsl_rng_uniform_int(rng, UInt(n)))
    }

    /// Exponential with the given mean (`gsl_ran_exponential`).
    public func exponential(mean: Double) -> Double { gsl_ran_exponential(rng, mean) }

    /// Gamma with shape `k` and scale `theta` (`gsl_ran_gamma`); mean k·θ.
    public func gamma(shape: Double, scale: Double) -> Double { gsl_ran_gamma(rng, shape, scale) }

    /// Log-normal: exp(N(mu, sigma²)) (`gsl_ran_lognormal`).
    public func lognormal(mu: Double, sigma: Double) -> Double { gsl_ran_lognormal(rng, mu, sigma) }

    /// Poisson with the given mean (`gsl_ran_poisson`).
    public func poisson(mean: Double) -> Int { Int(gsl_ran_poisson(rng, mean)) }

    /// Uniform on [a, b) (`gsl_ran_flat`).
    public func flat(_ a: Double, _ b: Double) -> Double { gsl_ran_flat(rng, a, b) }

    /// Beta(a, b) on [0, 1] (`gsl_ran_beta`).
    public func beta(_ a: Double, _ b: Double) -> Double { gsl_ran_beta(rng, a, b) }

    /// Normal with mean `mu` and standard deviation `sigma` (`gsl_ran_gaussian`).
    public func normal(mu: Double, sigma: Double) -> Double { mu + gsl_ran_gaussian(rng, sigma) }

    /// True with probability `p` (`gsl_ran_bernoulli`).
    public func bernoulli(_ p: Double) -> Bool { gsl_ran_bernoulli(rng, min(max(p, 0), 1)) == 1 }

    /// Index drawn from `table` (`gsl_ran_discrete`).
    public func discrete(_ table: DiscreteTable) -> Int { Int(gsl_ran_discrete(rng, table.table)) }
}

/// A pre-processed discrete distribution over 0 ..< weights.count (`gsl_ran_discrete_preproc`),
/// drawn from in O(1) by Walker's alias method.
public final class DiscreteTable: @unchecked Sendable {
    let table: UnsafeMutablePointer<gsl_ran_discrete_t>
    public let weights: [Double]

    /// `weights` must be non-negative with a positive sum.
    public init(weights: [Double]) {
        precondition(!weights.isEmpty && weights.allSatisfy { $0 >= 0 } && weights.reduce(0, +) > 0)
        self.weights = weights
        table = weights.withUnsafeBufferPointer { gsl_ran_discrete_preproc($0.count, $0.baseAddress) }
    }

    deinit { gsl_ran_discrete_free(table) }
}

/// The streams of one run. A stream's seed depends only on the identity and the purpose,
/// so two runs that share a workload identity draw identical workloads whatever their
/// strategies (common random numbers).
public struct RandomStreams: Sendable {
    public let identity: String

    public init(identity: String) { self.identity = identity }

    public func stream(_ purpose: String) -> RandomStream {
        RandomStream(identity: identity, purpose: purpose)
    }
}
