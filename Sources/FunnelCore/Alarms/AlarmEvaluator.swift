/// Evaluates every alarm rule against the ledger on each tick and decides which notifications to send.
///
/// States go inactive → pending (condition holds, `for` not yet elapsed) → firing → inactive (resolved).
/// A firing alarm is notified once, again only after `repeat_interval`, and once more when it resolves
/// (if `send_resolved`). Pure: the ledger and the time are passed in.
public struct AlarmEvaluator: Sendable {
    public internal(set) var rules: [AlarmRule]
    public internal(set) var trackers: [String: AlarmTracker]

    public init(rules: [AlarmRule]) {
        self.rules = rules
        var trackers: [String: AlarmTracker] = [:]
        for rule in rules {
            trackers[rule.name] = AlarmTracker(keepSeconds: Self.historySeconds(rule.kind))
        }
        self.trackers = trackers
    }

    /// Measures every rule at `nowMillis`, moves its state, and returns the notifications to send.
    ///
    /// `sources` is the health of the configured DLQ sources, for `dlq_source_down` rules.
    public mutating func evaluate(ledger: FunnelLedger, nowMillis: Int64, sources: [DLQSourceStatus] = []) -> [AlarmNotification] {
        var notifications: [AlarmNotification] = []
        for rule in self.rules {
            if rule.by != nil {
                self.evaluateGroups(of: rule, ledger: ledger, nowMillis: nowMillis, into: &notifications)
                continue
            }
            var tracker = self.trackers[rule.name] ?? AlarmTracker(keepSeconds: Self.historySeconds(rule.kind))
            if let sample = AlarmMeasurement.sample(of: rule.kind, ledger: ledger) {
                tracker.history.record(primary: sample.primary, secondary: sample.secondary, nowMillis: nowMillis)
            }
            let value = AlarmMeasurement.value(of: rule.kind, ledger: ledger, history: tracker.history, nowMillis: nowMillis, sources: sources)
            if let notification = self.advance(rule, &tracker, value: value, ledger: ledger, sources: sources, nowMillis: nowMillis) {
                notifications.append(notification)
            }
            self.trackers[rule.name] = tracker
        }
        return notifications
    }

    /// Evaluates a `by` rule once per value of its label: each value has its own state, and fires and resolves on
    /// its own. A value no longer measured (nothing settled in the window) is judged on no data.
    private mutating func evaluateGroups(of rule: AlarmRule, ledger: FunnelLedger, nowMillis: Int64, into notifications: inout [AlarmNotification]) {
        var measured: [String: Double?] = [:]
        var order: [String] = []
        for (value, figure) in AlarmMeasurement.groupValues(of: rule, ledger: ledger) {
            measured[value] = figure
            order.append(value)
        }
        var unmeasured: [String] = []
        for (key, tracker) in self.trackers where AlarmRule.ruleName(ofTrackerKey: key) == rule.name {
            guard let group = tracker.group, measured[group.value] == nil else { continue }
            unmeasured.append(group.value)
        }
        for value in unmeasured.sorted() {
            measured[value] = .some(nil)
            order.append(value)
        }
        for value in order {
            let copy = rule.watching(value)
            var tracker = self.trackers[copy.trackerKey] ?? AlarmTracker(keepSeconds: 0)
            tracker.group = copy.group
            if let notification = self.advance(copy, &tracker, value: measured[value] ?? nil, ledger: ledger, sources: [], nowMillis: nowMillis) {
                notifications.append(notification)
            }
            self.trackers[copy.trackerKey] = tracker
        }
    }

    /// Moves one alarm's state on a new measurement; returns the notification it sends, if any.
    private func advance(
        _ rule: AlarmRule, _ tracker: inout AlarmTracker, value: Double?, ledger: FunnelLedger, sources: [DLQSourceStatus], nowMillis: Int64
    ) -> AlarmNotification? {
        tracker.lastValue = value
        let active = rule.condition.isActive(value, wasActive: tracker.state != .inactive)
        switch tracker.state {
        case .inactive:
            guard active else { return nil }
            if rule.forSeconds == 0 { return self.fire(rule, &tracker, value: value, ledger: ledger, sources: sources, nowMillis: nowMillis) }
            tracker.state = .pending
            tracker.pendingSinceMillis = nowMillis
            return nil
        case .pending:
            if !active {
                tracker.state = .inactive
                tracker.pendingSinceMillis = nil
            } else if nowMillis - (tracker.pendingSinceMillis ?? nowMillis) >= rule.forSeconds * 1000 {
                return self.fire(rule, &tracker, value: value, ledger: ledger, sources: sources, nowMillis: nowMillis)
            }
            return nil
        case .firing:
            if !active {
                let started = tracker.firingSinceMillis ?? nowMillis
                tracker.state = .inactive
                tracker.pendingSinceMillis = nil
                tracker.firingSinceMillis = nil
                tracker.resolvedAtMillis = nowMillis
                guard rule.sendResolved else { return nil }
                var notification = self.notification(rule, tracker, value: value, ledger: ledger, sources: sources, status: .resolved, startsAt: started, nowMillis: nowMillis)
                notification.endsAtMillis = nowMillis
                return notification
            }
            guard rule.repeatIntervalSeconds > 0, nowMillis - (tracker.lastNotifiedMillis ?? nowMillis) >= rule.repeatIntervalSeconds * 1000 else { return nil }
            tracker.sequence += 1
            tracker.lastNotifiedMillis = nowMillis
            return self.notification(rule, tracker, value: value, ledger: ledger, sources: sources, status: .firing, startsAt: tracker.firingSinceMillis ?? nowMillis, nowMillis: nowMillis)
        }
    }

