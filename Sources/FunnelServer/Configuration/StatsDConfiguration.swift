import FunnelCore

/// The StatsD/DogStatsD listener: where it listens, how it maps dotted names, and how it batches writes.
///
/// Disabled unless an address is set. UDP can drop datagrams under overload (see `funnel_statsd_kernel_drops_total`);
/// HTTP reports and the client library are the lossless paths.
public struct StatsDConfiguration: Sendable, Hashable {
    /// UDP address to listen on; nil disables UDP. Port 0 picks a free port.
    public var udpListen: ListenAddress?
    /// TCP address for newline-delimited lines; nil disables TCP.
    public var tcpListen: ListenAddress?
    /// Rules for dotted names, tried in order.
    public var mappings: [StatsDMapping]
    /// Receive buffer asked for the UDP socket, in bytes; the kernel may grant less (see `net.core.rmem_max`).
    public var receiveBufferBytes: Int
    /// How often the lines summed since the last flush are written to the database and counted, in seconds.
    public var flushIntervalSeconds: Double
    /// A flush also happens as soon as this many entries wait: distinct lines (which repeat lines sum into) plus
    /// lines kept one by one past the table of distinct lines.
    public var flushLines: Int
    /// Longest TCP line accepted, in bytes.
    public var maximumLineBytes: Int
    /// Bad lines logged per minute with their text; further ones are only counted.
    public var loggedBadLinesPerMinute: Int
    /// Another StatsD (the Datadog agent, statsd_exporter) that lines matching no Funnel name or mapping are
    /// relayed to, unchanged, over UDP; nil counts them as `unmapped` instead.
    public var forwardUnmatched: ListenAddress?

    public init(
        udpListen: ListenAddress? = nil,
        tcpListen: ListenAddress? = nil,
        mappings: [StatsDMapping] = [],
        receiveBufferBytes: Int = 8 * 1024 * 1024,
        flushIntervalSeconds: Double = 0.1,
        flushLines: Int = 10_000,
        maximumLineBytes: Int = 64 * 1024,
        loggedBadLinesPerMinute: Int = 5,
        forwardUnmatched: ListenAddress? = nil
    ) {
        self.udpListen = udpListen
        self.tcpListen = tcpListen
        self.mappings = mappings
        self.receiveBufferBytes = receiveBufferBytes
        self.flushIntervalSeconds = flushIntervalSeconds
        self.flushLines = flushLines
        self.maximumLineBytes = maximumLineBytes
        self.loggedBadLinesPerMinute = loggedBadLinesPerMinute
        self.forwardUnmatched = forwardUnmatched
    }

    /// Whether any listener is configured.
    public var isEnabled: Bool { self.udpListen != nil || self.tcpListen != nil }
}
