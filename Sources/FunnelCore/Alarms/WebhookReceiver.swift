import Foundation

/// Where alarm notifications go: a chat or Alertmanager-compatible webhook.
public struct WebhookReceiver: Sendable, Hashable {
    /// The payload shape the receiver expects.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// Slack incoming webhook: `text` plus `blocks`.
        case slack
        /// Discord webhook: `content` plus an embed.
        case discord
        /// Microsoft Teams incoming webhook / workflow: an Adaptive Card.
        case msteams
        /// Alertmanager webhook v4 JSON, so existing Alertmanager receivers work unchanged.
        case generic
    }

    public var name: String
    public var format: Format
    public var url: String
    /// When set, each body is signed with HMAC-SHA256 and the hex digest sent in `X-Funnel-Signature: sha256=...`.
    public var secret: String?

    public init(name: String, format: Format, url: String, secret: String? = nil) {
        self.name = name
        self.format = format
        self.url = url
        self.secret = secret
    }

    /// The URL with its path and query hidden (they carry tokens), safe to log: `https://hooks.slack.com/…`.
    public var redactedURL: String {
        guard let schemeEnd = self.url.range(of: "://") else { return "…" }
        let rest = self.url[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" }
        return String(self.url[..<schemeEnd.upperBound]) + host + (rest.count > host.count ? "/…" : "")
    }
}