    /// Every alarm as the API shows it; a `by` rule once per value it has measured (none yet: once, inactive).
    public func statuses() -> [AlarmStatus] {
        self.rules.flatMap { rule -> [AlarmStatus] in
            let copies = self.tracked(rule)
            return copies.isEmpty ? [self.status(rule, AlarmTracker())] : copies.map { self.status($0.rule, $0.tracker) }
        }
    }

    /// The notification of every firing alarm (each firing value of a `by` rule) as it would read now, for receivers
    /// that are told the whole state again and again (Alertmanager).
    public func firingNotifications(ledger: FunnelLedger, nowMillis: Int64, sources: [DLQSourceStatus] = []) -> [AlarmNotification] {
        self.rules.flatMap { rule in
            self.tracked(rule).filter { $0.tracker.state == .firing }.map { copy in
                self.notification(
                    copy.rule, copy.tracker, value: copy.tracker.lastValue, ledger: ledger, sources: sources, status: .firing,
                    startsAt: copy.tracker.firingSinceMillis ?? nowMillis, nowMillis: nowMillis
                )
            }
        }
    }

    /// The rule with its state: once for a rule without `by`, else once per value measured, by value.
    private func tracked(_ rule: AlarmRule) -> [(rule: AlarmRule, tracker: AlarmTracker)] {
        guard rule.by != nil else { return self.trackers[rule.name].map { [(rule, $0)] } ?? [] }
        return self.trackers.compactMap { key, tracker -> (rule: AlarmRule, tracker: AlarmTracker)? in
            guard AlarmRule.ruleName(ofTrackerKey: key) == rule.name, let group = tracker.group else { return nil }
            return (rule.watching(group.value), tracker)
        }.sorted { $0.rule.group?.value ?? "" < $1.rule.group?.value ?? "" }
    }

    private func status(_ rule: AlarmRule, _ tracker: AlarmTracker) -> AlarmStatus {
        let labels = rule.kind.labels
        let since = tracker.state == .firing ? tracker.firingSinceMillis : tracker.state == .pending ? tracker.pendingSinceMillis : nil
        return AlarmStatus(
            name: rule.name, kind: rule.kind.name, state: tracker.state,
            since: since.map { EventTimestamp.formatRFC3339(millis: $0) },
            value: tracker.lastValue, threshold: rule.condition.threshold,
            summary: Self.summary(rule, value: tracker.lastValue),
            pipeline: rule.kind.pipeline, stage: labels["stage"], queue: labels["queue"],
            labels: rule.notificationLabels,
            resolvedAt: tracker.resolvedAtMillis.map { EventTimestamp.formatRFC3339(millis: $0) },
            group: rule.group
        )
    }

    /// Puts back a saved tracker (after a restart), so a firing alarm does not fire again; `name` is a tracker key
    /// (``AlarmRule/trackerKey``), so each value of a `by` rule is restored with its own state.
    public mutating func restore(_ name: String, state: AlarmState, pendingSinceMillis: Int64?, firingSinceMillis: Int64?,
                                 lastNotifiedMillis: Int64?, sequence: Int, resolvedAtMillis: Int64?) {
        let ruleName = AlarmRule.ruleName(ofTrackerKey: name)
        guard let rule = self.rules.first(where: { $0.name == ruleName }) else { return }
        var tracker = AlarmTracker(keepSeconds: Self.historySeconds(rule.kind))
        if ruleName != name {
            guard let by = rule.by, let group = AlarmGroup(trackerKey: name, label: by) else { return }
            tracker.group = group
        }
        tracker.state = state
        tracker.pendingSinceMillis = pendingSinceMillis
        tracker.firingSinceMillis = firingSinceMillis
        tracker.lastNotifiedMillis = lastNotifiedMillis
        tracker.sequence = sequence
        tracker.resolvedAtMillis = resolvedAtMillis
        self.trackers[name] = tracker
    }

    // MARK: Messages

