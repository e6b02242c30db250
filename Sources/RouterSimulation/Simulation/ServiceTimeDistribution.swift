#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RouterEngine

/// How long a simulated replica takes to serve a request.
public enum ServiceTimeDistribution: Equatable, Sendable {
    case constant(milliseconds: Double)
    case exponential(meanMilliseconds: Double)
    /// Log-normal with the given mean and shape `sigma` (the standard deviation of the log).
    case logNormal(meanMilliseconds: Double, sigma: Double)

    public var meanMilliseconds: Double {
        switch self {
        case .constant(let value): value
        case .exponential(let mean): mean
        case .logNormal(let mean, _): mean
        }
    }

    /// One service time drawn from the distribution.
    public func sample(_ random: inout SeededRandom) -> Duration {
        let milliseconds: Double
        switch self {
        case .constant(let value):
            milliseconds = value
        case .exponential(let mean):
            milliseconds = -mean * log(1 - random.unit())
        case .logNormal(let mean, let sigma):
            // Choose mu so that the distribution's mean is `mean`.
            let mu = log(mean) - sigma * sigma / 2
            milliseconds = exp(mu + sigma * random.standardNormal())
        }
        return .clampedSeconds(max(milliseconds, 0) / 1000)
    }
}

extension SeededRandom {
    /// A standard normal variate (Box–Muller).
    mutating func standardNormal() -> Double {
        let u1 = 1 - unit()
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// An exponential variate with the given mean.
    mutating func exponential(mean: Double) -> Double {
        -mean * log(1 - unit())
    }
}
