import Foundation
internal import CGSL

/// A named probability distribution of a non-negative quantity, drawn through GSL.
///
/// Scenario files name one of these (`{distribution: gamma, shape: 2, scale: 0.5}`); the
/// family draws from a stream whose purpose says what the number is for.
public enum Distribution: Sendable, Equatable {
    case constant(Double)
    case exponential(mean: Double)
    case gamma(shape: Double, scale: Double)
    case lognormal(mu: Double, sigma: Double)
    case uniform(min: Double, max: Double)
    case beta(a: Double, b: Double)
    case poisson(mean: Double)

    /// The names accepted in scenario files, with the parameters each takes.
    public static let catalogue: [(name: String, parameters: [String])] = [
        ("constant", ["value"]),
        ("exponential", ["mean"]),
        ("gamma", ["shape", "scale"]),
        ("lognormal", ["mu", "sigma"]),
        ("uniform", ["min", "max"]),
        ("beta", ["a", "b"]),
        ("poisson", ["mean"]),
    ]

    /// The largest constant, mean, scale or bound a scenario may give (a draw stays finite
    /// through the arithmetic a model does with it).
    public static let largestValue = 1e12
    /// Shapes of gamma and beta distributions: below 0.01 their samplers return zeros and
    /// NaNs; above 10^6 they are point masses in all but cost.
    public static let shapeRange: ClosedRange<Double> = 0.01...1e6
    /// Lognormal parameters that keep e^(μ + 40σ) finite.
    public static let lognormalMuRange: ClosedRange<Double> = -50...50
    public static let lognormalSigmaRange: ClosedRange<Double> = 0...10
    /// Poisson means up to 10^8 (GSL's sampler needs means well below 2^32 to end).
    public static let poissonMeanRange: ClosedRange<Double> = 0...1e8

    @inlinable
    public func draw(from stream: RandomStream) -> Double {
        switch self {
        case .constant(let v): return v
        case .exponential(let mean): return stream.exponential(mean: mean)
        case .gamma(let k, let theta): return stream.gamma(shape: k, scale: theta)
        case .lognormal(let mu, let sigma): return stream.lognormal(mu: mu, sigma: sigma)
        case .uniform(let a, let b): return a == b ? a : stream.flat(a, b)
        case .beta(let a, let b): return stream.beta(a, b)
        case .poisson(let mean): return Double(stream.poisson(mean: mean))
        }
    }

    /// The `u`-quantile (inverse CDF, u in (0, 1)) through GSL's `gsl_cdf_*_Pinv`, for drawing
    /// from counter-based uniforms. Poisson is inverted by summing its probabilities.
    public func quantile(_ u: Double) -> Double {
        switch self {
        case .constant(let v): return v
        case .exponential(let mean): return gsl_cdf_exponential_Pinv(u, mean)
        case .gamma(let k, let theta): return gsl_cdf_gamma_Pinv(u, k, theta)
        case .lognormal(let mu, let sigma): return gsl_cdf_lognormal_Pinv(u, mu, sigma)
        case .uniform(let a, let b): return gsl_cdf_flat_Pinv(u, a, b)
        case .beta(let a, let b): return gsl_cdf_beta_Pinv(u, a, b)
        case .poisson(let mean):
            // The smallest k with P(K ≤ k) ≥ u, by doubling then bisection: O(log k) steps.
            var low: UInt32 = 0, high: UInt32 = 1
            if gsl_cdf_poisson_P(0, mean) >= u { return 0 }
            while gsl_cdf_poisson_P(high, mean) < u && high < 1 << 31 { low = high; high *= 2 }
            while high - low > 1 {
                let middle = low + (high - low) / 2
                if gsl_cdf_poisson_P(middle, mean) < u { low = middle } else { high = middle }
            }
            return Double(high)
        }
    }

    /// The distribution's mean (used by strategies that plan with expected values).
    public var mean: Double {
        switch self {
        case .constant(let v): return v
        case .exponential(let mean): return mean
        case .gamma(let k, let theta): return k * theta
        case .lognormal(let mu, let sigma): return Foundation.exp(mu + sigma * sigma / 2)
        case .uniform(let a, let b): return (a + b) / 2
        case .beta(let a, let b): return a / (a + b)
        case .poisson(let mean): return mean
        }
    }
}