    private func fire(
        _ rule: AlarmRule, _ tracker: inout AlarmTracker, value: Double?, ledger: FunnelLedger, sources: [DLQSourceStatus], nowMillis: Int64
    ) -> AlarmNotification {
        tracker.state = .firing
        tracker.firingSinceMillis = nowMillis
        tracker.lastNotifiedMillis = nowMillis
        tracker.sequence = 0
        return self.notification(rule, tracker, value: value, ledger: ledger, sources: sources, status: .firing, startsAt: nowMillis, nowMillis: nowMillis)
    }

    func notification(
        _ rule: AlarmRule, _ tracker: AlarmTracker, value: Double?, ledger: FunnelLedger, sources: [DLQSourceStatus],
        status: AlarmNotification.Status, startsAt: Int64, nowMillis: Int64
    ) -> AlarmNotification {
        let labels = rule.notificationLabels
        let valueText = value.map(rule.kind.describe) ?? "no data"
        let thresholdText = rule.kind.describe(rule.condition.threshold)
        var annotations: [String: String] = [:]
        for (name, template) in rule.annotations {
            annotations[name] = AlarmText.fill(template, value: valueText, threshold: thresholdText, labels: labels)
        }
        let summary = Self.summary(rule, value: value)
        let context: String?
        if case .dlqSourceDown = rule.kind {
            let errors = AlarmMeasurement.sources(of: rule.kind, in: sources).filter { $0.up == false }.compactMap(\.lastError)
            context = errors.isEmpty ? nil : errors.joined(separator: "\n")
        } else {
            context = AlarmContext.line(for: rule.kind, ledger: ledger, nowMillis: nowMillis, group: rule.group)
        }
        if annotations["summary"] == nil { annotations["summary"] = summary }
        if annotations["description"] == nil, let context { annotations["description"] = context }
        return AlarmNotification(
            alarm: rule.name, status: status, labels: labels, annotations: annotations, startsAtMillis: startsAt,
            endsAtMillis: nil, fingerprint: rule.fingerprint, value: value, threshold: rule.condition.threshold,
            summary: summary, context: context, receivers: rule.receivers, sequence: tracker.sequence
        )
    }

    /// One line with the numbers, e.g. `orders-dlq depth 340 (threshold 100, for 1m)`.
    public static func summary(_ rule: AlarmRule, value: Double?) -> String {
        let shown = value.map(rule.kind.describe) ?? "no data"
        let threshold = rule.kind.describe(rule.condition.threshold)
        let held = rule.forSeconds > 0 ? ", for \(DurationText.format(seconds: rule.forSeconds))" : ""
        let what: String
        switch rule.kind {
        case .dlqDepth(_, let queue, _): what = "\(queue) depth \(shown)"
        case .dlqGrowth(let pipeline, let stage, _): what = "\(stage ?? pipeline) dead-lettering \(shown)"
        case .silentLoss(_, let stage, let window): what = "\(stage) silent loss \(shown) in the last settled \(DurationText.format(seconds: window))"
        case .transitLoss(_, let from, let to, let window):
            what = "\(from) -> \(to ?? "next stage") transit loss \(shown) in the last settled \(DurationText.format(seconds: window))"
        case .deliveryRatio(let pipeline, let window): what = "\(pipeline) delivery ratio \(shown) in the last settled \(DurationText.format(seconds: window))"
        case .latency(_, let stage, let percentile, let window):
            what = "\(stage ?? "end-to-end") p\(AlarmText.number(percentile)) latency \(shown) over \(window.rawValue)"
        case .dlqSourceDown(let pipeline, let queue, let source):
            let target = source ?? queue.map { "\(pipeline)/\($0)" } ?? "of pipeline \(pipeline)"
            return "\(rule.name): DLQ source \(target) is \(value.map(rule.kind.describe) ?? "not polled yet")\(held)"
        case .watermarkLag(let pipeline, let stage): what = "\(stage ?? pipeline) watermark \(shown) behind"
        case .comparison(let comparison, .deliveryGap, let window):
            what = "\(comparison.candidate) delivers \(shown) less than \(comparison.baseline) in the last settled \(DurationText.format(seconds: window))"
        case .comparison(let comparison, .inputMismatch, let window):
            what = "\(comparison.candidate) and \(comparison.baseline) ingested inputs \(shown) apart in the last settled \(DurationText.format(seconds: window))"
        case .stalled(_, let stage, _):
            let silence = value.map { DurationText.format(seconds: Int64(rounding: max(0, $0), .down) ?? .max) } ?? "no data"
            return "\(rule.name): \(stage) received nothing for \(silence) while the stage before it kept passing events on\(held)"
        }
        let whose = rule.group.map { " for \($0.label) \($0.value.isEmpty ? "(none)" : $0.value)" } ?? ""
        return "\(rule.name): \(what)\(whose) (threshold \(threshold)\(held))"
    }

    static func historySeconds(_ kind: AlarmKind) -> Int64 {
        switch kind {
        case .dlqGrowth(_, _, let window), .stalled(_, _, let window): window + 60
        default: 0
        }
    }
}
