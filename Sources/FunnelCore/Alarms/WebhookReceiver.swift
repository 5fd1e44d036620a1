import Foundation

/// Where alarm notifications go: a chat or Alertmanager-compatible webhook, or Alertmanager itself.
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
        /// Alertmanager's own API: postable alerts to `POST /api/v2/alerts`, re-sent while firing.
        case alertmanager
    }

    public var name: String
    public var format: Format
    /// Where to post: one URL, or (for `alertmanager`) every member of a cluster, each posted to on its own.
    public var urls: [String]
    /// When set, each body is signed with HMAC-SHA256 and the hex digest sent in `X-Funnel-Signature: sha256=...`.
    public var secret: String?
    /// How often a firing alarm is posted again to an `alertmanager` receiver, in seconds.
    public var resendIntervalSeconds: Double

    /// The default `resend_interval` of an `alertmanager` receiver: one minute, as Prometheus re-sends.
    public static let defaultResendIntervalSeconds: Double = 60

    public init(name: String, format: Format, url: String, secret: String? = nil) {
        self.init(name: name, format: format, urls: [url], secret: secret)
    }

    public init(
        name: String, format: Format, urls: [String], secret: String? = nil, resendIntervalSeconds: Double = Self.defaultResendIntervalSeconds
    ) {
        self.name = name
        self.format = format
        self.urls = urls
        self.secret = secret
        self.resendIntervalSeconds = resendIntervalSeconds
    }

    /// The first (usually the only) URL.
    public var url: String { self.urls.first ?? "" }

    /// The URL with its path and query hidden (they carry tokens), safe to log: `https://hooks.slack.com/…`.
    public var redactedURL: String {
        guard let schemeEnd = self.url.range(of: "://") else { return "…" }
        let rest = self.url[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" }
        return String(self.url[..<schemeEnd.upperBound]) + host + (rest.count > host.count ? "/…" : "")
    }

    /// One receiver per URL, each delivered on a lane of its own: this receiver itself for one URL, `NAME/1`,
    /// `NAME/2`, ... for several. An `alertmanager` lane posts to `URL/api/v2/alerts`.
    public var deliveryLanes: [WebhookReceiver] {
        let endpoints = self.format == .alertmanager ? self.urls.map(Self.alertsEndpoint) : self.urls
        guard endpoints.count > 1 || endpoints != self.urls else { return [self] }
        return endpoints.enumerated().map { index, endpoint in
            var lane = self
            lane.name = endpoints.count > 1 ? "\(self.name)/\(index + 1)" : self.name
            lane.urls = [endpoint]
            return lane
        }
    }

    /// `POST /api/v2/alerts` under an Alertmanager base URL (which may carry a path prefix).
    static func alertsEndpoint(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/api/v2/alerts"
    }
}
