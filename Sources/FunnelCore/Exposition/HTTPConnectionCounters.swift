/// The HTTP listener's connections, for `/metrics`: open now, the cap, and those closed by a limit.
public struct HTTPConnectionCounters: Sendable, Hashable {
    /// Connections open now.
    public var open: UInt64
    /// The most connections open at once (`limits.max_connections`).
    public var limit: UInt64
    /// Connections closed at once because ``limit`` were already open.
    public var refused: UInt64
    /// Connections closed because they did not send a request head within `timeouts.header`.
    public var headerTimeouts: UInt64

    public init(open: UInt64 = 0, limit: UInt64 = 0, refused: UInt64 = 0, headerTimeouts: UInt64 = 0) {
        self.open = open
        self.limit = limit
        self.refused = refused
        self.headerTimeouts = headerTimeouts
    }
}
