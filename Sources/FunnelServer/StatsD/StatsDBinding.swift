/// Where the StatsD listener ended up listening: the configured addresses with the ports actually bound.
public struct StatsDBinding: Sendable, Hashable {
    /// The UDP address, nil when UDP is disabled.
    public var udp: ListenAddress?
    /// The TCP address, nil when TCP is disabled.
    public var tcp: ListenAddress?

    public init(udp: ListenAddress? = nil, tcp: ListenAddress? = nil) {
        self.udp = udp
        self.tcp = tcp
    }
}
