import FunnelCore
import Foundation
import Yams

extension FunnelConfiguration {
    /// Reads `receivers:`: each with `name`, `type` (slack, discord, msteams, generic, alertmanager), `url`, and optional
    /// `secret` or `secret_env` (the name of an environment variable holding it); an `alertmanager` receiver takes
    /// `urls` (every member of a cluster) instead of `url`, and `resend_interval`.
    static func receivers(_ node: ConfigurationNode) throws(ConfigurationError) -> [WebhookReceiver] {
        var receivers: [WebhookReceiver] = []
        for item in try node.sequence() {
            var name: String?
            var format: WebhookReceiver.Format?
            var urls: [String] = []
            var urlsNode: ConfigurationNode?
            var secret: String?
            var resendNode: ConfigurationNode?
            for (key, value) in try item.mapping(allowed: ConfigurationKeys.receiver) {
                switch key {
                case "name":
                    let text = try value.name()
                    guard !receivers.contains(where: { $0.name == text }) else { throw value.error("receiver \(text) is declared twice") }
                    name = text
                case "type":
                    let text = try value.string()
                    guard let parsed = WebhookReceiver.Format(rawValue: text) else {
                        throw value.error("must be one of slack, discord, msteams, generic, alertmanager; got \(String(reflecting: text))")
                    }
                    format = parsed
                case "url":
                    guard urlsNode == nil else { throw value.error("give url or urls, not both") }
                    urls = [try Self.webhookURL(value)]
                    urlsNode = value
                case "urls":
                    guard urlsNode == nil else { throw value.error("give url or urls, not both") }
                    var seen: [String] = []
                    for entry in try value.sequence() {
                        let url = try Self.webhookURL(entry)
                        guard !seen.contains(url) else { throw entry.error("\(url) is listed twice") }
                        seen.append(url)
                    }
                    guard !seen.isEmpty else { throw value.error("must list at least one URL") }
                    urls = seen
                    urlsNode = value
                case "secret":
                    secret = try value.string()
                case "secret_env":
                    let variable = try value.string()
                    guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else {
                        throw value.error("environment variable \(variable) is not set")
                    }
                    secret = text
                case "resend_interval":
                    resendNode = value
                default:
                    break
                }
            }
            guard let name else { throw item.error("a receiver needs a name") }
            guard let format else { throw item.error("receiver \(name) needs a type: slack, discord, msteams, generic or alertmanager") }
            guard let urlsNode else { throw item.error("receiver \(name) needs a url\(format == .alertmanager ? " or urls" : "")") }
            var receiver = WebhookReceiver(name: name, format: format, urls: urls, secret: secret)
            if format != .alertmanager {
                guard urls.count == 1, urlsNode.node.sequence == nil else { throw urlsNode.error("only an alertmanager receiver takes urls; give one url") }
                if let resendNode { throw resendNode.error("only an alertmanager receiver is re-sent; remove resend_interval") }
            }
            if let resendNode {
                receiver.resendIntervalSeconds = try resendNode.duration(minimumSeconds: 0.1)
                guard receiver.resendIntervalSeconds <= Double(AlertmanagerFeed.longestResendMillis) / 1000 else {
                    throw resendNode.error("must be at most 1d")
                }
            }
            receivers.append(receiver)
        }
        return receivers
    }

