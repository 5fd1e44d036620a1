import Foundation
import FunnelTesting
import Testing

/// `funnel check-config` on the `dlq_sources:` section.
@Suite struct DLQSourceCheckConfigTests {
    @Test(arguments: [
        ("dlq_sources:\n  - kind: rabbitmq\n    pipeline: orders\n", "bad.yml:2:11: dlq_sources[0].kind: must be one of sqs, postgres, redis; got \"rabbitmq\""),
        ("dlq_sources:\n  - kind: sqs\n    pipeline: orders\n    queue: orders-dlq\n    region: us-east-1\n", "bad.yml:2:5: dlq_sources[0]: kind sqs needs queue_url"),
        ("dlq_sources:\n  - {kind: redis, pipeline: p, queue: q, key: k, interval: soon}\n", "bad.yml:2:60: dlq_sources[0].interval: expected a duration like 30s, 5m or 72h, got \"soon\""),
    ])
    func namesTheLineColumnAndKey(yaml: String, expected: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bad = try directory.write(yaml, to: "bad.yml")
        let check = try FunnelProcess(["check-config", bad], directory: directory.path, logName: "check")
        #expect(try await check.waitForExit() == 1)
        #expect(check.standardOutput.contains(expected), "\(check.standardOutput)")
    }

    @Test func acceptsTheIssueExample() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = try directory.write(IssueExample.sqsSource, to: "good.yml")
        let check = try FunnelProcess(["check-config", good], directory: directory.path, logName: "check")
        #expect(try await check.waitForExit() == 0)
        #expect(check.standardOutput.contains("OK"))
    }
}
