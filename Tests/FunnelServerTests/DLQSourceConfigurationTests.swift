import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

@Suite struct DLQSourceConfigurationTests {
    /// The issue's example, verbatim.
    @Test func readsTheIssueExample() throws {
        let configuration = try FunnelConfiguration(yaml: IssueExample.sqsSource)
        #expect(configuration.dlqSources == [
            DLQSourceConfiguration(
                pipeline: "orders", queue: "orders-dlq", intervalSeconds: 2, timeoutSeconds: 2,
                settings: .sqs(SQSSourceSettings(
                    queueURL: "http://127.0.0.1:5000/123456789012/orders-dlq", region: "us-east-1", endpoint: "http://127.0.0.1:5000"
                ))
            )
        ])
        #expect(configuration.dlqSources[0].name == "sqs:orders/orders-dlq")
    }

    @Test func readsEveryKind() throws {
        let configuration = try FunnelConfiguration(yaml: """
            dlq_sources:
              - kind: sqs
                name: orders-dlq
                pipeline: orders
                queue: orders-dlq
                queue_url: https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq
                profile: ci
                interval: 30s
              - kind: postgres
                pipeline: billing
                queue: failed-jobs
                url: postgres://app:p%40ss@db.internal:5433/jobs
                query: SELECT count(*) FROM jobs WHERE state = 'dead';
                statement_timeout: 2s
                timeout: 3s
              - kind: redis
                pipeline: mail
                queue: bounces
                host: 10.0.0.5
                port: 6380
                password: hunter2
                database: 2
                key: mail:dead
                command: xlen
            """)
        #expect(configuration.dlqSources == [
            DLQSourceConfiguration(
                name: "orders-dlq", pipeline: "orders", queue: "orders-dlq", intervalSeconds: 30,
                settings: .sqs(SQSSourceSettings(
                    queueURL: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq", region: "eu-west-1",
                    endpoint: "https://sqs.eu-west-1.amazonaws.com", profile: "ci"
                ))
            ),
            DLQSourceConfiguration(
                pipeline: "billing", queue: "failed-jobs", timeoutSeconds: 3,
                settings: .postgres(PostgresSourceSettings(
                    host: "db.internal", port: 5433, user: "app", password: "p@ss", database: "jobs",
                    query: "SELECT count(*) FROM jobs WHERE state = 'dead'", statementTimeoutSeconds: 2
                ))
            ),
            DLQSourceConfiguration(
                pipeline: "mail", queue: "bounces",
                settings: .redis(RedisSourceSettings(host: "10.0.0.5", port: 6380, password: "hunter2", database: 2, key: "mail:dead", command: .xlen))
            ),
        ])
        #expect(configuration.dlqSources.map(\.timeoutSeconds) == [5, 3, 5])
    }

    @Test func readsARedisURL() throws {
        let configuration = try FunnelConfiguration(yaml: """
            dlq_sources:
              - {kind: redis, pipeline: p, queue: q, url: "redis://:s3cret@127.0.0.1:7000/3", key: k}
            """)
        #expect(configuration.dlqSources.first?.settings == .redis(RedisSourceSettings(host: "127.0.0.1", port: 7000, password: "s3cret", database: 3, key: "k")))
    }

    /// Each error names the line, the column and the key.
    @Test(arguments: [
        ("dlq_sources:\n  - kind: kafka\n    pipeline: p\n", 2, "dlq_sources[0].kind", "must be one of sqs, postgres, redis"),
        ("dlq_sources:\n  - kind: sqs\n    pipeline: p\n    queue: q\n    region: us-east-1\n", 2, "dlq_sources[0]", "kind sqs needs queue_url"),
        ("dlq_sources:\n  - kind: sqs\n    pipeline: p\n    queue: q\n    queue_url: http://h/1/q\n    region: x\n    interval: often\n", 7, "dlq_sources[0].interval", "expected a duration"),
        ("dlq_sources:\n  - kind: sqs\n    pipeline: p\n    queue: q\n    queue_url: http://h/1/q\n    region: x\n    interval: 1s\n    timeout: 5s\n", 8, "dlq_sources[0].timeout", "must be at most interval"),
        ("dlq_sources:\n  - kind: sqs\n    pipeline: p\n    queue: q\n    queue_url: http://h/1/q\n", 5, "dlq_sources[0].queue_url", "needs region"),
        ("dlq_sources:\n  - kind: redis\n    pipeline: p\n    queue: q\n    key: k\n    query: x\n", 6, "dlq_sources[0].query", "unknown key"),
        ("dlq_sources:\n  - kind: redis\n    pipeline: p\n    queue: q\n    key: k\n    command: get\n", 6, "dlq_sources[0].command", "llen, xlen, zcard"),
        ("dlq_sources:\n  - kind: postgres\n    pipeline: p\n    queue: q\n    query: select 1; drop table x\n", 5, "dlq_sources[0].query", "single statement"),
        ("dlq_sources:\n  - kind: postgres\n    pipeline: p\n    queue: q\n    password_env: FUNNEL_TEST_UNSET_VARIABLE\n    query: select 1\n", 5, "dlq_sources[0].password_env", "is not set"),
        ("dlq_sources:\n  - kind: redis\n    pipeline: p\n    queue: q\n    key: k\n  - kind: redis\n    pipeline: p\n    queue: q\n    key: j\n", 6, "dlq_sources[1]", "declared twice"),
        ("dlq_sources:\n  - kind: redis\n    pipeline: p\n    queue: 'a b'\n    key: k\n", 4, "dlq_sources[0].queue", "may only contain"),
    ])
    func errorsNameTheLineColumnAndKey(yaml: String, line: Int, key: String, message: String) {
        #expect {
            _ = try FunnelConfiguration(yaml: yaml, file: "funnel.yml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == line && error.column != nil && error.key == key && error.message.contains(message)
                && error.description.hasPrefix("funnel.yml:\(line):")
        }
    }

    @Test func aSourceDownAlarmMustMatchASource() throws {
        let sources = """
            dlq_sources:
              - {kind: redis, pipeline: jobs, queue: dead, key: jobs:dead}
            alarms:

            """
        let configuration = try FunnelConfiguration(yaml: sources + "  - {name: down, kind: dlq_source_down, pipeline: jobs, queue: dead, for: 1m}\n")
        #expect(configuration.alarms == [
            AlarmRule(name: "down", kind: .dlqSourceDown(pipeline: "jobs", queue: "dead", source: nil), condition: AlarmCondition(.above, 0), forSeconds: 60)
        ])
        #expect {
            _ = try FunnelConfiguration(yaml: sources + "  - {name: down, kind: dlq_source_down, pipeline: jobs, source: other}\n")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == 4 && error.message == "no entry of dlq_sources matches pipeline jobs with source other; declare the source under dlq_sources:"
        }
    }

    @Test func passwordsAreNeverPrinted() throws {
        let configuration = try FunnelConfiguration(yaml: """
            dlq_sources:
              - {kind: postgres, pipeline: p, queue: q, url: "postgres://app:pg-secret@db:5432/jobs", query: select 1}
              - {kind: redis, pipeline: p, queue: r, password: redis-secret, key: k}
            """)
        for text in ["\(configuration)", String(reflecting: configuration), "\(configuration.dlqSources)"] {
            #expect(!text.contains("pg-secret"))
            #expect(!text.contains("redis-secret"))
        }
        #expect("\(configuration.dlqSources[0].settings)".contains("postgres://app:<redacted>@db:5432/jobs"))
    }
}
