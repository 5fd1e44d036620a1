extension AlarmList: MetricsSource {
    /// Writes the state of each alarm, one series per value of a `by` rule (`{alarm, tenant}`).
    public func emit(into writer: inout ExpositionWriter) {
        writer.family("funnel_alarm_state", .gauge, help: "State of each alarm: 0 inactive, 1 pending, 2 firing.")
        for alarm in self.alarms {
            var labels = ExpositionLabels(["alarm": alarm.name])
            if let group = alarm.group { labels = labels.appending(group.label, group.value) }
            writer.sample(labels, alarm.state.metricValue)
        }
    }
}
