import FunnelCore
import Foundation
import Yams

extension FunnelConfiguration {
    /// Reads a YAML configuration file; see ``init(yaml:file:)`` for the keys.
    public init(contentsOfFile path: String) throws(ConfigurationError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(yaml: text, file: path)
    }

    /// Parses a YAML configuration. Every key is optional; unknown keys are errors.
    ///
    /// | key | type | default |
    /// |---|---|---|
    /// | `listen` | `HOST:PORT` | `127.0.0.1:9470` |
    /// | `data_dir` | path | `./funnel-data` |
    /// | `retention` | duration | `72h` |
    /// | `idempotency_window` | duration | `24h` |
    /// | `settle_interval` | duration | `1s` |
    /// | `defaults.bucket` | duration | `1m` |
    /// | `defaults.settle_after` | duration | `5m` |
    /// | `pipelines[].name` | name | required |
    /// | `pipelines[].stages` | list of names | `[]` (discovered in first-seen order) |
    /// | `pipelines[].bucket`, `pipelines[].settle_after` | duration | from `defaults` |
    /// | `limits.max_body_bytes` | integer | `8388608` |
    /// | `limits.max_reports_per_request` | integer | `100000` |
    /// | `limits.max_pipelines` | integer | `1000` |
    /// | `limits.max_stages_per_pipeline` | integer | `100` |
    /// | `limits.max_future` | duration | `1h` |
    /// | `statsd.*` | the StatsD listener, disabled by default | see ``StatsDConfiguration/init(node:)`` |
    public init(yaml: String, file: String? = nil) throws(ConfigurationError) {
        self.init()
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(file: file, "not valid YAML: \(error)")
        }
        guard let composed else { return }
        let root = ConfigurationNode(node: composed, path: "", file: file)
        var pipelineNodes: [ConfigurationNode] = []
        var retentionNode: ConfigurationNode?
        for (key, value) in try root.mapping(allowed: [
            "listen", "data_dir", "retention", "idempotency_window", "settle_interval", "defaults", "pipelines", "limits",
            "statsd",
        ]) {
            switch key {
            case "listen":
                let text = try value.string()
                guard let (host, port) = Self.parseListenAddress(text) else {
                    throw value.error("expected HOST:PORT such as 127.0.0.1:9470, got \(String(reflecting: text))")
                }
                (self.listenHost, self.listenPort) = (host, port)
            case "data_dir":
                self.dataDirectory = try value.string()
            case "retention":
                self.ledger.retentionSeconds = try value.wholeSeconds(minimumSeconds: 60)
                retentionNode = value
            case "idempotency_window":
                self.idempotencyWindowSeconds = try value.wholeSeconds(minimumSeconds: 1)
            case "settle_interval":
                self.settleIntervalSeconds = try value.duration(minimumSeconds: 0.01)
            case "defaults":
                self.ledger.defaultSettings = try Self.settings(value, base: PipelineSettings(), allowed: ["bucket", "settle_after"])
            case "pipelines":
                pipelineNodes = try value.sequence()
            case "limits":
                try self.readLimits(value)
            case "statsd":
                self.statsd = try StatsDConfiguration(node: value)
            default:
                break
            }
        }
        var names: Set<String> = []
        for node in pipelineNodes {
            var definition = PipelineDefinition(name: "", stages: [], settings: self.ledger.defaultSettings)
            var sawName = false
            for (key, value) in try node.mapping(allowed: ["name", "stages", "bucket", "settle_after"]) {
                switch key {
                case "name":
                    definition.name = try value.name()
                    guard names.insert(definition.name).inserted else { throw value.error("pipeline \(definition.name) is declared twice") }
                    sawName = true
                case "stages":
                    var stages: [String] = []
                    for stageNode in try value.sequence() {
                        let stage = try stageNode.name()
                        guard !stages.contains(stage) else { throw stageNode.error("stage \(stage) is listed twice") }
                        stages.append(stage)
                    }
                    definition.stages = stages
                default:
                    break
                }
            }
            guard sawName else { throw node.error("a pipeline needs a name") }
            definition.settings = try Self.settings(node, base: self.ledger.defaultSettings, allowed: ["name", "stages", "bucket", "settle_after"])
            self.ledger.pipelines.append(definition)
        }
        for definition in self.ledger.pipelines + [PipelineDefinition(name: "defaults", stages: [], settings: self.ledger.defaultSettings)] {
            let needed = definition.settings.bucketSeconds + definition.settings.settleAfterSeconds
            if self.ledger.retentionSeconds <= needed {
                throw (retentionNode ?? root).error(
                    "retention (\(DurationText.format(seconds: self.ledger.retentionSeconds))) must be longer than bucket + settle_after of \(definition.name) (\(DurationText.format(seconds: needed)))"
                )
            }
        }
    }

    private static func settings(_ node: ConfigurationNode, base: PipelineSettings, allowed: [String]) throws(ConfigurationError) -> PipelineSettings {
        var settings = base
        for (key, value) in try node.mapping(allowed: allowed) {
            switch key {
            case "bucket":
                let seconds = try value.wholeSeconds(minimumSeconds: 1)
                guard 86_400 % seconds == 0 else { throw value.error("must divide a day evenly (e.g. 10s, 1m, 5m, 1h), got \(try value.string())") }
                settings.bucketSeconds = seconds
            case "settle_after":
                settings.settleAfterSeconds = try value.wholeSeconds()
            default:
                break
            }
        }
        return settings
    }

    private mutating func readLimits(_ node: ConfigurationNode) throws(ConfigurationError) {
        for (key, value) in try node.mapping(allowed: [
            "max_body_bytes", "max_reports_per_request", "max_pipelines", "max_stages_per_pipeline", "max_future",
        ]) {
            switch key {
            case "max_body_bytes": self.maximumBodyBytes = try value.integer(minimum: 1024)
            case "max_reports_per_request": self.maximumReportsPerRequest = try value.integer(minimum: 1)
            case "max_pipelines": self.ledger.maximumPipelines = try value.integer(minimum: 1)
            case "max_stages_per_pipeline": self.ledger.maximumStagesPerPipeline = try value.integer(minimum: 1)
            case "max_future": self.ledger.maximumFutureSeconds = try value.wholeSeconds()
            default: break
            }
        }
    }
}
