import Foundation
import FunnelCore
import FunnelServer
import Testing

@Suite struct ConfigurationTests {
    @Test func emptyConfigurationMeansTheDefaults() throws {
        let configuration = try FunnelConfiguration(yaml: "")
        #expect(configuration == FunnelConfiguration())
        #expect(configuration.listenHost == "127.0.0.1")
        #expect(configuration.listenPort == 9470)
        #expect(configuration.dataDirectory == "./funnel-data")
        #expect(configuration.ledger.retentionSeconds == 72 * 3600)
        #expect(configuration.ledger.defaultSettings == PipelineSettings(bucketSeconds: 60, settleAfterSeconds: 300))
    }

    @Test func readsEveryKey() throws {
        let configuration = try FunnelConfiguration(yaml: """
            listen: 0.0.0.0:9999
            data_dir: /var/lib/funnel
            retention: 24h
            idempotency_window: 1h
            settle_interval: 500ms
            defaults:
              bucket: 30s
              settle_after: 2m
            pipelines:
              - name: orders
                stages: [ingest, process, deliver]
                bucket: 5m
              - name: billing
            latency_buckets: [0.01, 100ms, 1]
            limits:
              max_body_bytes: 1_048_576
              max_reports_per_request: 500
              max_pipelines: 10
              max_stages_per_pipeline: 8
              max_future: 10m
            """)
        #expect(configuration.listenHost == "0.0.0.0")
        #expect(configuration.listenPort == 9999)
        #expect(configuration.dataDirectory == "/var/lib/funnel")
        #expect(configuration.ledger.retentionSeconds == 86_400)
        #expect(configuration.idempotencyWindowSeconds == 3600)
        #expect(configuration.settleIntervalSeconds == 0.5)
        #expect(configuration.ledger.pipelines == [
            PipelineDefinition(name: "orders", stages: ["ingest", "process", "deliver"], settings: PipelineSettings(bucketSeconds: 300, settleAfterSeconds: 120)),
            PipelineDefinition(name: "billing", stages: [], settings: PipelineSettings(bucketSeconds: 30, settleAfterSeconds: 120)),
        ])
        #expect(configuration.maximumBodyBytes == 1_048_576)
        #expect(configuration.maximumReportsPerRequest == 500)
        #expect(configuration.ledger.maximumPipelines == 10)
        #expect(configuration.ledger.maximumStagesPerPipeline == 8)
        #expect(configuration.ledger.maximumFutureSeconds == 600)
        #expect(configuration.ledger.latencyBucketsSeconds == [0.01, 0.1, 1])
    }

    /// Each error names the line and the key.
    @Test(arguments: [
        ("listen: 127.0.0.1:9470\nretension: 72h\n", 2, "retension", "unknown key"),
        ("pipelines:\n  - name: orders\n    bucket: soon\n", 3, "pipelines[0].bucket", "expected a duration"),
        ("pipelines:\n  - name: orders\n    bucket: 7s\n", 3, "pipelines[0].bucket", "divide a day"),
        ("pipelines:\n  - stages: [a]\n", 2, "pipelines[0]", "needs a name"),
        ("pipelines:\n  - name: orders\n    stages: [a, 'b c']\n", 3, "pipelines[0].stages[1]", "may only contain"),
        ("pipelines:\n  - name: orders\n  - name: orders\n", 3, "pipelines[1].name", "declared twice"),
        ("limits:\n  max_pipelines: lots\n", 2, "limits.max_pipelines", "whole number"),
        ("listen: 9470\n", 1, "listen", "HOST:PORT"),
        ("retention: 5m\n", 1, "retention", "longer than bucket + settle_after"),
        ("pipelines:\n  - name: orders\n    slo: {delivery_ratio: 1}\n", 3, "pipelines[0].slo.delivery_ratio", "less than 1"),
        ("pipelines:\n  - name: orders\n    slo: {delivery_ratio: 99.9}\n", 3, "pipelines[0].slo.delivery_ratio", "such as 0.9999"),
        ("pipelines:\n  - name: orders\n    slo: {window: 30d}\n", 3, "pipelines[0].slo", "needs a delivery_ratio"),
        ("pipelines:\n  - name: orders\n    slo: {delivery_ratio: 0.999, window: 10m}\n", 3, "pipelines[0].slo.window", "at least 1h"),
        ("pipelines:\n  - name: orders\n    slo: {delivery_ratio: 0.999, budget: 1}\n", 3, "pipelines[0].slo.budget", "unknown key"),
    ])
    func errorsNameTheLineAndKey(yaml: String, line: Int, key: String, message: String) {
        #expect {
            _ = try FunnelConfiguration(yaml: yaml, file: "funnel.yml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == line && error.key == key && error.message.contains(message)
                && error.description.hasPrefix("funnel.yml:\(line):")
        }
    }

    @Test func pipelineSLOTakesARatioAndAWindowOfThirtyDaysByDefault() throws {
        let configuration = try FunnelConfiguration(yaml: """
            pipelines:
              - name: orders
                slo: {delivery_ratio: 0.9999, window: 7d}
              - name: billing
                slo:
                  delivery_ratio: 0.99
              - name: clicks
            """)
        #expect(configuration.ledger.pipelines.map(\.slo) == [
            DeliverySLO(deliveryRatio: 0.9999, windowSeconds: 7 * 86_400), DeliverySLO(deliveryRatio: 0.99, windowSeconds: 30 * 86_400), nil,
        ])
    }

    @Test func invalidYAMLIsAClearError() {
        #expect(throws: ConfigurationError.self) { try FunnelConfiguration(yaml: "pipelines: [\n") }
    }

    @Test(arguments: [("127.0.0.1:9470", "127.0.0.1", 9470), ("[::1]:80", "::1", 80), ("localhost:0", "localhost", 0)])
    func parsesListenAddresses(text: String, host: String, port: Int) {
        let parsed = FunnelConfiguration.parseListenAddress(text)
        #expect(parsed?.host == host)
        #expect(parsed?.port == port)
    }
}

