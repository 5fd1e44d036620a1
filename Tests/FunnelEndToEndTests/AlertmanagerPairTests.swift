import Foundation
import FunnelTesting
import Testing

/// A highly available pair: two real `funnel serve` processes fed the same reports, both posting to one real
/// Alertmanager, which deduplicates them into one notification per group.
@Suite struct AlertmanagerPairTests {
    /// Posts `body` to every server still running (a sender posts to both; one that is down refuses it).
    static func feed(_ urls: [String], _ body: String) async {
        for url in urls { _ = try? await TestHTTP.post(url + "/v1/reports", body: body) }
    }

    /// Notifications behind Alertmanager for `alarm` with `status`.
    static func count(_ receiver: CapturingWebhookReceiver, _ alarm: String, _ status: String) -> Int {
        AlertmanagerReceiverTests.notifications(receiver).filter { $0.status == status && $0.alerts == [alarm] }.count
    }

    @Test(arguments: [0, 1]) func pairSendsOneNotificationPerGroupAndKillingEitherServerLosesNone(killed: Int) async throws {
        let receiver = try await CapturingWebhookReceiver()
        let alertmanager = try await AlertmanagerProcess(webhook: receiver.url + "/hook", groupBy: ["alertname"])
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var servers: [FunnelProcess] = []
        var urls: [String] = []
        for name in ["a", "b"] {
            let config = try directory.write(
                AlertmanagerReceiverTests.config(alertmanager: alertmanager.baseURL, dataDirectory: directory.file("data-\(name)"), resend: "1s"), to: "funnel-\(name).yml"
            )
            let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path, logName: name)
            servers.append(server)
            urls.append(url)
        }
        defer { for server in servers { _ = Task { try await server.stop() } } }

        await Self.feed(urls, AlertmanagerReceiverTests.depth(150))
        _ = try await Deadline.poll("the firing notification") { Self.count(receiver, "OrdersDLQDeep", "firing") > 0 ? true : nil }
        // Both servers post, again and again (every 1s, endsAt 4s ahead: a loaded machine does not let the alert lapse),
        // for many of Alertmanager's group intervals (300ms).
        _ = try await Deadline.poll("five posts from each server") { () -> Bool? in
            for url in urls where try await AlertmanagerReceiverTests.deliveries(url) < 5 { return nil }
            return true
        }
        #expect(Self.count(receiver, "OrdersDLQDeep", "firing") == 1, "one notification for both servers: \(AlertmanagerReceiverTests.notifications(receiver))")

        #expect(try await servers[killed].stop(signal: SIGKILL) != 0)
        let survivor = urls[1 - killed]
        await Self.feed(urls, AlertmanagerReceiverTests.depth(150, queue: "retry-dlq"))
        _ = try await Deadline.poll("the notification of an alarm firing after the kill") {
            Self.count(receiver, "OrdersRetryDLQDeep", "firing") > 0 ? true : nil
        }
        await Self.feed(urls, AlertmanagerReceiverTests.depth(10))
        _ = try await Deadline.poll("the resolution after the kill") { Self.count(receiver, "OrdersDLQDeep", "resolved") > 0 ? true : nil }
        let before = try await AlertmanagerReceiverTests.deliveries(survivor)
        _ = try await Deadline.poll("five more posts from the survivor") { try await AlertmanagerReceiverTests.deliveries(survivor) >= before + 5 ? true : nil }
        let notifications = AlertmanagerReceiverTests.notifications(receiver)
        #expect(Self.count(receiver, "OrdersDLQDeep", "firing") == 1, "\(notifications)")
        #expect(Self.count(receiver, "OrdersRetryDLQDeep", "firing") == 1, "\(notifications)")
        #expect(Self.count(receiver, "OrdersDLQDeep", "resolved") == 1, "\(AlertmanagerReceiverTests.notifications(receiver))")
        try await servers[1 - killed].stop()
        await receiver.stop()
    }
}
