extension AlarmList: MetricsSource {
    /// Writes the state of each alarm, labelled with what it watches and its severity, as its notifications are, one
    /// series per value of a `by` rule (`tenant="acme"` last).
    public func emit(into writer: inout ExpositionWriter) {
        writer.family("funnel_alarm_state", .gauge, help: "State of each alarm: 0 inactive, 1 pending, 2 firing.")
        for alarm in self.alarms {
            var labels = ExpositionLabels(["alarm": alarm.name, "pipeline": alarm.pipeline])
            if let stage = alarm.stage { labels = labels.appending("stage", stage) }
            if let queue = alarm.queue { labels = labels.appending("queue", queue) }
            labels = labels.appending("severity", alarm.labels["severity"] ?? AlarmRule.defaultSeverity)
            if let group = alarm.group { labels = labels.appending(group.label, group.value) }
            writer.sample(labels, alarm.state.metricValue)
        }
    }
}
