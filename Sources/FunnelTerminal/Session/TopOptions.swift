public import FunnelCore

/// How `funnel top` was asked to run.
public struct TopOptions: Sendable {
    public var server: String
    /// The pipeline to show first; nil for the server's first.
    public var pipeline: String?
    public var window: LatencyWindow
    public var refreshSeconds: Double
    /// False under `NO_COLOR`.
    public var color: Bool
    /// A read token, sent as a bearer token.
    public var token: String?

    public init(server: String, pipeline: String? = nil, window: LatencyWindow = .fiveMinutes, refreshSeconds: Double = 1, color: Bool = true, token: String? = nil) {
        self.server = server
        self.pipeline = pipeline
        self.window = window
        self.refreshSeconds = refreshSeconds
        self.color = color
        self.token = token
    }
}
