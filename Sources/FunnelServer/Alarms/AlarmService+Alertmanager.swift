import FunnelCore
import Synchronization

extension AlarmService {
    /// A feed per `alertmanager` receiver of `receivers`; one of the same name in `kept` keeps what it sent.
    static func feeds(for receivers: [WebhookReceiver], keeping kept: [String: AlertmanagerFeed]) -> [String: AlertmanagerFeed] {
        var feeds: [String: AlertmanagerFeed] = [:]
        for receiver in receivers where receiver.format == .alertmanager {
            let resendMillis = Int64(millisecondsFromSeconds: receiver.resendIntervalSeconds) ?? AlertmanagerFeed.longestResendMillis
            var feed = kept[receiver.name] ?? AlertmanagerFeed(receiver: receiver.name, resendMillis: resendMillis)
            feed.resendMillis = resendMillis
            feeds[receiver.name] = feed
        }
        return feeds
    }

    /// The posts every `alertmanager` receiver is due at `nowMillis`, one outbox entry per member of its cluster.
    func alertmanagerEntries(firing: [AlarmNotification], changes: [AlarmNotification], nowMillis: Int64) -> [OutboxEntry] {
        let (receivers, externalURL) = self.delivery.withLock { $0 }
        let posts = self.feeds.withLock { feeds in
            feeds.keys.sorted().flatMap { name in
                (feeds[name]?.posts(firing: firing, changes: changes, nowMillis: nowMillis) ?? []).map { (name, $0) }
            }
        }
        var entries: [OutboxEntry] = []
        for (name, post) in posts {
            guard let receiver = receivers[name] else { continue }
            let body = WebhookPayload.render(post.notification, for: receiver, externalURL: externalURL)
            for lane in receiver.deliveryLanes {
                entries.append(OutboxEntry(receiver: lane.name, alarm: post.notification.alarm, idempotencyKey: post.idempotencyKey, body: body))
            }
        }
        return entries
    }
}
