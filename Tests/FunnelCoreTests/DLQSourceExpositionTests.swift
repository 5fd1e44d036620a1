import Foundation
import FunnelCore
import Testing

@Suite struct DLQSourceExpositionTests {
    @Test func writesSourceHealthFamiliesExactly() {
        var sqs = DLQSourceHealth(identity: DLQSourceIdentity(source: "sqs:orders/orders-dlq", kind: .sqs, pipeline: "orders", queue: "orders-dlq"))
        sqs.succeeded(DLQReading(depth: 7, notVisible: 2, oldestAgeSeconds: 31), nowMillis: 1_795_688_100_500)
        var redis = DLQSourceHealth(identity: DLQSourceIdentity(source: "jobs-dead", kind: .redis, pipeline: "jobs", queue: "dead"))
        redis.failed(.timeout, message: "jobs-dead: no answer", nowMillis: 1_795_688_100_000)
        redis.failed(.error, message: "jobs-dead: refused", nowMillis: 1_795_688_101_000)
        let pending = DLQSourceHealth(identity: DLQSourceIdentity(source: "pg", kind: .postgres, pipeline: "jobs", queue: "failed"))
        var writer = ExpositionWriter(format: .prometheusText)
        DLQSourceList(sources: [sqs.status, redis.status, pending.status]).emit(into: &writer)
        #expect(String(decoding: writer.finish(), as: UTF8.self) == """
            # HELP funnel_dlq_source_up 1 when the last poll of a DLQ source succeeded, 0 when it failed or timed out (absent before the first poll).
            # TYPE funnel_dlq_source_up gauge
            funnel_dlq_source_up{source="sqs:orders/orders-dlq",kind="sqs",pipeline="orders",queue="orders-dlq"} 1
            funnel_dlq_source_up{source="jobs-dead",kind="redis",pipeline="jobs",queue="dead"} 0
            # HELP funnel_dlq_source_polls_total Polls of each DLQ source, by result (ok, error, timeout).
            # TYPE funnel_dlq_source_polls_total counter
            funnel_dlq_source_polls_total{source="sqs:orders/orders-dlq",result="ok"} 1
            funnel_dlq_source_polls_total{source="sqs:orders/orders-dlq",result="error"} 0
            funnel_dlq_source_polls_total{source="sqs:orders/orders-dlq",result="timeout"} 0
            funnel_dlq_source_polls_total{source="jobs-dead",result="ok"} 0
            funnel_dlq_source_polls_total{source="jobs-dead",result="error"} 1
            funnel_dlq_source_polls_total{source="jobs-dead",result="timeout"} 1
            funnel_dlq_source_polls_total{source="pg",result="ok"} 0
            funnel_dlq_source_polls_total{source="pg",result="error"} 0
            funnel_dlq_source_polls_total{source="pg",result="timeout"} 0
            # HELP funnel_dlq_source_last_success_timestamp_seconds Unix time of the last successful poll of each DLQ source.
            # TYPE funnel_dlq_source_last_success_timestamp_seconds gauge
            funnel_dlq_source_last_success_timestamp_seconds{source="sqs:orders/orders-dlq"} 1795688100.5
            # HELP funnel_dlq_source_not_visible_messages SQS: messages received by a consumer and not yet deleted, at the last successful poll.
            # TYPE funnel_dlq_source_not_visible_messages gauge
            funnel_dlq_source_not_visible_messages{source="sqs:orders/orders-dlq"} 2
            # HELP funnel_dlq_source_oldest_message_age_seconds Age of the oldest message, where the queue reports it, at the last successful poll.
            # TYPE funnel_dlq_source_oldest_message_age_seconds gauge
            funnel_dlq_source_oldest_message_age_seconds{source="sqs:orders/orders-dlq"} 31

            """)
    }

    @Test func writesNoSourceFamiliesWithoutSources() {
        var writer = ExpositionWriter(format: .prometheusText)
        DLQSourceList(sources: []).emit(into: &writer)
        #expect(writer.finish().isEmpty)
    }
}
