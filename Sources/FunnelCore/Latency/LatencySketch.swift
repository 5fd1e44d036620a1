import Foundation

/// A mergeable quantile sketch of latencies (DDSketch): any quantile within 0.75% relative error, in bounded memory.
///
/// Values are milliseconds. Bucket `i` holds values in `(γ^(i-1), γ^i]` with `γ = (1+α)/(1-α)`, α = 0.0075, and
/// reports `2γ^i/(γ+1)`, which is within α of every value in the bucket. Values below 1 µs count as zero, values
/// above 1 hour go to the top bucket (the exact maximum is kept separately). Counts live in a dense array between
/// the lowest and highest bucket seen: at most ``maximumBucketCount`` (1,448) buckets of 8 bytes, about 11.6 KiB,
/// and a few hundred buckets (2-4 KiB) for typical latencies spanning three decades.
public struct LatencySketch: Sendable, Hashable {
    /// The relative accuracy guaranteed for every quantile.
    public static let relativeAccuracy = 0.0075
    static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    static let logGamma = log(gamma)
    /// Smallest value told apart from zero: 1 microsecond.
    public static let minimumMillis = 0.001
    /// Largest value told apart from the top bucket: 1 hour.
    public static let maximumMillis = 3_600_000.0
    static let minimumIndex = Int(rounding: log(minimumMillis) / logGamma, .up)!
    static let maximumIndex = Int(rounding: log(maximumMillis) / logGamma, .up)!
    /// The most buckets a sketch can hold.
    public static let maximumBucketCount = maximumIndex - minimumIndex + 1

    private var counts: [UInt64] = []
    private var offset = 0
    public private(set) var zeroCount: UInt64 = 0
    public private(set) var count: UInt64 = 0
    public private(set) var sum: Double = 0
    public private(set) var min: Double = .infinity
    public private(set) var max: Double = 0

    public init() {}

    public var isEmpty: Bool { self.count == 0 }

    /// Bytes held by the sketch, for memory accounting.
    public var byteCount: Int { MemoryLayout<Self>.size + self.counts.capacity * MemoryLayout<UInt64>.stride }

    /// Records `count` events that each took `millis` (negative, infinite or NaN values are ignored).
    public mutating func record(_ millis: Double, count: UInt64 = 1) {
        guard millis.isFinite, millis >= 0, count > 0 else { return }
        self.count = self.count.addingSaturated(count)
        self.sum += millis * Double(count)
        self.min = Swift.min(self.min, millis)
        self.max = Swift.max(self.max, millis)
        guard millis >= Self.minimumMillis else {
            self.zeroCount = self.zeroCount.addingSaturated(count)
            return
        }
        let index = Swift.min(Int(rounding: log(millis) / Self.logGamma, .up) ?? Self.maximumIndex, Self.maximumIndex)
        self.reserve(index)
        self.counts[index - self.offset] = self.counts[index - self.offset].addingSaturated(count)
    }

    /// Adds every value of `other`: the sketch of the union of both inputs.
    public mutating func merge(_ other: LatencySketch) {
        guard other.count > 0 else { return }
        self.count = self.count.addingSaturated(other.count)
        self.sum += other.sum
        self.min = Swift.min(self.min, other.min)
        self.max = Swift.max(self.max, other.max)
        self.zeroCount = self.zeroCount.addingSaturated(other.zeroCount)
        guard !other.counts.isEmpty else { return }
        self.reserve(other.offset)
        self.reserve(other.offset + other.counts.count - 1)
        for (position, value) in other.counts.enumerated() where value > 0 {
            self.counts[other.offset + position - self.offset] = self.counts[other.offset + position - self.offset].addingSaturated(value)
        }
    }

    /// The value at quantile `q` (0...1): the value of rank `q × (count − 1)` in sorted order, within the relative accuracy.
    public func quantile(_ q: Double) -> Double? {
        guard self.count > 0, q >= 0, q <= 1 else { return nil }
        if q == 1 { return self.max }
        let rank = q * Double(self.count - 1)
        var cumulative = Double(self.zeroCount)
        if cumulative > rank { return 0 }
        for (position, value) in self.counts.enumerated() where value > 0 {
            cumulative += Double(value)
            if cumulative > rank {
                let estimate = 2 * pow(Self.gamma, Double(self.offset + position)) / (Self.gamma + 1)
                return Swift.min(Swift.max(estimate, self.min), self.max)
            }
        }
        return self.max
    }

    /// The mean value, or nil when empty.
    public var mean: Double? { self.count == 0 ? nil : self.sum / Double(self.count) }

    /// Grows the dense bucket array so it covers `index`.
    private mutating func reserve(_ index: Int) {
        if self.counts.isEmpty {
            self.offset = index
            self.counts = [0]
            return
        }
        if index < self.offset {
            self.counts.insert(contentsOf: repeatElement(0, count: self.offset - index), at: 0)
            self.offset = index
        } else if index >= self.offset + self.counts.count {
            self.counts.append(contentsOf: repeatElement(0, count: index - self.offset - self.counts.count + 1))
        }
    }
}
