import Foundation
import RouterEngine

/// Which model each simulated request asks for: `count` models named `model-1` … `model-N`,
/// drawn with Zipf weights (rank k weighs 1/k^s) or with explicit weights.
public struct ModelDistribution: Equatable, Sendable {
    public let names: [String]
    /// Running sums of the normalised weights, for drawing by one uniform number.
    private let cumulative: [Double]

    /// `weights` need not sum to 1; each must be finite and ≥ 0, and one must be above 0.
    public init?(weights: [Double]) {
        guard !weights.isEmpty, weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        let total = weights.reduce(0, +)
        guard total > 0, total.isFinite else { return nil }
        var sum = 0.0
        cumulative = weights.map { weight in
            sum += weight / total
            return sum
        }
        names = weights.indices.map { "model-\($0 + 1)" }
    }

    /// Zipf over `count` models with exponent `s`.
    public static func zipf(count: Int, s: Double) -> ModelDistribution? {
        guard count >= 1, s.isFinite, s >= 0 else { return nil }
        return ModelDistribution(weights: (1...count).map { 1 / pow(Double($0), s) })
    }

    /// Draws a model name.
    public func sample(_ random: inout SeededRandom) -> String {
        let u = random.unit()
        // The last sum is 1 give or take rounding: a draw past every other sum is the last name's.
        return names[cumulative.dropLast().partitionPoint { $0 > u }]
    }
}
