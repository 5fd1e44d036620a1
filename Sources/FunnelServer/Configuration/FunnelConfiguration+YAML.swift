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
    /// | `pipelines[].labels` | list of label names | `[]` (reports carry no labels) |
    /// | `pipelines[].slo.delivery_ratio` | number in (0, 1) | none: no objective |
    /// | `pipelines[].slo.window` | duration, at least `1h` | `30d` |
    /// | `limits.max_body_bytes` | integer | `8388608` |
    /// | `limits.max_reports_per_request` | integer | `100000` |
    /// | `limits.max_pipelines` | integer | `1000` |
    /// | `limits.max_stages_per_pipeline` | integer | `100` |
    /// | `limits.max_future` | duration | `1h` |
    /// | `limits.max_queues` | integer | `1000` |
    /// | `limits.max_label_values`, `limits.max_label_sets` | integer | `1000`, `10000` |
    /// | `limits.max_connections` | integer | open-file limit less 128, at most `4096` |
    /// | `limits.min_body_bytes_per_second` | number | `1024` |
    /// | `timeouts.idle`, `timeouts.body`, `timeouts.header`, `timeouts.body_grace` | duration | `60s`, `30s`, `5s`, `2s` |
    /// | `latency_buckets` | list of seconds (or durations) | `0.001` ... `60` (15 bounds) |
    /// | `dlq.stale_after` | duration | `5m` |
    /// | `external_url`, `evaluation_interval`, `webhook.*`, `receivers`, `alarms` | see `config.example.yml` | |
    /// | `statsd.*` | the StatsD listener, disabled by default | see ``StatsDConfiguration/init(node:)`` |
    /// | `dlq_sources` | queues whose depth Funnel polls, none by default | see ``DLQSourceConfiguration/list(_:environment:)`` |
    /// | `log_format` | `text`, `logfmt` or `json` | `text` |
    /// | `comparisons[].name`, `.baseline`, `.candidate` | names; baseline and candidate differ | none |
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
        var receiverNode: ConfigurationNode?
        var alarmNode: ConfigurationNode?
        var sourceNode: ConfigurationNode?
        var comparisonNode: ConfigurationNode?
        for (key, value) in try root.mapping(allowed: ConfigurationKeys.root) {
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
                self.ledger.defaultSettings = try Self.settings(value, base: PipelineSettings(), allowed: ConfigurationKeys.defaults)
            case "pipelines":
                pipelineNodes = try value.sequence()
            case "limits":
                try self.readLimits(value)
            case "statsd":
                self.statsd = try StatsDConfiguration(node: value)
            case "latency_buckets":
                var bounds: [Double] = []
                for boundNode in try value.sequence() {
                    let text = try boundNode.string()
                    let bound: Double
                    if let seconds = Double(text) { bound = seconds } else { bound = try boundNode.duration() }
                    guard bound > 0 else { throw boundNode.error("must be more than 0 seconds") }
                    guard bound > (bounds.last ?? 0) else { throw boundNode.error("bounds must increase, got \(try boundNode.string()) after \(bounds.last ?? 0)s") }
                    bounds.append(bound)
                }
                guard !bounds.isEmpty else { throw value.error("needs at least one bound") }
                self.ledger.latencyBucketsSeconds = bounds
            case "tls":
                for (tlsKey, tlsValue) in try value.mapping(allowed: ConfigurationKeys.tls) {
                    let path = try tlsValue.string()
                    guard FileManager.default.isReadableFile(atPath: path) else { throw tlsValue.error("cannot read \(path)") }
                    if tlsKey == "certificate" { self.tlsCertificatePath = path } else { self.tlsKeyPath = path }
                }
                guard (self.tlsCertificatePath == nil) == (self.tlsKeyPath == nil) else { throw value.error("needs both certificate and key") }
            case "durability":
                let text = try value.string()
                guard let durability = Durability(rawValue: text) else { throw value.error("must be full, normal or memory; got \(String(reflecting: text))") }
                self.durability = durability
            case "ingest_tokens":
                self.ingestTokens += try value.sequence().map { node throws(ConfigurationError) in try node.string() }
            case "read_tokens":
                self.readTokens += try value.sequence().map { node throws(ConfigurationError) in try node.string() }
            case "ingest_tokens_file", "read_tokens_file":
                let path = try value.string()
                let tokens: [String]
                do {
                    tokens = try AccessTokens.lines(ofFile: path)
                } catch {
                    throw value.error("cannot read \(path): \(error.localizedDescription)")
                }
                if key == "ingest_tokens_file" { self.ingestTokens += tokens } else { self.readTokens += tokens }
            case "timeouts":
                try self.readTimeouts(value)
            case "external_url":
                self.externalURL = try value.string()
            case "dlq":
                for (dlqKey, dlqValue) in try value.mapping(allowed: ConfigurationKeys.dlq) where dlqKey == "stale_after" {
                    self.ledger.queueStaleAfterSeconds = try dlqValue.wholeSeconds(minimumSeconds: 1)
                }
            case "watermarks":
                for (watermarkKey, watermarkValue) in try value.mapping(allowed: ConfigurationKeys.watermarks) where watermarkKey == "reporter_timeout" {
                    self.ledger.reporterTimeoutSeconds = try watermarkValue.wholeSeconds(minimumSeconds: 1)
                }
            case "evaluation_interval":
                self.alarmIntervalSeconds = try value.duration(minimumSeconds: 0.05)
            case "webhook":
                try self.readWebhook(value)
            case "receivers":
                receiverNode = value
            case "alarms":
                alarmNode = value
            case "dlq_sources":
                sourceNode = value
            case "comparisons":
                comparisonNode = value
            case "log_format":
                let text = try value.string()
                guard let format = LogFormat(rawValue: text) else { throw value.error("must be text, logfmt or json; got \(String(reflecting: text))") }
                self.logFormat = format
            default:
                break
            }
        }
        if let receiverNode { self.receivers = try Self.receivers(receiverNode) }
        if let sourceNode { self.dlqSources = try DLQSourceConfiguration.list(sourceNode) }
        if let comparisonNode { self.comparisons = try Self.comparisons(comparisonNode) }
        var names: Set<String> = []
        for node in pipelineNodes {
            var definition = PipelineDefinition(name: "", stages: [], settings: self.ledger.defaultSettings)
            var sawName = false
            for (key, value) in try node.mapping(allowed: ConfigurationKeys.pipeline) {
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
                case "labels":
                    var labels: [String] = []
                    for labelNode in try value.sequence() {
                        let label = try labelNode.string()
                        if let problem = LabelRule.problem(withName: label) { throw labelNode.error("label \(problem)") }
                        guard !labels.contains(label) else { throw labelNode.error("label \(label) is listed twice") }
                        labels.append(label)
                    }
                    guard labels.count <= LabelRule.maximumLabelsPerPipeline else {
                        throw value.error("a pipeline may declare at most \(LabelRule.maximumLabelsPerPipeline) labels, got \(labels.count)")
                    }
                    definition.labels = labels
                case "slo":
                    definition.slo = try Self.slo(value)
                default:
                    break
                }
            }
            guard sawName else { throw node.error("a pipeline needs a name") }
            definition.settings = try Self.settings(node, base: self.ledger.defaultSettings, allowed: ConfigurationKeys.pipeline)
            self.ledger.pipelines.append(definition)
        }
        if let alarmNode {
            self.alarms = try Self.alarms(
                alarmNode, receivers: self.receivers, sources: self.dlqSources, comparisons: self.comparisons,
                pipelines: self.ledger.pipelines
            )
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

    /// A pipeline's `slo:` mapping: `delivery_ratio` (required, strictly between 0 and 1) and `window` (default 30d).
    private static func slo(_ node: ConfigurationNode) throws(ConfigurationError) -> DeliverySLO {
        var ratio: Double?
        var window: Int64 = 30 * 86_400
        for (key, value) in try node.mapping(allowed: ConfigurationKeys.slo) {
            switch key {
            case "delivery_ratio":
                let number = try value.number()
                guard number > 0, number < 1 else { throw value.error("must be more than 0 and less than 1 (such as 0.9999), got \(try value.string())") }
                ratio = number
            case "window":
                window = try value.wholeSeconds(minimumSeconds: 3600)
            default:
                break
            }
        }
        guard let ratio else { throw node.error("an slo needs a delivery_ratio (such as 0.9999)") }
        return DeliverySLO(deliveryRatio: ratio, windowSeconds: window)
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

    private mutating func readWebhook(_ node: ConfigurationNode) throws(ConfigurationError) {
        for (key, value) in try node.mapping(allowed: ConfigurationKeys.webhook) {
            switch key {
            case "timeout": self.webhookTimeoutSeconds = try value.duration(minimumSeconds: 0.1)
            case "max_attempts": self.webhookMaximumAttempts = try value.integer(minimum: 1)
            case "initial_backoff": self.webhookInitialBackoffSeconds = try value.duration(minimumSeconds: 0.01)
            case "max_backoff": self.webhookMaximumBackoffSeconds = try value.duration(minimumSeconds: 0.01)
            case "max_outbox_per_receiver": self.webhookMaximumOutboxPerReceiver = try value.integer(minimum: 1)
            default: break
            }
        }
    }

    private mutating func readLimits(_ node: ConfigurationNode) throws(ConfigurationError) {
        for (key, value) in try node.mapping(allowed: ConfigurationKeys.limits) {
            switch key {
            case "max_body_bytes": self.maximumBodyBytes = try value.integer(minimum: 1024)
            case "max_reports_per_request": self.maximumReportsPerRequest = try value.integer(minimum: 1)
            case "max_pipelines": self.ledger.maximumPipelines = try value.integer(minimum: 1)
            case "max_stages_per_pipeline": self.ledger.maximumStagesPerPipeline = try value.integer(minimum: 1)
            case "max_future": self.ledger.maximumFutureSeconds = try value.wholeSeconds()
            case "max_queues": self.ledger.maximumQueues = try value.integer(minimum: 1)
            case "max_concurrent_requests": self.maximumConcurrentRequests = try value.integer(minimum: 1)
            case "max_series": self.ledger.maximumSeries = try value.integer(minimum: 1)
            case "max_label_values": self.ledger.maximumLabelValues = try value.integer(minimum: 1)
            case "max_label_sets": self.ledger.maximumLabelSets = try value.integer(minimum: 1)
            case "max_connections": self.maximumConnections = try value.integer(minimum: 1)
            case "min_body_bytes_per_second":
                let rate = try value.number()
                guard rate > 0 else { throw value.error("must be more than 0 bytes per second, got \(try value.string())") }
                self.minimumBodyBytesPerSecond = rate
            case "max_name_length":
                self.maximumNameLength = try value.integer(minimum: 1)
                guard self.maximumNameLength <= NameRule.maximumLength else { throw value.error("must be at most \(NameRule.maximumLength)") }
            default: break
            }
        }
    }

    private mutating func readTimeouts(_ node: ConfigurationNode) throws(ConfigurationError) {
        for (key, value) in try node.mapping(allowed: ConfigurationKeys.timeouts) {
            let seconds: Double
            switch key {
            case "idle": seconds = try value.duration(minimumSeconds: 1)
            case "body": seconds = try value.duration(minimumSeconds: 0.1)
            case "header": seconds = try value.duration(minimumSeconds: 0.1)
            default: seconds = try value.duration(minimumSeconds: 0)
            }
            guard seconds.isFinite, seconds <= 86_400 else { throw value.error("must be at most 24h, got \(try value.string())") }
            switch key {
            case "idle": self.idleTimeoutSeconds = seconds
            case "body": self.bodyTimeoutSeconds = seconds
            case "header": self.headerTimeoutSeconds = seconds
            default: self.bodyGraceSeconds = seconds
            }
        }
    }
}
