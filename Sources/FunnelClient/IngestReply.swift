public import Foundation
import FunnelCore

/// A Funnel server's answer to a report or DLQ depth request.
public struct IngestReply: Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// The body as text, usually JSON such as `{"accepted":3}` or `{"error":"...","reason":"..."}`.
    public var body: String
    /// True when the server answered from its stored reply to an earlier request with the same `Idempotency-Key`.
    public var replayed: Bool

    /// The server's clock when it answered, from its `Date` header (whole seconds).
    public var serverDate: Date?

    public init(status: Int, body: String, replayed: Bool, serverDate: Date? = nil) {
        self.status = status
        self.body = body
        self.replayed = replayed
        self.serverDate = serverDate
    }

    /// Whether the server refused the ingest token (`401`, `403`).
    public var isTokenRefused: Bool { self.status == 401 || self.status == 403 }

    /// Whether the server took the request (`2xx`).
    public var isAccepted: Bool { (200..<300).contains(self.status) }

    /// Whether sending the same request again may succeed: the server was overloaded, slow or failed (`408`,
    /// `429`, `5xx`), or refused the token (`401`, `403`), which an operator can fix without losing what waits.
    public var isRetryable: Bool { [401, 403, 408, 429].contains(self.status) || self.status >= 500 }

    /// The `accepted` count of a `2xx` answer.
    public var accepted: Int? { self.decoded(IngestAcknowledgement.self)?.accepted }

    /// The server's error message, e.g. `reports[3].count: must be an integer from 1 to 1000000000000, got -2`.
    public var errorMessage: String? { self.decoded(ErrorBody.self)?.error }

    /// The index of the offending report, when one report was at fault.
    public var errorIndex: Int? { self.decoded(ErrorBody.self)?.index }

    /// The rejection reason, e.g. `invalid_value`.
    public var errorReason: String? { self.decoded(ErrorBody.self)?.reason }

    /// The body as the API's own payload type, when it is one.
    private func decoded<Payload: Decodable>(_ type: Payload.Type) -> Payload? {
        try? JSONDecoder().decode(type, from: Data(self.body.utf8))
    }
}