    private static func webhookURL(_ node: ConfigurationNode) throws(ConfigurationError) -> String {
        let text = try node.string()
        guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw node.error("must be an http or https URL")
        }
        return text
    }

    /// Reads `alarms:`; see `config.example.yml` for every kind and key.
    static func alarms(
        _ node: ConfigurationNode, receivers: [WebhookReceiver], sources: [DLQSourceConfiguration] = [],
        comparisons: [Comparison] = [], pipelines: [PipelineDefinition] = []
    ) throws(ConfigurationError) -> [AlarmRule] {
        var rules: [AlarmRule] = []
        let common = ConfigurationKeys.alarm
        let kindKeys = ConfigurationKeys.alarmKinds
        for item in try node.sequence() {
            guard let mapping = item.node.mapping else { throw item.error("expected a mapping of keys to values") }
            let kindNode = mapping.first { $0.key.string == "kind" }.map { item.child("kind", $0.value) }
            guard let kindNode else { throw item.error("an alarm needs a kind: \(kindKeys.keys.sorted().joined(separator: ", "))") }
            let kindName = try kindNode.string()
            guard let extra = kindKeys[kindName] else {
                throw kindNode.error("must be one of \(kindKeys.keys.sorted().joined(separator: ", ")); got \(String(reflecting: kindName))")
            }
            var values: [String: ConfigurationNode] = [:]
            let withoutPipeline = ConfigurationKeys.alarmKindsWithoutPipeline.contains(kindName)
            for (key, value) in try item.mapping(allowed: (withoutPipeline ? common.filter { $0 != "pipeline" } : common) + extra) { values[key] = value }
            func required(_ key: String) throws(ConfigurationError) -> ConfigurationNode {
                guard let node = values[key] else { throw item.error("kind \(kindName) needs \(key)") }
                return node
            }
            let name = try required("name").name()
            guard !rules.contains(where: { $0.name == name }) else { throw values["name"]!.error("alarm \(name) is declared twice") }
            let pipeline = try withoutPipeline ? "" : required("pipeline").name()
            let stage = try values["stage"].map { node throws(ConfigurationError) in try node.name() }
            let window = try values["window"].map { node throws(ConfigurationError) in try node.wholeSeconds(minimumSeconds: 1) }
            func ratio(_ node: ConfigurationNode) throws(ConfigurationError) -> Double {
                let value = try node.number()
                guard value >= 0, value <= 1 else { throw node.error("must be a ratio between 0 and 1 (0.001 is 0.1%), got \(value)") }
                return value
            }
            let kind: AlarmKind
            var condition: AlarmCondition
            switch kindName {
            case "dlq_depth":
                kind = .dlqDepth(pipeline: pipeline, queue: try required("queue").name(), stage: stage)
                condition = AlarmCondition(.above, try required("above").number())
            case "dlq_growth":
                kind = .dlqGrowth(pipeline: pipeline, stage: stage, windowSeconds: window ?? 60)
                condition = AlarmCondition(.above, try required("above").number())
            case "silent_loss":
                guard let stage else { throw item.error("kind silent_loss needs stage") }
                kind = .silentLoss(pipeline: pipeline, stage: stage, windowSeconds: window ?? 3600)
                condition = AlarmCondition(.above, try ratio(try required("above")))
            case "transit_loss":
                let to = try values["to"].map { node throws(ConfigurationError) in try node.name() }
                kind = .transitLoss(pipeline: pipeline, from: try required("from").name(), to: to, windowSeconds: window ?? 3600)
                condition = AlarmCondition(.above, try ratio(try required("above")))
            case "delivery_ratio":
                kind = .deliveryRatio(pipeline: pipeline, windowSeconds: window ?? 3600)
                condition = AlarmCondition(.below, try ratio(try required("below")))
                if let clear = values["clear_above"] {
                    condition.clearAt = try ratio(clear)
                    guard condition.clearAt! >= condition.threshold else { throw clear.error("must be at least below (\(condition.threshold))") }
                }
            case "latency":
                let percentile = try values["percentile"]?.number() ?? 95
                guard percentile > 0, percentile <= 100 else { throw values["percentile"]!.error("must be between 0 and 100, got \(percentile)") }
                var latencyWindow = LatencyWindow.fiveMinutes
                if let windowNode = values["window"] {
                    guard let parsed = LatencyWindow(rawValue: try windowNode.string()) else { throw windowNode.error("must be 1m, 5m or 1h") }
                    latencyWindow = parsed
                }
                kind = .latency(pipeline: pipeline, stage: stage, percentile: percentile, window: latencyWindow)
                condition = AlarmCondition(.above, try required("above").number())
            case "watermark_lag":
                kind = .watermarkLag(pipeline: pipeline, stage: stage)
                condition = AlarmCondition(.above, try required("above").duration(minimumSeconds: 0))
            case "comparison":
                let parsed = try Self.comparisonAlarm(item, values, comparisons: comparisons, window: window)
                kind = parsed.kind
                condition = parsed.condition
            case "dlq_source_down":
                let queue = try values["queue"].map { node throws(ConfigurationError) in try node.name() }
                let source = try values["source"].map { node throws(ConfigurationError) in try node.string() }
                let watched = sources.filter { $0.pipeline == pipeline && (queue == nil || $0.queue == queue) && (source == nil || $0.name == source) }
                guard !watched.isEmpty else {
                    let which = [queue.map { "queue \($0)" }, source.map { "source \($0)" }].compactMap { $0 }.joined(separator: " and ")
                    throw item.error("no entry of dlq_sources matches pipeline \(pipeline)\(which.isEmpty ? "" : " with \(which)"); declare the source under dlq_sources:")
                }
                kind = .dlqSourceDown(pipeline: pipeline, queue: queue, source: source)
                condition = AlarmCondition(.above, 0)
            default:
                guard let stage else { throw item.error("kind stalled needs stage") }
                kind = .stalled(pipeline: pipeline, stage: stage, windowSeconds: window ?? 300)
                condition = AlarmCondition(.above, 0)
            }
            if let clear = values["clear_below"] {
                let value = try kindName == "comparison" && values["below_baseline_by"] != nil ? ratio(clear) : clear.number()
                guard value <= condition.threshold else { throw clear.error("must be at most above (\(AlarmText.number(condition.threshold))), got \(AlarmText.number(value))") }
                condition.clearAt = value
            }
            var rule = AlarmRule(name: name, kind: kind, condition: condition)
            if let node = values["by"] {
                let label = try node.string()
                let declared = pipelines.first { $0.name == pipeline }?.labels ?? []
                guard declared.contains(label) else {
                    throw node.error(
                        declared.isEmpty
                            ? "pipeline \(pipeline) declares no labels; add labels: [\(label)] to its entry under pipelines:"
                            : "pipeline \(pipeline) declares the labels \(declared.joined(separator: ", ")), not \(String(reflecting: label))"
                    )
                }
                rule.by = label
            }
            if let node = values["for"] { rule.forSeconds = try node.wholeSeconds() }
            if let node = values["repeat_interval"] { rule.repeatIntervalSeconds = try node.wholeSeconds() }
            if let node = values["send_resolved"] { rule.sendResolved = try node.boolean() }
            if let node = values["labels"] { rule.labels = try node.stringMapping() }
            if let node = values["annotations"] { rule.annotations = try node.stringMapping() }
            if let node = values["receivers"] {
                for receiverNode in try node.sequence() {
                    let receiver = try receiverNode.string()
                    guard receivers.contains(where: { $0.name == receiver }) else {
                        throw receiverNode.error("no receiver named \(String(reflecting: receiver)); declare it under receivers:")
                    }
                    rule.receivers.append(receiver)
                }
            }
            rules.append(rule)
        }
        return rules
    }

    /// A `comparison` alarm: the comparison it names, and `below_baseline_by` (a ratio) or `input_mismatch_above`
    /// (events), exactly one.
    private static func comparisonAlarm(
        _ item: ConfigurationNode, _ values: [String: ConfigurationNode], comparisons: [Comparison], window: Int64?
    ) throws(ConfigurationError) -> (kind: AlarmKind, condition: AlarmCondition) {
        guard let nameNode = values["comparison"] else { throw item.error("kind comparison needs comparison: the name of an entry of comparisons:") }
        let name = try nameNode.name()
        guard let comparison = comparisons.first(where: { $0.name == name }) else {
            throw nameNode.error("no comparison named \(String(reflecting: name)); declare it under comparisons:")
        }
        switch (values["below_baseline_by"], values["input_mismatch_above"]) {
        case (let gap?, nil):
            let value = try gap.number()
            guard value >= 0, value <= 1 else { throw gap.error("must be a ratio between 0 and 1 (0.001 is 0.1 percentage points), got \(value)") }
            return (.comparison(comparison, measure: .deliveryGap, windowSeconds: window ?? 3600), AlarmCondition(.above, value))
        case (nil, let mismatch?):
            let value = try mismatch.number()
            guard value >= 0 else { throw mismatch.error("must be a number of events, 0 or more, got \(value)") }
            return (.comparison(comparison, measure: .inputMismatch, windowSeconds: window ?? 3600), AlarmCondition(.above, value))
        case (_?, _?):
            throw item.error("kind comparison takes one of below_baseline_by and input_mismatch_above; declare a second alarm for the other")
        case (nil, nil):
            throw item.error("kind comparison needs below_baseline_by (a ratio) or input_mismatch_above (events)")
        }
    }
}
