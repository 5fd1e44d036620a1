import Foundation
import FunnelTesting
import Testing

/// Reloading the real `funnel serve` by `SIGHUP` and by `POST /-/reload`: alarms come and go, counts and alarm states
/// survive, an invalid file changes nothing.
@Suite struct ConfigurationReloadTests {
    static func config(dataDirectory: String, receiver: String, alarms: String, extra: String = "") -> String {
        """
        data_dir: \(dataDirectory)
        evaluation_interval: 200ms
        webhook:
          initial_backoff: 100ms
          max_backoff: 400ms
        receivers:
          - name: oncall
            type: generic
            url: \(receiver)/generic
        \(extra)
        alarms:
        \(alarms)
        """
    }

    static let ordersAlarm = """
          - name: orders-dlq
            kind: dlq_depth
            pipeline: orders
            queue: orders-dlq
            above: 100
            for: 0s
            receivers: [oncall]
            send_resolved: true
        """

    static let paymentsAlarm = """
          - name: payments-dlq
            kind: dlq_depth
            pipeline: payments
            queue: payments-dlq
            above: 10
            for: 0s
            receivers: [oncall]
        """

    static func alarms(_ url: String, headers: [(String, String)] = []) async throws -> [String: String] {
        let json = try await TestHTTP.get(url + "/api/v1/alarms", headers: headers).json() as? [String: Any]
        let list = json?["alarms"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "?", $0["state"] as? String ?? "?") })
    }

    static func metric(_ url: String, _ name: String, headers: [(String, String)] = []) async throws -> String? {
        let body = try await TestHTTP.get(url + "/metrics", headers: headers).body
        return body.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map { String($0.dropFirst(name.count + 1)) }
    }

    @Test func sighupAddsANewAlarmInactiveAndResolvesARemovedFiringOne() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.file("data")
        let config = try directory.write(Self.config(dataDirectory: data, receiver: receiver.url, alarms: Self.ordersAlarm), to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }

        #expect(try await TestHTTP.post(url + "/v1/reports", body: #"{"pipeline":"orders","queue":"orders-dlq","depth":340}"#).status == 202)
        #expect(try await TestHTTP.post(url + "/v1/reports", body: #"{"pipeline":"orders","stage":"api","outcome":"received","count":7}"#).status == 202)
        let firing = try await Deadline.poll("the firing notification") { receiver.captures.first }
        #expect(firing.json["status"] as? String == "firing")
        let reloadedBefore = try #require(try await Self.metric(url, "funnel_config_last_reload_success_timestamp_seconds").flatMap(Double.init))

        _ = try directory.write(Self.config(dataDirectory: data, receiver: receiver.url, alarms: Self.paymentsAlarm), to: "funnel.yml")
        kill(server.process.processIdentifier, SIGHUP)

        let resolved = try await Deadline.poll("the removed alarm to resolve") { receiver.captures.count >= 2 ? receiver.captures[1] : nil }
        #expect(resolved.json["status"] as? String == "resolved")
        #expect(((resolved.json["alerts"] as? [[String: Any]])?.first?["labels"] as? [String: String])?["alertname"] == "orders-dlq")
        let alarms = try await Deadline.poll("the new alarm to be listed") { () -> [String: String]? in
            let alarms = try await Self.alarms(url)
            return alarms["payments-dlq"] == nil ? nil : alarms
        }
        #expect(alarms == ["payments-dlq": "inactive"])
        #expect(server.process.isRunning)
        #expect(try await Self.metric(url, "funnel_config_last_reload_successful") == "1")
        let reloadedAfter = try #require(try await Self.metric(url, "funnel_config_last_reload_success_timestamp_seconds").flatMap(Double.init))
        #expect(reloadedAfter >= reloadedBefore)
        // The depth counted before the reload is still there, and the new alarm sees new reports.
        let queues = try await TestHTTP.get(url + "/api/v1/dlq").body
        #expect(queues.contains(#""depth":340"#))
        #expect(try await Self.metric(url, #"funnel_stage_events_total{pipeline="orders",stage="api",outcome="received"}"#) == "7")
        #expect(try await TestHTTP.post(url + "/v1/reports", body: #"{"pipeline":"payments","queue":"payments-dlq","depth":11}"#).status == 202)
        let newFiring = try await Deadline.poll("the new alarm to fire") { receiver.captures.count >= 3 ? receiver.captures[2] : nil }
        #expect(((newFiring.json["alerts"] as? [[String: Any]])?.first?["labels"] as? [String: String])?["alertname"] == "payments-dlq")

        #expect(try await server.stop() == 0)
        await receiver.stop()
    }

    @Test func reloadEndpointReportsRestartOnlySettingsAndAnInvalidFileChangesNothing() async throws {
        let receiver = try await CapturingWebhookReceiver()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.file("data")
        let config = try directory.write(Self.config(dataDirectory: data, receiver: receiver.url, alarms: Self.ordersAlarm), to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }

        let changed = Self.config(
            dataDirectory: data, receiver: receiver.url, alarms: Self.ordersAlarm + "\n" + Self.paymentsAlarm,
            extra: "timeouts:\n  idle: 90s\npipelines:\n  - name: payments\n    stages: [api, ledger]"
        )
        _ = try directory.write(changed, to: "funnel.yml")
        let reply = try await TestHTTP.post(url + "/-/reload", body: "")
        #expect(reply.status == 200)
        let answer = try #require(try reply.json() as? [String: Any])
        #expect(answer["reloaded"] as? Bool == true)
        #expect(answer["restart_required"] as? [String] == ["timeouts.idle"])
        #expect(try await Self.alarms(url) == ["orders-dlq": "inactive", "payments-dlq": "inactive"])
        let pipelines = try await TestHTTP.get(url + "/api/v1/pipelines").body
        #expect(pipelines.contains(#""name":"payments""#))
        #expect(pipelines.contains(#""stages":["api","ledger"]"#))

        _ = try directory.write(changed + "\n  - name: broken\n    kind: no_such_kind\n", to: "funnel.yml")
        let refused = try await TestHTTP.post(url + "/-/reload", body: "")
        #expect(refused.status == 400)
        let problem = try #require(try refused.json() as? [String: Any])
        #expect(problem["reloaded"] as? Bool == false)
        let message = try #require(problem["error"] as? String)
        #expect(message.hasPrefix(config + ":"), "names the file and line: \(message)")
        #expect(message.contains("kind"))
        #expect(try await Self.metric(url, "funnel_config_last_reload_successful") == "0")
        #expect(try await Self.alarms(url) == ["orders-dlq": "inactive", "payments-dlq": "inactive"])

        // A SIGHUP with the invalid file keeps serving too; fixing the file brings the gauge back to 1.
        kill(server.process.processIdentifier, SIGHUP)
        _ = try await Deadline.poll("the failed reload to be logged") { server.standardError.contains("configuration reload failed") && server.standardError.components(separatedBy: "configuration reload failed").count >= 3 ? true : nil }
        #expect(server.process.isRunning)
        _ = try directory.write(changed, to: "funnel.yml")
        #expect(try await TestHTTP.post(url + "/-/reload", body: "").status == 200)
        #expect(try await Self.metric(url, "funnel_config_last_reload_successful") == "1")
        #expect(try await server.stop() == 0)
        await receiver.stop()
    }

    @Test func reloadEndpointTakesAnIngestOrReadTokenWhenTokensAreConfigured() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write("data_dir: \(directory.file("data"))\nread_tokens: [reader]\ningest_tokens: [writer]\n", to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        #expect(try await TestHTTP.post(url + "/-/reload", body: "").status == 401)
        #expect(try await TestHTTP.post(url + "/-/reload", body: "", headers: [("Authorization", "Bearer nope")]).status == 401)
        #expect(try await TestHTTP.post(url + "/-/reload", body: "", headers: [("Authorization", "Bearer reader")]).status == 200)
        #expect(try await TestHTTP.post(url + "/-/reload", body: "", headers: [("Authorization", "Bearer writer")]).status == 200)

        // A reload replaces the tokens.
        _ = try directory.write("data_dir: \(directory.file("data"))\nread_tokens: [reader2]\ningest_tokens: [writer]\n", to: "funnel.yml")
        #expect(try await TestHTTP.post(url + "/-/reload", body: "", headers: [("Authorization", "Bearer writer")]).status == 200)
        #expect(try await TestHTTP.get(url + "/api/v1/pipelines", headers: [("Authorization", "Bearer reader")]).status == 401)
        #expect(try await TestHTTP.get(url + "/api/v1/pipelines", headers: [("Authorization", "Bearer reader2")]).status == 200)
        #expect(try await server.stop() == 0)
    }

    @Test func aReloadStartsPollingANewDLQSourceAndStopsARemovedOne() async throws {
        let redis = try await QueueServers.redis.value()
        let key = uniqueName("list")
        try await redis.command(["RPUSH", key, "a", "b", "c"])
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = "data_dir: \(directory.file("data"))\n"
        let config = try directory.write(base, to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        #expect(try await TestHTTP.get(url + "/api/v1/dlq/sources").body == #"{"sources":[]}"#)

        let source = "dlq_sources:\n  - {name: mail-dlq, kind: redis, pipeline: mail, queue: mail-dlq, port: \(redis.port), key: \(key), interval: 200ms}\n"
        _ = try directory.write(base + source, to: "funnel.yml")
        let reply = try await TestHTTP.post(url + "/-/reload", body: "")
        #expect(reply.status == 200, "\(reply.body)")
        #expect(try reply.json() as? [String: Any] != nil)
        _ = try await Deadline.poll("the new source's depth") { () -> Bool? in
            try await TestHTTP.get(url + "/api/v1/dlq").body.contains(#""depth":3"#) ? true : nil
        }
        #expect(try await TestHTTP.get(url + "/metrics").body.contains(#"funnel_dlq_source_up{source="mail-dlq",kind="redis",pipeline="mail",queue="mail-dlq"} 1"#))

        _ = try directory.write(base, to: "funnel.yml")
        kill(server.process.processIdentifier, SIGHUP)
        _ = try await Deadline.poll("the removed source to leave the list") { () -> Bool? in
            try await TestHTTP.get(url + "/api/v1/dlq/sources").body == #"{"sources":[]}"# ? true : nil
        }
        // The depth it read stays, as a reported one would; no new poll updates it.
        try await redis.command(["RPUSH", key, "d"])
        try await Task.sleep(for: .milliseconds(600))
        #expect(try await TestHTTP.get(url + "/api/v1/dlq").body.contains(#""depth":3"#))
        #expect(try await server.stop() == 0)
    }
}