@Suite struct ExampleConfigurationTests {
    /// `config.example.yml` documents the defaults: loading it must give exactly them.
    @Test func exampleFileHoldsTheDefaults() throws {
        let path = String(#filePath.prefix(upTo: #filePath.range(of: "/Tests/")!.lowerBound)) + "/config.example.yml"
        let configuration = try FunnelConfiguration(contentsOfFile: path)
        #expect(configuration == FunnelConfiguration())
    }

    /// Every key the loader accepts (its own tables, ``ConfigurationKeys``) is in `config.example.yml`: each top-level
    /// key as a line of its own, set or commented out, and each key below it within its section (with the comment
    /// above it).
    @Test func exampleFileListsEveryKeyTheLoaderAccepts() throws {
        let path = String(#filePath.prefix(upTo: #filePath.range(of: "/Tests/")!.lowerBound)) + "/config.example.yml"
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func topLevelKey(_ line: String) -> String? {
            let text = line.hasPrefix("# ") ? String(line.dropFirst(2)) : line
            guard let colon = text.firstIndex(of: ":") else { return nil }
            let key = String(text[..<colon])
            return ConfigurationKeys.root.contains(key) ? key : nil
        }
        let starts = lines.indices.compactMap { index in topLevelKey(lines[index]).map { (key: $0, line: index) } }
        let missing = ConfigurationKeys.root.filter { key in !starts.contains { $0.key == key } }
        #expect(missing.isEmpty, "top-level keys missing from config.example.yml: \(missing)")
        for (section, keys) in ConfigurationKeys.bySection {
            guard let start = starts.first(where: { $0.key == section }) else { continue }
            let end = starts.first(where: { $0.line > start.line })?.line ?? lines.count
            var first = start.line
            while first > 0, lines[first - 1].hasPrefix("#"), topLevelKey(lines[first - 1]) == nil { first -= 1 }
            let words = Set(lines[first..<end].joined(separator: "\n").split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init))
            let absent = keys.filter { !words.contains($0) }
            #expect(absent.isEmpty, "keys of \(section) missing from its section of config.example.yml: \(absent)")
        }
    }
}

@Suite struct AlarmConfigurationTests {
    static let receivers = """
        receivers:
          - name: oncall
            type: generic
            url: http://127.0.0.1:9999/hook
            secret: change-me

        """

