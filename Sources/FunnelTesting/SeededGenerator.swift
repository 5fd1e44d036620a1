import Foundation
import FunnelCore

/// A seeded random number generator, so generated test data is the same on every run.
///
/// The bits come from the demo's SplitMix64 generator; this adds the normal distribution tests need.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var random: DemoRandom

    public init(state: UInt64) {
        self.random = DemoRandom(seed: state)
    }

    public mutating func next() -> UInt64 {
        self.random.next()
    }

    /// A standard normal sample (Box-Muller).
    public mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
    }
}
