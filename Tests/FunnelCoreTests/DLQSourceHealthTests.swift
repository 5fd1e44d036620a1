import FunnelCore
import Testing

@Suite struct DLQSourceHealthTests {
    let identity = DLQSourceIdentity(source: "sqs:orders/orders-dlq", kind: .sqs, pipeline: "orders", queue: "orders-dlq")

    @Test func isNeitherUpNorDownBeforeTheFirstPoll() {
        let health = DLQSourceHealth(identity: self.identity)
        #expect(health.status.up == nil)
        #expect(health.status.polls == DLQSourceStatus.Polls(ok: 0, error: 0, timeout: 0))
    }

    @Test func goesDownOnFailureAndKeepsWhenItWentDown() {
        var health = DLQSourceHealth(identity: self.identity)
        health.succeeded(DLQReading(depth: 4, notVisible: 1), nowMillis: 1_000)
        health.failed(.timeout, message: "sqs:orders/orders-dlq: no answer within 5s", nowMillis: 2_000)
        health.failed(.error, message: "sqs:orders/orders-dlq: connection refused", nowMillis: 3_000)
        let status = health.status
        #expect(status.up == false)
        #expect(status.downSince == "1970-01-01T00:00:02Z")
        #expect(status.lastError == "sqs:orders/orders-dlq: connection refused")
        #expect(status.lastDepth == 4)
        #expect(status.lastSuccessUnixSeconds == 1)
        #expect(status.polls == DLQSourceStatus.Polls(ok: 1, error: 1, timeout: 1))
    }

    @Test func comesBackUpOnSuccess() {
        var health = DLQSourceHealth(identity: self.identity)
        health.failed(.error, message: "down", nowMillis: 1_000)
        health.succeeded(DLQReading(depth: 9), nowMillis: 5_000)
        #expect(health.status.up == true)
        #expect(health.status.downSince == nil)
        #expect(health.status.lastDepth == 9)
        // The last error stays visible after recovery, with its time.
        #expect(health.status.lastError == "down")
    }

    @Test func defaultNameIsKindPipelineAndQueue() {
        #expect(DLQSourceIdentity.defaultName(kind: .redis, pipeline: "jobs", queue: "dead") == "redis:jobs/dead")
    }
}
