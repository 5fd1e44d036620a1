public import FunnelCore

/// Writes a Prometheus rule file for Funnel: the recording rules, then alerting rules per declared pipeline.
///
/// With no pipelines it writes the generic `Alerts/funnel-rules.yml` byte for byte: every alert matches every
/// pipeline with the default thresholds. With pipelines, each gets a group `funnel-alerts-NAME` whose alerts match
/// only `pipeline="NAME"`; every alarm in the config (`silent_loss`, `transit_loss`, `delivery_ratio`, `dlq_depth`,
/// `latency`, `stalled`, `dlq_growth`, `dlq_source_down`, `watermark_lag`, `comparison`) becomes an alert of its
/// stage, hop, pipeline, queue, source or comparison with the alarm's threshold (`above`, or `below` for delivery),
/// window, `for`, labels and `runbook_url` annotation. A pipeline with an `slo:` gets burn-rate alerts on its
/// error budget (see ``sloRules(_:)``). Funnel's own health alerts come last, once, on `up{job="JOB"}`.
///
/// The recording rules sum over every scraped instance (`sum by (pipeline, ...)` drops `instance`), so the shards of
/// a sharded deployment, each owning whole pipelines, add up to one series per pipeline.
public struct RuleFileGenerator: Sendable {
    public var pipelines: [PipelineDefinition]
    public var alarms: [AlarmRule]
    /// The Prometheus job that scrapes Funnel, for the `up` alerts.
    public var job: String
    /// Where the runbooks are: each alert links to this URL plus `#` and its name in lower case.
    public var runbookBaseURL: String

    public init(
        pipelines: [PipelineDefinition] = [], alarms: [AlarmRule] = [], job: String = RuleFileGenerator.defaultJob,
        runbookBaseURL: String = RuleFileGenerator.defaultRunbookBaseURL
    ) {
        self.pipelines = pipelines
        self.alarms = alarms
        self.job = job
        self.runbookBaseURL = runbookBaseURL
    }

    /// The job name of the generic file (and of `packaging/`'s Prometheus example).
    public static let defaultJob = "funnel"
    /// The runbooks of the generic file: `Alerts/README.md` of Funnel's repository.
    public static let defaultRunbookBaseURL = "https://github.com/funnel-observability/funnel/blob/main/Alerts/README.md"

    /// Default thresholds of the generic file.
    public static let defaultLossRatio = 0.001
    public static let defaultDeliveryRatio = 0.99
    public static let defaultDLQDepth = 1000.0

    /// The whole rule file.
    public func render() -> String {
        var text = Self.recordingRules + Self.comparisonRecordingRules + "\n"
        let objectives = self.pipelines.filter { $0.slo != nil }
        if !objectives.isEmpty { text += Self.sloRecordingRules(objectives.map(\.name)) + "\n" }
        if self.pipelines.isEmpty {
            text += "  - name: funnel-alerts\n    rules:\n"
            text += Self.pipelineAlerts(PipelineScope(matchers: [], runbooks: self.runbookBaseURL))
        } else {
            for pipeline in self.pipelines {
                text += "  - name: funnel-alerts-\(pipeline.name)\n    rules:\n"
                text += self.alerts(for: pipeline)
            }
            text += "  - name: funnel-alerts\n    rules:\n"
        }
        text += Self.funnelAlerts(job: self.job, runbooks: self.runbookBaseURL, watchedSources: self.watchedSources) + "\n"
        return text
    }

    /// The selector matchers of each `dlq_source_down` alarm: its pipeline, and its queue and source where it names them.
    var watchedSources: [[String]] {
        self.alarms.compactMap { alarm in
            guard case .dlqSourceDown(let pipeline, let queue, let source) = alarm.kind else { return nil }
            return [Self.matcher("pipeline", "=", pipeline)] + [queue.map { Self.matcher("queue", "=", $0) }, source.map { Self.matcher("source", "=", $0) }].compactMap { $0 }
        }
    }

    // MARK: Per pipeline

