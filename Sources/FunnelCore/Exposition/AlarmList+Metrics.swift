extension AlarmList: MetricsSource {
    /// Writes the state of each alarm.
    public func emit(into writer: inout ExpositionWriter) {
        writer.family("funnel_alarm_state", .gauge, help: "State of each alarm: 0 inactive, 1 pending, 2 firing.")
        for alarm in self.alarms {
            writer.sample(ExpositionWriter.labels(["alarm": alarm.name]), alarm.state.metricValue)
        }
    }
}
