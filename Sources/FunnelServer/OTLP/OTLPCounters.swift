import FunnelCore

/// What the OTLP receiver took: data points by result, requests by answer.
public struct OTLPCounters: Sendable, Equatable {
    /// Points of Funnel's metrics counted (a cumulative point already seen counts here too: it was taken, adding nothing).
    public var acceptedPoints: UInt64 = 0
    /// Points of metrics Funnel does not read.
    public var ignoredPoints: UInt64 = 0
    /// Points of Funnel's metrics that did not map or that admission refused, reported back as `rejected_data_points`.
    public var rejectedPoints: UInt64 = 0
    /// Requests answered, by result.
    public var requests: [RequestResult: UInt64] = [:]

    /// How an export request was answered.
    public enum RequestResult: String, Sendable, CaseIterable {
        /// `200`, every point taken or ignored.
        case accepted
        /// `200` with `partial_success`.
        case partial
        /// `400`: the body does not decode.
        case malformed
        /// `413`: the body, or what it inflates to, is over the limit.
        case tooLarge = "too_large"
        /// `415`: neither protobuf nor JSON.
        case unsupportedMediaType = "unsupported_media_type"
        /// `503` with `Retry-After`: too many requests at once, or storage unavailable.
        case unavailable
    }
}
