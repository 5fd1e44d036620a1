/// The StatsD listener's own counters, as exposed in `/metrics`.
public struct StatsDCounters: Sendable, Hashable {
    /// Lines counted into the ledger or the DLQ gauges.
    public var acceptedLines: UInt64 = 0
    /// Lines not counted, by reason.
    public var rejectedLines: [StatsDLineRejection.Reason: UInt64] = [:]
    /// Lines relayed to `statsd.forward_unmatched`, and those of them whose send failed; nil without forwarding.
    public var forwardedLines: UInt64?
    public var forwardFailedLines: UInt64 = 0
    /// Datagrams the kernel dropped because the socket's receive buffer was full; nil where the platform does not tell.
    public var kernelDrops: UInt64?
    /// The UDP socket's receive buffer as the kernel granted it, in bytes; nil without a UDP listener.
    public var receiveBufferBytes: Int?

    public init() {}

    /// Adds another tally of lines to this one.
    public mutating func add(_ other: StatsDCounters) {
        self.acceptedLines &+= other.acceptedLines
        for (reason, count) in other.rejectedLines { self.rejectedLines[reason, default: 0] &+= count }
        if let forwarded = other.forwardedLines { self.forwardedLines = (self.forwardedLines ?? 0) &+ forwarded }
        self.forwardFailedLines &+= other.forwardFailedLines
    }

    /// Counts one rejected line.
    public mutating func reject(_ reason: StatsDLineRejection.Reason, count: UInt64 = 1) {
        self.rejectedLines[reason, default: 0] &+= count
    }
}
