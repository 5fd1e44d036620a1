import Foundation

/// The latency distributions of the latency issue, drawn from a fixed seed so every run and every peer sees the same values.
enum LatencySamples {
    /// The distributions by name: `lognormal` (median 40 ms, sigma 1.2) and `bimodal` (97% around 8 ms, 3% around 1.5 s).
    static let distributions = ["lognormal", "bimodal"]

    /// `count` samples in milliseconds of `distribution`.
    static func values(_ distribution: String, count: Int) -> [Double] {
        var state: UInt64 = 42
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        func normal() -> Double { sqrt(-2 * log(max(uniform(), 1e-300))) * cos(2 * .pi * uniform()) }
        return (0..<count).map { _ in
            distribution == "lognormal"
                ? exp(log(40) + 1.2 * normal())
                : (uniform() < 0.97 ? exp(log(8) + 0.3 * normal()) : exp(log(1500) + 0.4 * normal()))
        }
    }

    /// The exact `q` quantile of sorted values, as the sketch defines it: the value at rank floor(q * (n - 1)).
    static func exact(_ sorted: [Double], _ q: Double) -> Double {
        sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
    }
}
