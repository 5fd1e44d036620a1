/// What one `alertmanager` receiver is posted on each evaluation: every firing alarm routed to it, again each
/// `resend_interval` with `endsAt` a few intervals ahead (so Alertmanager never resolves it on its own), and once
/// more as resolved with `endsAt` now when it stops firing, however it stopped (cleared, rule removed, receiver no
/// longer named, `send_resolved: false`).
///
/// Pure: the notifications and the time are passed in. It starts empty, so after a restart every firing alarm is
/// posted at once, which Alertmanager takes as the same alert.
public struct AlertmanagerFeed: Sendable, Hashable {
    /// One alert to post, with the key its delivery carries.
    public struct Post: Sendable, Hashable {
        /// The alert; `endsAtMillis` is always set.
        public var notification: AlarmNotification
        public var idempotencyKey: String
    }

    /// How many resend intervals ahead a firing alert's `endsAt` lies: Alertmanager resolves it only when that
    /// many posts in a row are lost.
    public static let endsAtIntervals: Int64 = 4

    /// The longest `resend_interval` taken: a day.
    public static let longestResendMillis: Int64 = 86_400_000

    public let receiver: String
    /// `resend_interval` in milliseconds.
    public var resendMillis: Int64
    /// The last firing post of each alarm, and when it was made.
    private var sent: [String: Sent] = [:]

    private struct Sent: Sendable, Hashable {
        var notification: AlarmNotification
        var millis: Int64
    }

    public init(receiver: String, resendMillis: Int64) {
        self.receiver = receiver
        self.resendMillis = min(max(1, resendMillis), Self.longestResendMillis)
    }

    /// The posts due at `nowMillis`: `firing` is the notification of every firing alarm as it reads now, `changes`
    /// what the evaluator sent this tick (a new firing or a repeat is posted at once; a resolved one is used as the
    /// resolved post).
    public mutating func posts(firing: [AlarmNotification], changes: [AlarmNotification], nowMillis: Int64) -> [Post] {
        var posts: [Post] = []
        let routed = firing.filter { $0.receivers.contains(self.receiver) }
        for notification in routed.sorted(by: { $0.alarm < $1.alarm }) {
            let last = self.sent[notification.alarm]
            let changed = changes.contains { $0.alarm == notification.alarm && $0.status == .firing }
            guard last == nil || last?.notification.startsAtMillis != notification.startsAtMillis || changed
                || nowMillis - (last?.millis ?? nowMillis) >= self.resendMillis
            else { continue }
            var alert = notification
            alert.endsAtMillis = nowMillis + self.resendMillis * Self.endsAtIntervals
            posts.append(Post(notification: alert, idempotencyKey: "\(alert.fingerprint)-\(alert.startsAtMillis)-firing-\(nowMillis)"))
            self.sent[notification.alarm] = Sent(notification: notification, millis: nowMillis)
        }
        let still = Set(routed.map(\.alarm))
        for (alarm, last) in self.sent.sorted(by: { $0.key < $1.key }) where !still.contains(alarm) {
            var alert = changes.first { $0.alarm == alarm && $0.status == .resolved } ?? last.notification
            alert.status = .resolved
            alert.endsAtMillis = alert.endsAtMillis ?? nowMillis
            posts.append(Post(notification: alert, idempotencyKey: "\(alert.fingerprint)-\(alert.startsAtMillis)-resolved"))
            self.sent[alarm] = nil
        }
        return posts
    }
}