    /// A pipeline's alerts, with the config's alarms as thresholds for their stages, hops and queues.
    func alerts(for pipeline: PipelineDefinition) -> String {
        let mine = self.alarms.filter { $0.kind.pipeline == pipeline.name }
        let base = [Self.matcher("pipeline", "=", pipeline.name)]
        let labels = [("pipeline", pipeline.name)]
        var scope = PipelineScope(matchers: base, labels: labels, runbooks: self.runbookBaseURL)
        var silent: [(String, AlarmRule)] = []
        var transit: [(String, String, AlarmRule)] = []
        var queues: [(String, AlarmRule)] = []
        var latency: [AlarmRule] = []
        var stalled: [(String, String, AlarmRule)] = []
        var others: [AlarmRule] = []
        for alarm in mine where alarm.condition.direction == .above {
            switch alarm.kind {
            case .silentLoss(_, let stage, _):
                silent.append((stage, alarm))
            case .transitLoss(_, let from, let to, _):
                let next = to ?? pipeline.stages.firstIndex(of: from).flatMap { $0 + 1 < pipeline.stages.count ? pipeline.stages[$0 + 1] : nil }
                if let next { transit.append((from, next, alarm)) }
            case .dlqDepth(_, let queue, _):
                queues.append((queue, alarm))
            case .latency:
                latency.append(alarm)
            case .stalled(_, let stage, _):
                let upstream = pipeline.stages.firstIndex(of: stage).flatMap { $0 > 0 ? pipeline.stages[$0 - 1] : nil }
                if let upstream { stalled.append((stage, upstream, alarm)) }
            case .dlqGrowth, .dlqSourceDown, .watermarkLag, .comparison:
                others.append(alarm)
            default:
                break
            }
        }
        for alarm in mine where alarm.condition.direction == .below {
            if case .deliveryRatio = alarm.kind {
                scope.deliveryRatio = alarm.condition.threshold
                scope.deliveryAlarm = alarm
            }
        }
        var text = ""
        for (stage, alarm) in silent {
            var stageScope = scope.narrowed([Self.matcher("stage", "=", stage)], labels: [("stage", stage)]).standingFor(alarm)
            stageScope.lossRatio = alarm.condition.threshold
            text += Self.silentLoss(stageScope) + "\n"
        }
        for (from, to, alarm) in transit {
            let hop = [Self.matcher("from_stage", "=", from), Self.matcher("to_stage", "=", to)]
            var hopScope = scope.narrowed(hop, labels: [("from_stage", from), ("to_stage", to)]).standingFor(alarm)
            hopScope.lossRatio = alarm.condition.threshold
            text += Self.transitLoss(hopScope) + "\n"
        }
        for (queue, alarm) in queues {
            var queueScope = scope.narrowed([Self.matcher("queue", "=", queue)], labels: [("queue", queue)]).standingFor(alarm)
            queueScope.dlqDepth = alarm.condition.threshold
            text += Self.dlqDepth(queueScope) + "\n"
        }
        for alarm in latency {
            guard case .latency(_, let stage, let percentile, let window) = alarm.kind else { continue }
            let narrowed = stage.map { scope.narrowed([Self.matcher("stage", "=", $0)], labels: [("stage", $0)]) } ?? scope
            text += Self.latencyAlarm(narrowed.standingFor(alarm), stage: stage, percentile: percentile, window: window, thresholdMs: alarm.condition.threshold) + "\n"
        }
        for (stage, upstream, alarm) in stalled {
            guard case .stalled(_, _, let window) = alarm.kind else { continue }
            let stageScope = scope.narrowed([], labels: [("stage", stage)]).standingFor(alarm)
            text += Self.stalledAlarm(stageScope, stage: stage, upstream: upstream, windowSeconds: window) + "\n"
        }
        for alarm in others {
            if let alert = self.alert(for: alarm, in: pipeline, scope: scope) { text += alert + "\n" }
        }
        if let slo = pipeline.slo { text += Self.burnRateAlerts(scope, slo: slo) }
        scope.silentMatchers = silent.isEmpty ? [] : [Self.matcher("stage", "!~", Self.alternatives(silent.map(\.0)))]
        scope.transitMatchers = transit.isEmpty ? [] : [Self.matcher("from_stage", "!~", Self.alternatives(transit.map(\.0)))]
        scope.stalledMatchers = stalled.isEmpty ? [] : [Self.matcher("to_stage", "!~", Self.alternatives(stalled.map(\.0)))]
        scope.queueMatchers = queues.isEmpty ? [] : [Self.matcher("queue", "!~", Self.alternatives(queues.map(\.0)))]
        return text + Self.pipelineAlerts(scope)
    }

