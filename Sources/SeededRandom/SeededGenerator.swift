import Foundation

/// A seeded random number generator, so generated test data is the same on every run.
///
/// SplitMix64, with the normal distribution tests need.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        let mixed = (self.state ^ (self.state >> 30)) &* 0xBF58_476D_1CE4_E5B9
        let folded = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return folded ^ (folded >> 31)
    }

    /// A standard normal sample (Box-Muller).
    public mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
    }
}
