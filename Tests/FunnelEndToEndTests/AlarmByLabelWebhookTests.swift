import Foundation
import FunnelCore
import FunnelTesting
import Testing

/// A `by: tenant` alarm end to end: the real `funnel serve`, labelled reports, a real HTTP receiver.
@Suite struct AlarmByLabelWebhookTests {
    static func config(receiver: String) -> String {
        """
        data_dir: data
        evaluation_interval: 200ms
        webhook:
          max_attempts: 50
          initial_backoff: 100ms
          max_backoff: 400ms
        pipelines:
          - name: events
            stages: [ingest, deliver]
            labels: [tenant]
        receivers:
          - name: oncall
            type: generic
            url: \(receiver)/generic
        alarms:
          - name: tenant-delivery
            kind: delivery_ratio
            pipeline: events
            by: tenant
            below: 0.99
            window: 1h
            for: 0s
            receivers: [oncall]
            send_resolved: true
            labels:
              severity: page
        """
    }

    static func reports(tenant: String, received: Int, delivered: Int, at millis: Int64) -> String {
        let time = EventTimestamp.formatRFC3339(millis: millis)
        return [("ingest", "received", received), ("ingest", "passed", received), ("deliver", "received", received), ("deliver", "passed", delivered)]
            .map { stage, outcome, count in
                #"{"pipeline":"events","stage":"\#(stage)","outcome":"\#(outcome)","count":\#(count),"event_time":"\#(time)","labels":{"tenant":"\#(tenant)"}}"#
            }
            .joined(separator: ",")
    }

    @Test func valuesThatCrossTogetherArriveAsOneMessageAndEachHasItsOwnStateAndSeries() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configPath = try directory.write(Self.config(receiver: receiver.url), to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", configPath, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }

        let t0 = (nowMillis() - 20 * 60_000) / 60_000 * 60_000
        let body = [
            Self.reports(tenant: "acme", received: 100, delivered: 70, at: t0),
            Self.reports(tenant: "globex", received: 100, delivered: 100, at: t0),
            Self.reports(tenant: "initech", received: 200, delivered: 180, at: t0),
        ].joined(separator: ",")
        let posted = try await TestHTTP.post(url + "/v1/reports", body: "[" + body + "]")
        #expect(posted.status == 202, "\(posted.body)")

        let firing = try await Deadline.poll("one firing message") { receiver.captures.first }
        let message = try #require(try JSONSerialization.jsonObject(with: Data(firing.body.utf8)) as? [String: Any])
        let alerts = try #require(message["alerts"] as? [[String: Any]])
        let tenants = alerts.compactMap { ($0["labels"] as? [String: String])?["tenant"] }
        #expect(tenants.sorted() == ["acme", "initech"], "globex delivered everything")
        #expect(alerts.allSatisfy { $0["status"] as? String == "firing" })
        #expect((message["commonLabels"] as? [String: String])?["alertname"] == "tenant-delivery")
        #expect((message["commonLabels"] as? [String: String])?["tenant"] == nil, "the value differs between the alerts")
        let summaries = alerts.compactMap { ($0["annotations"] as? [String: String])?["summary"] }
        #expect(summaries.contains { $0.contains("acme") && $0.contains("70") }, "\(summaries)")

        let listed = try await TestHTTP.get(url + "/api/v1/alarms").json() as? [String: Any]
        let statuses = try #require(listed?["alarms"] as? [[String: Any]])
        let states = Dictionary(
            uniqueKeysWithValues: statuses.compactMap { status -> (String, String)? in
                guard let group = status["group"] as? [String: String], let value = group["value"], let state = status["state"] as? String else { return nil }
                return (value, state)
            }
        )
        #expect(states == ["acme": "firing", "globex": "inactive", "initech": "firing"])

        let metrics = try await TestHTTP.get(url + "/metrics").body
        #expect(metrics.contains(#"funnel_alarm_state{alarm="tenant-delivery",pipeline="events",severity="page",tenant="acme"} 2"#), "one series per value")
        #expect(metrics.contains(#"funnel_alarm_state{alarm="tenant-delivery",pipeline="events",severity="page",tenant="globex"} 0"#))

        // initech's missing 20 are replayed into the same bucket: only initech resolves.
        let late = #"{"pipeline":"events","stage":"deliver","outcome":"passed","count":20,"event_time":"\#(EventTimestamp.formatRFC3339(millis: t0))","labels":{"tenant":"initech"}}"#
        #expect(try await TestHTTP.post(url + "/v1/reports", body: late).status == 202)
        let resolved = try await Deadline.poll("initech resolved") { () -> [String: Any]? in
            for capture in receiver.captures.dropFirst() {
                guard let json = try? JSONSerialization.jsonObject(with: Data(capture.body.utf8)) as? [String: Any], json["status"] as? String == "resolved" else { continue }
                return json
            }
            return nil
        }
        let resolvedTenants = (resolved["alerts"] as? [[String: Any]] ?? []).compactMap { ($0["labels"] as? [String: String])?["tenant"] }
        #expect(resolvedTenants == ["initech"])
        let after = try await TestHTTP.get(url + "/metrics").body
        #expect(after.contains(#"funnel_alarm_state{alarm="tenant-delivery",pipeline="events",severity="page",tenant="acme"} 2"#), "acme still firing")
        #expect(after.contains(#"funnel_alarm_state{alarm="tenant-delivery",pipeline="events",severity="page",tenant="initech"} 0"#))
    }

    @Test func aRestartKeepsEachValuesStateAndFiresNothingAgain() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configPath = try directory.write(Self.config(receiver: receiver.url), to: "funnel.yml")
        let t0 = (nowMillis() - 20 * 60_000) / 60_000 * 60_000
        let (first, url) = try await FunnelProcess.serve(["--config", configPath, "--listen", "127.0.0.1:0"], directory: directory.path)
        let body = Self.reports(tenant: "acme", received: 100, delivered: 70, at: t0) + "," + Self.reports(tenant: "globex", received: 100, delivered: 100, at: t0)
        #expect(try await TestHTTP.post(url + "/v1/reports", body: "[" + body + "]").status == 202)
        _ = try await Deadline.poll("acme fires") { receiver.captures.first }
        #expect(try await first.stop() == 0)

        let (second, secondURL) = try await FunnelProcess.serve(["--config", configPath, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await second.stop() } }
        _ = try await Deadline.poll("acme firing after the restart") { () -> Bool? in
            let listed = try await TestHTTP.get(secondURL + "/api/v1/alarms").json() as? [String: Any]
            let statuses = listed?["alarms"] as? [[String: Any]] ?? []
            return statuses.contains { ($0["group"] as? [String: String])?["value"] == "acme" && $0["state"] as? String == "firing" } ? true : nil
        }
        try await Task.sleep(for: .seconds(2))
        #expect(receiver.captures.count == 1, "the restored firing value is not notified again: \(receiver.captures.map(\.body))")
    }

    @Test func checkConfigRefusesByALabelThePipelineDoesNotDeclare() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let broken = Self.config(receiver: "http://127.0.0.1:1").replacingOccurrences(of: "by: tenant", with: "by: region")
        let path = try directory.write(broken, to: "funnel.yml")
        let check = try FunnelProcess(["check-config", path], directory: directory.path, logName: "check")
        #expect(try await check.waitForExit() != 0)
        let output = check.standardOutput + check.standardError
        #expect(output.contains(#"alarms[0].by: pipeline events declares the labels tenant, not "region""#), "\(output)")
    }
}
