extension AlarmEvaluator {
    /// Takes the rules of a reloaded configuration: a rule whose name was known keeps its state and history, a new
    /// one starts inactive, and a removed one that was firing resolves.
    ///
    /// Returns the `resolved` notifications of removed firing rules that have `send_resolved`.
    public mutating func replaceRules(with rules: [AlarmRule], ledger: FunnelLedger, nowMillis: Int64, sources: [DLQSourceStatus] = []) -> [AlarmNotification] {
        var notifications: [AlarmNotification] = []
        let names = Set(rules.map(\.name))
        for (key, var tracker) in self.trackers.sorted(by: { $0.key < $1.key }) where tracker.state == .firing {
            let ruleName = AlarmRule.ruleName(ofTrackerKey: key)
            guard !names.contains(String(ruleName)), let base = self.rules.first(where: { $0.name == ruleName }) else { continue }
            let rule = tracker.group.map { base.watching($0.value) } ?? base
            let started = tracker.firingSinceMillis ?? nowMillis
            tracker.state = .inactive
            tracker.resolvedAtMillis = nowMillis
            if rule.sendResolved {
                var notification = self.notification(
                    rule, tracker, value: tracker.lastValue, ledger: ledger, sources: sources, status: .resolved, startsAt: started, nowMillis: nowMillis
                )
                notification.endsAtMillis = nowMillis
                notifications.append(notification)
            }
        }
        var trackers: [String: AlarmTracker] = [:]
        for rule in rules {
            trackers[rule.name] = self.trackers[rule.name] ?? AlarmTracker(keepSeconds: Self.historySeconds(rule.kind))
        }
        for (key, tracker) in self.trackers where tracker.group != nil {
            guard let rule = rules.first(where: { $0.name == AlarmRule.ruleName(ofTrackerKey: key) }), rule.by == tracker.group?.label else { continue }
            trackers[key] = tracker
        }
        self.rules = rules
        self.trackers = trackers
        return notifications
    }
}