    @Test func alertmanagerReceiverTakesOneURLOrACluster() throws {
        let configuration = try FunnelConfiguration(yaml: """
            receivers:
              - {name: am, type: alertmanager, url: http://am:9093}
              - {name: cluster, type: alertmanager, urls: [http://am-0:9093, http://am-1:9093], resend_interval: 30s}
            """)
        #expect(configuration.receivers == [
            WebhookReceiver(name: "am", format: .alertmanager, url: "http://am:9093"),
            WebhookReceiver(name: "cluster", format: .alertmanager, urls: ["http://am-0:9093", "http://am-1:9093"], resendIntervalSeconds: 30),
        ])
        #expect(configuration.receivers[0].resendIntervalSeconds == 60)
    }

    @Test func dlqDepthAlarmMayNameTheStageDeadLetteringIntoItsQueue() throws {
        let configuration = try FunnelConfiguration(yaml: """
            alarms:
              - {name: retry, kind: dlq_depth, pipeline: orders, queue: retry-dlq, stage: process, above: 100}
              - {name: main, kind: dlq_depth, pipeline: orders, queue: orders-dlq, above: 100}
            """)
        #expect(configuration.alarms.map(\.kind) == [
            .dlqDepth(pipeline: "orders", queue: "retry-dlq", stage: "process"), .dlqDepth(pipeline: "orders", queue: "orders-dlq"),
        ])
        #expect(configuration.alarms[0].notificationLabels["stage"] == "process")
    }

    /// The example from the alarms issue works as written.
    @Test func readsTheDocumentedExample() throws {
        let configuration = try FunnelConfiguration(yaml: Self.receivers + """
            alarms:
              - name: orders-dlq
                kind: dlq_depth
                pipeline: orders
                queue: orders-dlq
                above: 100
                clear_below: 80
                for: 0s
                receivers: [oncall]
                send_resolved: true
            """)
        #expect(configuration.receivers == [WebhookReceiver(name: "oncall", format: .generic, url: "http://127.0.0.1:9999/hook", secret: "change-me")])
        #expect(configuration.alarms == [
            AlarmRule(
                name: "orders-dlq", kind: .dlqDepth(pipeline: "orders", queue: "orders-dlq"), condition: AlarmCondition(.above, 100, clearAt: 80),
                forSeconds: 0, receivers: ["oncall"], sendResolved: true
            )
        ])
    }

    @Test func readsEveryKind() throws {
        let configuration = try FunnelConfiguration(yaml: Self.receivers + """
            alarms:
              - {name: a, kind: dlq_growth, pipeline: p, stage: s, above: 10, window: 2m}
              - {name: b, kind: silent_loss, pipeline: p, stage: s, above: 0.001}
              - {name: c, kind: transit_loss, pipeline: p, from: s, to: t, above: 0.01, window: 30m}
              - {name: d, kind: delivery_ratio, pipeline: p, below: 0.99, clear_above: 0.995}
              - {name: e, kind: latency, pipeline: p, stage: s, percentile: 99, above: 250, window: 1m, for: 5m}
              - {name: f, kind: stalled, pipeline: p, stage: t, window: 10m, repeat_interval: 1h, labels: {severity: page}}
            """)
        #expect(configuration.alarms.map(\.kind) == [
            .dlqGrowth(pipeline: "p", stage: "s", windowSeconds: 120),
            .silentLoss(pipeline: "p", stage: "s", windowSeconds: 3600),
            .transitLoss(pipeline: "p", from: "s", to: "t", windowSeconds: 1800),
            .deliveryRatio(pipeline: "p", windowSeconds: 3600),
            .latency(pipeline: "p", stage: "s", percentile: 99, window: .oneMinute),
            .stalled(pipeline: "p", stage: "t", windowSeconds: 600),
        ])
        #expect(configuration.alarms[3].condition == AlarmCondition(.below, 0.99, clearAt: 0.995))
        #expect(configuration.alarms[4].forSeconds == 300)
        #expect(configuration.alarms[5].repeatIntervalSeconds == 3600)
        #expect(configuration.alarms[5].labels == ["severity": "page"])
    }

    @Test(arguments: [
        ("  - {name: a, kind: dlq_size, pipeline: p}\n", 7, "alarms[0].kind", "must be one of"),
        ("  - {name: a, kind: dlq_depth, pipeline: p, queue: q}\n", 7, "alarms[0]", "needs above"),
        ("  - {name: a, kind: dlq_depth, pipeline: p, queue: q, above: 10, receivers: [pager]}\n", 7, "alarms[0].receivers[0]", "no receiver named"),
        ("  - {name: a, kind: dlq_depth, pipeline: p, queue: q, above: 10, clear_below: 20}\n", 7, "alarms[0].clear_below", "at most above"),
        ("  - {name: a, kind: silent_loss, pipeline: p, stage: s, above: 5}\n", 7, "alarms[0].above", "ratio between 0 and 1"),
        ("  - {name: a, kind: silent_loss, pipeline: p, stage: s, queue: q, above: 0.1}\n", 7, "alarms[0].queue", "unknown key"),
        ("  - {name: a, kind: latency, pipeline: p, above: 10, percentile: 120}\n", 7, "alarms[0].percentile", "between 0 and 100"),
        ("  - {name: a, kind: latency, pipeline: p, above: 10, window: 2m}\n", 7, "alarms[0].window", "1m, 5m or 1h"),
        ("  - {name: a, kind: dlq_depth, pipeline: p, queue: q, above: lots}\n", 7, "alarms[0].above", "expected a number"),
        ("  - {name: a, kind: dlq_depth, pipeline: p, queue: q, above: 1, for: soon}\n", 7, "alarms[0].for", "expected a duration"),
        ("  - {name: a, kind: dlq_depth, pipeline: p, queue: q, above: 1, by: tenant}\n", 7, "alarms[0].by", "unknown key"),
        ("  - {name: a, kind: delivery_ratio, pipeline: p, below: 0.9, by: tenant}\n", 7, "alarms[0].by", "declares no labels"),
    ])
    func badAlarmsAreRefusedWithLineAndKey(alarm: String, line: Int, key: String, message: String) {
        #expect {
            _ = try FunnelConfiguration(yaml: Self.receivers + "alarms:\n" + alarm, file: "funnel.yml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == line && error.key == key && error.message.contains(message)
        }
    }

    @Test func byNamesALabelThePipelineDeclares() throws {
        let pipelines = "pipelines:\n  - {name: p, stages: [s], labels: [tenant, version]}\n"
        let configuration = try FunnelConfiguration(
            yaml: pipelines + Self.receivers + "alarms:\n  - {name: a, kind: silent_loss, pipeline: p, stage: s, above: 0.01, by: version}\n"
        )
        #expect(configuration.alarms.map(\.by) == ["version"])
        #expect {
            _ = try FunnelConfiguration(yaml: pipelines + Self.receivers + "alarms:\n  - {name: a, kind: silent_loss, pipeline: p, stage: s, above: 0.01, by: region}\n")
        } throws: { error in
            (error as? ConfigurationError)?.key == "alarms[0].by"
                && (error as? ConfigurationError)?.message.contains(#"declares the labels tenant, version, not "region""#) == true
        }
    }

    @Test(arguments: [
        ("receivers:\n  - {name: x, type: pager, url: http://a}\n", 2, "receivers[0].type"),
        ("receivers:\n  - {name: x, type: slack, url: ftp://a}\n", 2, "receivers[0].url"),
        ("receivers:\n  - {name: x, type: slack}\n", 2, "receivers[0]"),
        ("receivers:\n  - {name: x, type: slack, url: http://a, secret_env: FUNNEL_TEST_UNSET_VARIABLE}\n", 2, "receivers[0].secret_env"),
        ("receivers:\n  - {name: x, type: slack, urls: [http://a, http://b]}\n", 2, "receivers[0].urls"),
        ("receivers:\n  - {name: x, type: slack, url: http://a, resend_interval: 1m}\n", 2, "receivers[0].resend_interval"),
        ("receivers:\n  - {name: x, type: alertmanager, url: http://a, urls: [http://b]}\n", 2, "receivers[0].urls"),
        ("receivers:\n  - {name: x, type: alertmanager, urls: []}\n", 2, "receivers[0].urls"),
        ("receivers:\n  - {name: x, type: alertmanager, urls: [http://a, http://a]}\n", 2, "receivers[0].urls[1]"),
        ("receivers:\n  - {name: x, type: alertmanager, url: http://a, resend_interval: 10ms}\n", 2, "receivers[0].resend_interval"),
        ("receivers:\n  - {name: x, type: alertmanager, url: http://a, resend_interval: 2d}\n", 2, "receivers[0].resend_interval"),
    ])
    func badReceiversAreRefusedWithLineAndKey(yaml: String, line: Int, key: String) {
        #expect {
            _ = try FunnelConfiguration(yaml: yaml)
        } throws: { error in
            (error as? ConfigurationError)?.line == line && (error as? ConfigurationError)?.key == key
        }
    }
}
