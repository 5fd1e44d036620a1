import FunnelCore
import Testing

/// What an `alertmanager` receiver is posted, tick by tick: firing alarms again and again, resolved ones once.
@Suite struct AlertmanagerFeedTests {
    static let t0: Int64 = 1_795_688_100_000

    static func firing(_ alarm: String, startsAt: Int64 = t0, receivers: [String] = ["am"]) -> AlarmNotification {
        AlarmNotification(
            alarm: alarm, status: .firing, labels: ["alertname": alarm], annotations: [:], startsAtMillis: startsAt, endsAtMillis: nil,
            fingerprint: "f-\(alarm)", value: 1, threshold: 0, summary: alarm, context: nil, receivers: receivers, sequence: 0
        )
    }

    @Test func firingAlarmIsPostedAtOnceThenEveryResendIntervalWithEndsAtFourIntervalsAhead() {
        var feed = AlertmanagerFeed(receiver: "am", resendMillis: 1000)
        let alarm = Self.firing("deep")
        let first = feed.posts(firing: [alarm], changes: [alarm], nowMillis: Self.t0)
        #expect(first.map(\.notification.endsAtMillis) == [Self.t0 + 4000])
        #expect(feed.posts(firing: [alarm], changes: [], nowMillis: Self.t0 + 999).isEmpty)
        let again = feed.posts(firing: [alarm], changes: [], nowMillis: Self.t0 + 1000)
        #expect(again.map(\.notification.endsAtMillis) == [Self.t0 + 5000])
        #expect(again.map(\.notification.status) == [.firing])
        #expect(again.first?.idempotencyKey != first.first?.idempotencyKey, "each post is a delivery of its own")
    }

    @Test func alarmThatStopsFiringIsPostedOnceAsResolvedWithEndsAtNow() {
        var feed = AlertmanagerFeed(receiver: "am", resendMillis: 1000)
        _ = feed.posts(firing: [Self.firing("deep")], changes: [], nowMillis: Self.t0)
        // Stopped without a resolved notification (send_resolved: false, or the rule was removed).
        let resolved = feed.posts(firing: [], changes: [], nowMillis: Self.t0 + 300)
        #expect(resolved.map(\.notification.status) == [.resolved])
        #expect(resolved.map(\.notification.endsAtMillis) == [Self.t0 + 300])
        #expect(feed.posts(firing: [], changes: [], nowMillis: Self.t0 + 5000).isEmpty)
    }

    @Test func resolvedNotificationOfTheTickIsTheResolvedPost() {
        var feed = AlertmanagerFeed(receiver: "am", resendMillis: 1000)
        _ = feed.posts(firing: [Self.firing("deep")], changes: [], nowMillis: Self.t0)
        var cleared = Self.firing("deep")
        cleared.status = .resolved
        cleared.endsAtMillis = Self.t0 + 200
        cleared.annotations = ["summary": "deep 3"]
        let posts = feed.posts(firing: [], changes: [cleared], nowMillis: Self.t0 + 200)
        #expect(posts.map(\.notification) == [cleared])
    }

    @Test func onlyAlarmsRoutedToTheReceiverAreFed() {
        var feed = AlertmanagerFeed(receiver: "am", resendMillis: 1000)
        let posts = feed.posts(firing: [Self.firing("deep"), Self.firing("chat-only", receivers: ["chat"])], changes: [], nowMillis: Self.t0)
        #expect(posts.map(\.notification.alarm) == ["deep"])
    }

    @Test func newFiringPeriodIsPostedAtOnce() {
        var feed = AlertmanagerFeed(receiver: "am", resendMillis: 60_000)
        _ = feed.posts(firing: [Self.firing("deep")], changes: [], nowMillis: Self.t0)
        let refired = Self.firing("deep", startsAt: Self.t0 + 500)
        let posts = feed.posts(firing: [refired], changes: [refired], nowMillis: Self.t0 + 500)
        #expect(posts.map(\.notification.startsAtMillis) == [Self.t0 + 500])
    }
}
