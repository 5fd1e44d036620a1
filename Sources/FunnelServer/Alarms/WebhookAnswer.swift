/// What a receiver answered to one attempt, and what that means for the notification.
struct WebhookAnswer: Sendable, Hashable {
    /// What happens to the notification after the attempt.
    enum Verdict: Sendable, Hashable {
        /// A 2xx: removed from the outbox.
        case delivered
        /// A permanent 4xx (not 408 or 429): removed, not retried.
        case rejected
        /// Anything else (3xx, 408, 429, 5xx, no answer): retried with backoff.
        case failed
    }

    /// The HTTP status, nil when there was no answer.
    var status: Int?
    /// The `Location` of a redirect, which is not followed.
    var location: String?
    /// The start of the answer's body, printable.
    var excerpt: String = ""
    /// Why there was no answer.
    var error: String?

    init(status: Int, location: String?, excerpt: String) {
        self.status = status
        self.location = location
        self.excerpt = excerpt
    }

    init(error: String) {
        self.error = error
    }

    var verdict: Verdict {
        guard let status else { return .failed }
        switch status {
        case 200..<300: return .delivered
        case 408, 429: return .failed
        case 400..<500: return .rejected
        default: return .failed
        }
    }

    /// One line for the log and the outbox's `last_error`.
    var problem: String {
        guard let status else { return self.error ?? "no answer" }
        if (300..<400).contains(status) {
            return "HTTP \(status) redirect to \(self.location ?? "(no Location)"), not followed"
        }
        return "HTTP \(status)"
    }
}
