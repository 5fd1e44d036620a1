import FunnelCore

/// The limits of a report request: its body size and pace, and how many may be in progress at once.
struct RequestLimits: Sendable, Hashable {
    /// Largest body accepted, in bytes.
    var maximumBodyBytes: Int
    /// The rate and time a body must arrive within.
    var pace: BodyPace
    /// Report requests handled at once.
    var maximumConcurrentRequests: Int

    init(maximumBodyBytes: Int, bodyTimeoutSeconds: Double, minimumBodyBytesPerSecond: Double, bodyGraceSeconds: Double, maximumConcurrentRequests: Int) {
        self.maximumBodyBytes = maximumBodyBytes
        self.pace = BodyPace(
            minimumBytesPerSecond: minimumBodyBytesPerSecond, grace: Duration.checkedSeconds(bodyGraceSeconds) ?? .seconds(2),
            timeout: Duration.checkedSeconds(bodyTimeoutSeconds) ?? .seconds(30)
        )
        self.maximumConcurrentRequests = maximumConcurrentRequests
    }

    /// The limits `configuration` sets (`limits.*`, `timeouts.body`, `timeouts.body_grace`).
    init(_ configuration: FunnelConfiguration) {
        self.init(
            maximumBodyBytes: configuration.maximumBodyBytes, bodyTimeoutSeconds: configuration.bodyTimeoutSeconds,
            minimumBodyBytesPerSecond: configuration.minimumBodyBytesPerSecond, bodyGraceSeconds: configuration.bodyGraceSeconds,
            maximumConcurrentRequests: configuration.maximumConcurrentRequests
        )
    }
}
