/// The bearer tokens of each kind of endpoint, replaced as a whole on reload.
public struct RequestTokens: Sendable, Hashable {
    /// Tokens accepted on `/v1/*`.
    public var ingest: AccessTokens
    /// Tokens accepted on `/api/*` and `/metrics`.
    public var read: AccessTokens

    public init(ingest: AccessTokens, read: AccessTokens) {
        self.ingest = ingest
        self.read = read
    }

    /// The tokens `configuration` lists (with those from the environment, which `funnel serve` adds to it).
    public init(_ configuration: FunnelConfiguration) {
        self.init(ingest: AccessTokens(configuration.ingestTokens), read: AccessTokens(configuration.readTokens))
    }
}