    /// The alert of a `dlq_growth`, `dlq_source_down`, `watermark_lag` or `comparison` alarm of `pipeline`; nil for
    /// a comparison whose baseline is not declared.
    func alert(for alarm: AlarmRule, in pipeline: PipelineDefinition, scope: PipelineScope) -> String? {
        let threshold = alarm.condition.threshold
        switch alarm.kind {
        case .dlqGrowth(_, let stage, let window):
            let narrowed = stage.map { scope.narrowed([Self.matcher("stage", "=", $0)], labels: [("stage", $0)]) } ?? scope
            return Self.dlqGrowthAlarm(narrowed.standingFor(alarm), stage: stage, windowSeconds: window, perMinute: threshold)
        case .dlqSourceDown(_, let queue, let source):
            let narrowed = scope.narrowed(
                [queue.map { Self.matcher("queue", "=", $0) }, source.map { Self.matcher("source", "=", $0) }].compactMap { $0 },
                labels: [queue.map { ("queue", $0) }, source.map { ("source", $0) }].compactMap { $0 }
            )
            return Self.dlqSourceDownAlarm(narrowed.standingFor(alarm))
        case .watermarkLag(_, let stage):
            let narrowed = stage.map { scope.narrowed([Self.matcher("stage", "=", $0)], labels: [("stage", $0)]) } ?? scope
            return Self.watermarkLagAlarm(narrowed.standingFor(alarm), stage: stage, thresholdSeconds: threshold)
        case .comparison(let comparison, let measure, let window):
            guard let baseline = self.pipelines.first(where: { $0.name == comparison.baseline }) else { return nil }
            let narrowed = scope.narrowed([], labels: [("comparison", comparison.name), ("baseline", comparison.baseline)])
            return Self.comparisonAlarm(
                narrowed.standingFor(alarm), comparison: comparison, measure: measure, windowSeconds: window, threshold: threshold,
                baseline: baseline, candidate: pipeline
            )
        default:
            return nil
        }
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
        var stalledMatchers: [String] = []
        var queueMatchers: [String] = []
        /// The base URL of the runbooks; each alert adds `#` and its anchor.
        var runbooks = RuleFileGenerator.defaultRunbookBaseURL
        /// The config alarm this alert stands for: its `for`, labels and `runbook_url` replace the template's.
        var alarm: AlarmRule?
        /// The pipeline's `delivery_ratio` alarm, for the delivery alert.
        var deliveryAlarm: AlarmRule?

        /// `metric` restricted to the scope (plus `extra` matchers), e.g. `m{pipeline="orders",outcome="passed"}`.
        func select(_ metric: String, _ extra: [String] = []) -> String {
            let all = self.matchers + extra
            return all.isEmpty ? metric : metric + "{" + all.joined(separator: ",") + "}"
        }

        /// The extra labels as YAML lines under `labels:`: the scope's, `alarm` and the alarm's own.
        var labelLines: String {
            var lines = self.labels
            if let alarm = self.alarm {
                lines.append(("alarm", alarm.name))
                let taken = Set(lines.map(\.0) + ["severity"])
                lines += alarm.labels.sorted { $0.key < $1.key }.filter { !taken.contains($0.key) }.map { ($0.key, $0.value) }
            }
            return lines.map { "\n          \($0.0): " + RuleFileGenerator.yamlString($0.1) }.joined()
        }

        /// The alarm's `severity` label, else the template's.
        func severity(_ template: String) -> String {
            self.alarm?.labels["severity"].map(RuleFileGenerator.yamlString) ?? template
        }

        /// The alarm's `for`, else the template's.
        func forText(_ template: String) -> String {
            self.alarm.map { DurationText.format(seconds: $0.forSeconds) } ?? template
        }

        /// How long the condition has held, for a description: ` for ` and the alarm's `for` (nothing for `0s`), else
        /// ` for ` and the generic alert's `prose`.
        func standingPhrase(_ prose: String) -> String {
            guard let alarm = self.alarm else { return " for " + prose }
            return alarm.forSeconds == 0 ? "" : " for " + DurationText.format(seconds: alarm.forSeconds)
        }

        /// The alarm's `runbook_url` annotation, else the runbook of `anchor` under the base URL.
        func runbook(_ anchor: String) -> String {
            self.alarm?.annotations["runbook_url"].map(RuleFileGenerator.yamlString) ?? self.runbooks + "#" + anchor
        }

        func narrowed(_ extra: [String]) -> PipelineScope {
            var scope = self
            scope.matchers += extra
            return scope
        }

        /// The scope narrowed by `extra` matchers, carrying `labels` too.
        func narrowed(_ extra: [String], labels: [(String, String)]) -> PipelineScope {
            var scope = self.narrowed(extra)
            scope.labels += labels
            return scope
        }

        /// The scope as the alert of `alarm` (unchanged for nil).
        func standingFor(_ alarm: AlarmRule?) -> PipelineScope {
            var scope = self
            scope.alarm = alarm ?? self.alarm
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

    /// A computed number rounded to nine decimals, so `99.9 / 100` reads `0.999`.
    static func decimal(_ value: Double) -> String {
        number((value * 1e9).rounded() / 1e9)
    }

    /// A YAML double-quoted string.
    static func yamlString(_ value: String) -> String {
        "\"" + value.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\n") + "\""
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
