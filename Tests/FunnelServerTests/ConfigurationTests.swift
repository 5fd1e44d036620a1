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
}
