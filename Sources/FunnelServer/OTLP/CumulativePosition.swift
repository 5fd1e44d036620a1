/// Identifies one OTLP stream: a metric's points of one resource, scope and attribute set.
///
/// The first 128 bits of the SHA-256 of the stream's canonical identity (see ``OTLPStreamIdentity``), so a
/// stream's state takes a fixed 16 bytes however long its attributes are.
struct CumulativeStreamID: Sendable, Hashable {
    var high: UInt64
    var low: UInt64

    /// The 16 stored bytes, big-endian.
    var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: self.high >> (56 - 8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: self.low >> (56 - 8 * $0)) }
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The identifier in the first 16 of `bytes`, or nil when there are fewer.
    init?(bytes: some Collection<UInt8>) {
        guard bytes.count >= 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (offset, byte) in bytes.prefix(16).enumerated() {
            if offset < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }
}

/// Where a cumulative `funnel.events` stream stood at its last point: what the next point is a difference from.
///
/// Stored in the transaction that stores the counts the point added, so that after a restart a point already
/// counted (an exporter's retry, or the next export of the same total) adds only what is new.
struct CumulativePosition: Sendable, Hashable {
    var stream: CumulativeStreamID
    /// The stream's `start_time_unix_nano`; a later one means the sender restarted its count.
    var startNanos: UInt64
    /// The last point's `time_unix_nano`: points at or before it were counted already.
    var timeNanos: UInt64
    /// The cumulative total at that point.
    var value: UInt64
    /// When Funnel last received a point of the stream, Unix milliseconds: idle streams are forgotten.
    var seenMillis: Int64
}
