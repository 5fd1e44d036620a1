import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import GRDB
import HummingbirdTesting
import Testing

/// Counts near the counter maximum through the real router and SQLite: every `202` reads back exactly, before
/// and after a restart; what would pass the maximum is refused whole; no stored value can make a read trap.
@Suite struct CounterOverflowTests {
    /// One request of `times` reports of `count` at `stage`.
    static func body(_ stage: String, _ outcome: String, count: UInt64, times: Int) -> String {
        "[" + Array(repeating: #"{"pipeline":"orders","stage":"\#(stage)","outcome":"\#(outcome)","count":\#(count),"event_time":"2026-11-26T10:15:00Z"}"#, count: times)
            .joined(separator: ",") + "]"
    }

    /// Posts `outcome` at `stage` up to `StageCounts.maximum - left`.
    static func fill(_ client: some TestClientProtocol, _ stage: String, _ outcome: String, leaving left: UInt64 = 0) async throws {
        var remaining = StageCounts.maximum - left
        let largest = ReportBodyParser.maximumCount
        while remaining > 0 {
            let chunk = min(remaining, 1_000 * largest)
            var body = Self.body(stage, outcome, count: largest, times: Int(chunk / largest))
            if chunk % largest > 0 { body = String(body.dropLast()) + "," + String(Self.body(stage, outcome, count: chunk % largest, times: 1).dropFirst()) }
            let reply = try await client.postReports(body)
            #expect(reply.status == 202, "\(reply.json)")
            remaining -= chunk
        }
    }

    static func count(_ stage: [String: Any]?, _ key: String) -> UInt64? {
        (stage?[key] as? NSNumber)?.uint64Value
    }

    @Test func aRequestThatWouldPassTheMaximumIsRefusedWholeAndAcknowledgedCountsReadBackExactlyAfterARestart() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            try await Self.fill(client, "process", "passed", leaving: 10)
            try await Self.fill(client, "process", "failed")
            let refused = try await client.postReports(
                "[" + reportJSON("process", "received", count: 5) + "," + reportJSON("process", "passed", count: 11) + "]"
            )
            #expect(refused.status == 400)
            #expect(refused.json["reason"] as? String == "count_overflow")
            #expect(refused.json["field"] as? String == "count")
            #expect(refused.json["index"] as? Int == 1)
            #expect((refused.json["error"] as? String)?.contains("orders/process/passed") == true, "\(refused.json)")
            #expect(try await client.postReports(reportJSON("process", "passed", count: 10)).status == 202)
            #expect(try await client.postReports(reportJSON("process", "failed", count: 1)).json["reason"] as? String == "count_overflow")
            let stage = try await client.stage("process")
            #expect(Self.count(stage, "passed") == StageCounts.maximum)
            #expect(Self.count(stage, "failed") == StageCounts.maximum)
            #expect(Self.count(stage, "received") == 0, "nothing of the refused request was counted")
            #expect(try await client.metricValue(#"funnel_ingest_rejected_total{reason="count_overflow"}"#) == 2)
            #expect(try await client.metrics().text.contains(#"stage="process",outcome="passed"} 9007199254740991"#))
        }
        fixture.clock.advance(byMillis: 10 * minute)
        try await fixture.withClient { client in
            let stage = try await client.stage("process")
            #expect(Self.count(stage, "passed") == StageCounts.maximum, "read back exactly after a restart")
            #expect(Self.count(stage, "failed") == StageCounts.maximum)
            #expect(Self.count(stage, "excess") == 2 * StageCounts.maximum)
            #expect(try await client.postReports(reportJSON("process", "passed")).json["reason"] as? String == "count_overflow")
            #expect(try await client.getJSON("/api/v1/funnel?pipeline=orders&detail=buckets").status == 200)
        }
    }

    /// Values an older version or a damaged file left in SQLite: REALs past Int64, negatives, text, NULL-free
    /// garbage. The server starts, repairs them as it reads, and every read answers.
    @Test(arguments: ["1.9e19", "-5", "'many'", "9223372036854775807", "1e308", "X'00FF'"])
    func storedCountersThatNoValidWriteMakesNeverTrapARead(stored: String) async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let counts = try await client.postReports("[" + reportJSON("process", "received", count: 3) + "," + reportJSON("process", "passed", count: 2) + "]")
            #expect(counts.status == 202)
            let depth = try await client.postReports(#"{"pipeline":"orders","queue":"dlq","depth":4}"#)
            #expect(depth.status == 202)
        }
        fixture.clock.advance(byMillis: 10 * minute)
        let database = try DatabaseQueue(path: fixture.directory.path + "/funnel.sqlite")
        try await database.write { db in
            try db.execute(sql: "UPDATE bucket_counts SET count = \(stored)")
            try db.execute(sql: "UPDATE queue_depths SET depth = \(stored)")
            try db.execute(sql: "INSERT INTO pruned_counts (pipeline, stage, outcome, count) VALUES ('orders', 'process', 2, \(stored))")
            try db.execute(sql: "INSERT INTO pruned_counts (pipeline, stage, outcome, count) VALUES ('orders', 'process', 'failed', 1)")
            try db.execute(sql: "INSERT INTO pruned_counts (pipeline, stage, outcome, count) VALUES (7, X'FF', 1, 1)")
            try db.execute(sql: "INSERT INTO late_events (pipeline, stage, count) VALUES ('orders', 'process', \(stored))")
        }
        try database.close()
        try await fixture.withClient { client in
            #expect(try await client.getJSON("/api/v1/funnel?pipeline=orders&detail=buckets").status == 200)
            #expect(try await client.getJSON("/api/v1/funnel?pipeline=orders&from=2026-11-26T10:00:00Z&to=2026-11-26T11:00:00Z").status == 200)
            #expect(try await client.getJSON("/api/v1/dlq").status == 200)
            let metrics = try await client.metrics().text
            #expect(metrics.contains("funnel_stage_events_total"))
            let received = Self.count(try await client.stage("process"), "received")
            #expect(received.map { $0 <= StageCounts.maximum } == true, "restored within the maximum: \(String(describing: received))")
        }
    }

    /// Keys no valid write makes (a bucket start or an observation time past any calendar, names that are not
    /// text) are skipped on restore, so no read multiplies or formats them.
    @Test(arguments: [
        "UPDATE bucket_counts SET bucket_start = 9223372036854775807", "UPDATE bucket_counts SET bucket_start = -9223372036854775808",
        "UPDATE bucket_counts SET bucket_start = 'soon'", "UPDATE queue_depths SET observed_ms = -9223372036854775808",
        "UPDATE queue_depths SET observed_ms = 9223372036854775807", "UPDATE bucket_counts SET outcome = 200",
        "UPDATE bucket_counts SET stage = X'00'",
    ])
    func storedKeysThatNoValidWriteMakesAreSkippedNotTrappedOn(update: String) async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let counts = try await client.postReports("[" + reportJSON("process", "received", count: 3) + "," + #"{"pipeline":"orders","queue":"dlq","depth":4}"# + "]")
            #expect(counts.status == 202)
        }
        let database = try DatabaseQueue(path: fixture.directory.path + "/funnel.sqlite")
        try await database.write { db in try db.execute(sql: update) }
        try database.close()
        try await fixture.withClient { client in
            let funnel = try await client.getJSON("/api/v1/funnel?pipeline=orders&detail=buckets&from=0&to=2026-12-01T00:00:00Z")
            #expect(funnel.status == 200)
            #expect(try await client.getJSON("/api/v1/dlq").status == 200)
            #expect(try await client.metrics().text.contains("funnel_stage_events_total"))
        }
    }

    /// The issue's latency case: `latency_ms: 1e308` is refused, and the largest latency taken, at the largest
    /// count, keeps every read finite.
    @Test func latenciesAtTheEdgeOfTheRangeKeepEveryReadFinite() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let refused = try await client.postReports(#"{"pipeline":"orders","stage":"s","outcome":"received","count":2,"latency_ms":1e308}"#)
            #expect(refused.status == 400)
            #expect(refused.json["reason"] as? String == "number_out_of_range")
            #expect(refused.json["field"] as? String == "latency_ms")
            let edge = Array(
                repeating: #"{"pipeline":"orders","stage":"s","outcome":"received","count":1000000000000,"latency_ms":2592000000,"end_to_end_ms":2592000000}"#,
                count: 1_000
            )
            for _ in 0..<5 { #expect(try await client.postReports("[" + edge.joined(separator: ",") + "]").status == 202) }
            for window in ["1m", "5m", "1h"] {
                let funnel = try await client.getJSON("/api/v1/funnel?pipeline=orders&window=\(window)")
                #expect(funnel.status == 200)
                let latency = (funnel.json["stages"] as? [[String: Any]])?.first?["latency_ms"] as? [String: Any]
                #expect((latency?["max"] as? Double) == 2_592_000_000)
            }
            let metrics = try await client.metrics().text
            #expect(!metrics.contains("NaN"))
            #expect(!metrics.split(separator: "\n").contains { $0.hasSuffix(" +Inf") || $0.hasSuffix(" Inf") })
        }
    }
}
