/// Saturating arithmetic for the read path: sums and differences of counters that can never trap or wrap.
///
/// Admission keeps every stored counter within ``StageCounts/maximum``, so these bounds are never reached by data
/// Funnel accepted; they keep a query safe on any data it restores.
extension UInt64 {
    /// `self + other`, or `UInt64.max` when that overflows.
    @inlinable
    public func addingSaturated(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = self.addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `self - other`, or 0 when `other` is larger.
    @inlinable
    public func subtractingSaturated(_ other: UInt64) -> UInt64 {
        self >= other ? self - other : 0
    }
}

extension Sequence where Element == UInt64 {
    /// The sum of the elements, saturating at `UInt64.max`.
    @inlinable
    public func saturatingSum() -> UInt64 {
        self.reduce(0) { $0.addingSaturated($1) }
    }
}

extension Int64 {
    /// The value when it is above zero, else 0: the loss side of a difference of counts.
    @inlinable
    public var positivePart: UInt64 { self > 0 ? self.magnitude : 0 }

    /// The magnitude when the value is below zero, else 0: the excess side of a difference of counts
    /// (`Int64.min` included, which `-self` would trap on).
    @inlinable
    public var negativePart: UInt64 { self < 0 ? self.magnitude : 0 }
}
