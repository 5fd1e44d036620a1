public import FunnelCore

/// Writes a Prometheus rule file for Funnel: the recording rules, then alerting rules per declared pipeline.
///
/// With no pipelines it writes the generic `Alerts/funnel-rules.yml` byte for byte: every alert matches every
/// pipeline with the default thresholds. With pipelines, each gets a group `funnel-alerts-NAME` whose alerts match
/// only `pipeline="NAME"`; a `silent_loss`, `transit_loss`, `delivery_ratio` or `dlq_depth` alarm in the config
/// becomes the threshold of its stage, hop, pipeline or queue (the alarm's `above`, or `below` for delivery).
/// Funnel's own health alerts come last, once.
public struct RuleFileGenerator: Sendable {
    public var pipelines: [PipelineDefinition]
    public var alarms: [AlarmRule]

    public init(pipelines: [PipelineDefinition] = [], alarms: [AlarmRule] = []) {
        self.pipelines = pipelines
        self.alarms = alarms
    }

    /// Default thresholds of the generic file.
    public static let defaultLossRatio = 0.001
    public static let defaultDeliveryRatio = 0.99
    public static let defaultDLQDepth = 1000.0

    /// The whole rule file.
    public func render() -> String {
        var text = Self.recordingRules + Self.comparisonRecordingRules + "\n"
        if self.pipelines.isEmpty {
            text += "  - name: funnel-alerts\n    rules:\n"
            text += Self.pipelineAlerts(PipelineScope(matchers: []))
        } else {
            for pipeline in self.pipelines {
                text += "  - name: funnel-alerts-\(pipeline.name)\n    rules:\n"
                text += self.alerts(for: pipeline)
            }
            text += "  - name: funnel-alerts\n    rules:\n"
        }
        text += Self.funnelAlerts + "\n"
        return text
    }

    // MARK: Per pipeline

    /// A pipeline's alerts, with the config's alarms as thresholds for their stages, hops and queues.
    func alerts(for pipeline: PipelineDefinition) -> String {
        let mine = self.alarms.filter { $0.kind.pipeline == pipeline.name }
        let base = [Self.matcher("pipeline", "=", pipeline.name)]
        let labels = [("pipeline", pipeline.name)]
        var scope = PipelineScope(matchers: base, labels: labels)
        var silent: [(String, Double)] = []
        var transit: [(String, String, Double)] = []
        var queues: [(String, Double)] = []
        for alarm in mine where alarm.condition.direction == .above {
            switch alarm.kind {
            case .silentLoss(_, let stage, _):
                silent.append((stage, alarm.condition.threshold))
            case .transitLoss(_, let from, let to, _):
                let next = to ?? pipeline.stages.firstIndex(of: from).flatMap { $0 + 1 < pipeline.stages.count ? pipeline.stages[$0 + 1] : nil }
                if let next { transit.append((from, next, alarm.condition.threshold)) }
            case .dlqDepth(_, let queue, _):
                queues.append((queue, alarm.condition.threshold))
            default:
                break
            }
        }
        for alarm in mine where alarm.condition.direction == .below {
            if case .deliveryRatio = alarm.kind { scope.deliveryRatio = alarm.condition.threshold }
        }
        var text = ""
        for (stage, threshold) in silent {
            let scope = PipelineScope(matchers: base + [Self.matcher("stage", "=", stage)], labels: labels + [("stage", stage)], lossRatio: threshold)
            text += Self.silentLoss(scope) + "\n"
        }
        for (from, to, threshold) in transit {
            let hop = base + [Self.matcher("from_stage", "=", from), Self.matcher("to_stage", "=", to)]
            let scope = PipelineScope(matchers: hop, labels: labels + [("from_stage", from), ("to_stage", to)], lossRatio: threshold)
            text += Self.transitLoss(scope) + "\n"
        }
        for (queue, threshold) in queues {
            let scope = PipelineScope(matchers: base + [Self.matcher("queue", "=", queue)], labels: labels + [("queue", queue)], dlqDepth: threshold)
            text += Self.dlqDepth(scope) + "\n"
        }
        scope.silentMatchers = silent.isEmpty ? [] : [Self.matcher("stage", "!~", Self.alternatives(silent.map(\.0)))]
        scope.transitMatchers = transit.isEmpty ? [] : [Self.matcher("from_stage", "!~", Self.alternatives(transit.map(\.0)))]
        scope.queueMatchers = queues.isEmpty ? [] : [Self.matcher("queue", "!~", Self.alternatives(queues.map(\.0)))]
        return text + Self.pipelineAlerts(scope)
    }

    /// Which series an alert covers, and its thresholds.
    struct PipelineScope {
        var matchers: [String]
        /// Labels the alerts carry besides `severity`, so that alerts of different scopes never look like duplicates.
        var labels: [(String, String)] = []
        var lossRatio = RuleFileGenerator.defaultLossRatio
        var deliveryRatio = RuleFileGenerator.defaultDeliveryRatio
        var dlqDepth = RuleFileGenerator.defaultDLQDepth
        /// Extra matchers of the pipeline-wide alerts, leaving out what has an alert of its own.
        var silentMatchers: [String] = []
        var transitMatchers: [String] = []
        var queueMatchers: [String] = []

        /// `metric` restricted to the scope (plus `extra` matchers), e.g. `m{pipeline="orders",outcome="passed"}`.
        func select(_ metric: String, _ extra: [String] = []) -> String {
            let all = self.matchers + extra
            return all.isEmpty ? metric : metric + "{" + all.joined(separator: ",") + "}"
        }

        /// The extra labels as YAML lines under `labels:`.
        var labelLines: String {
            self.labels.map { "\n          \($0.0): \"" + $0.1.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\"" }.joined()
        }

        func narrowed(_ extra: [String]) -> PipelineScope {
            var scope = self
            scope.matchers += extra
            return scope
        }
    }

    // MARK: Formatting

    /// A PromQL label matcher with the value escaped.
    public static func matcher(_ label: String, _ operation: String, _ value: String) -> String {
        let escaped = value.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
        return "\(label)\(operation)\"\(escaped)\""
    }

    /// A regular expression matching exactly `names`.
    public static func alternatives(_ names: [String]) -> String {
        let special = Set("\\.+*?()|[]{}^$")
        return names.map { name in String(name.flatMap { special.contains($0) ? ["\\", $0] : [$0] }) }.joined(separator: "|")
    }

    /// A number as PromQL and people write it: `1000`, `0.001`.
    public static func number(_ value: Double) -> String {
        if abs(value) < 1e15, let whole = Int64(exactly: value) { return String(whole) }
        return "\(value)"
    }

    /// A ratio as a percentage: `0.001` is `0.1%`.
    public static func percent(_ ratio: Double) -> String {
        number((ratio * 100 * 1e9).rounded() / 1e9) + "%"
    }
}

extension String {
    /// Every occurrence of `target` replaced (without Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
