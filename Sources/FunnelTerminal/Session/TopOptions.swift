public import FunnelCore

/// How `funnel top` was asked to run.
public struct TopOptions: Sendable {
    /// The first server (the only one, usually).
    public var server: String { self.servers[0] }
    /// Every server to show together: the shards of a deployment, each owning whole pipelines. Never empty.
    public var servers: [String]
    /// The pipeline to show first; nil for the server's first.
    public var pipeline: String?
    public var window: LatencyWindow
    public var refreshSeconds: Double
    /// False under `NO_COLOR`.
    public var color: Bool
    /// A read token, sent as a bearer token.
    public var token: String?

    public init(server: String, pipeline: String? = nil, window: LatencyWindow = .fiveMinutes, refreshSeconds: Double = 1, color: Bool = true, token: String? = nil) {
        self.init(servers: [server], pipeline: pipeline, window: window, refreshSeconds: refreshSeconds, color: color, token: token)
    }

    /// Options for `servers` (not empty) shown together.
    public init(servers: [String], pipeline: String? = nil, window: LatencyWindow = .fiveMinutes, refreshSeconds: Double = 1, color: Bool = true, token: String? = nil) {
        precondition(!servers.isEmpty, "TopOptions needs at least one server")
        self.servers = servers
        self.pipeline = pipeline
        self.window = window
        self.refreshSeconds = refreshSeconds
        self.color = color
        self.token = token
    }
}
