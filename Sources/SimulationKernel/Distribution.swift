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
            var k: UInt32 = 0
            while gsl_cdf_poisson_P(k, mean) < u && k < 1_000_000 { k += 1 }
            return Double(k)
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
