extension AlarmEvaluator {
    /// Takes the rules of a reloaded configuration: a rule whose name was known keeps its state and history, a new
    /// one starts inactive, and a removed one that was firing resolves.
    ///
    /// Returns the `resolved` notifications of removed firing rules that have `send_resolved`.
    public mutating func replaceRules(with rules: [AlarmRule], ledger: FunnelLedger, nowMillis: Int64, sources: [DLQSourceStatus] = []) -> [AlarmNotification] {
        var notifications: [AlarmNotification] = []
        let names = Set(rules.map(\.name))
        for rule in self.rules where !names.contains(rule.name) {
            guard var tracker = self.trackers[rule.name], tracker.state == .firing else { continue }
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
        self.rules = rules
        self.trackers = trackers
        return notifications
    }
}
