import Foundation

/// collectd in the foreground (`collectd -f -C conf`) with the `statsd` and `write_prometheus` plugins: the C daemon
/// that turns StatsD into a Prometheus endpoint, the peer of Funnel's StatsD listener.
final class CollectdDaemon {
    let process: ChildProcess
    let http: LoopbackHTTP
    let statsdPort: Int
    let directory: String
    let intervalSeconds: Int

    /// Starts collectd with an `Interval` of `intervalSeconds`; counters, timers and gauges are kept between intervals
    /// (`Delete* false`), timers report count and percentiles 50, 99 and 99.9.
    init(intervalSeconds: Int) throws(FigureError) {
        let directory = NSTemporaryDirectory() + "collectd-bench-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let statsdPort = try LoopbackHTTP.freePort()
        let port = try LoopbackHTTP.freePort()
        let config = """
            Hostname "bench"
            FQDNLookup false
            BaseDir "\(directory)"
            PIDFile "\(directory)/collectd.pid"
            TypesDB "/usr/share/collectd/types.db"
            Interval \(intervalSeconds)
            LoadPlugin statsd
            LoadPlugin write_prometheus
            <Plugin statsd>
              Host "127.0.0.1"
              Port "\(statsdPort)"
              DeleteCounters false
              DeleteTimers false
              DeleteGauges false
              DeleteSets false
              TimerPercentile 50
              TimerPercentile 99
              TimerPercentile 99.9
              TimerCount true
            </Plugin>
            <Plugin write_prometheus>
              Host "127.0.0.1"
              Port "\(port)"
            </Plugin>

            """
        let configPath = directory + "/collectd.conf"
        do {
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        } catch {
            throw FigureError("writing \(configPath): \(error)")
        }
        self.directory = directory
        self.statsdPort = statsdPort
        self.intervalSeconds = intervalSeconds
        self.http = LoopbackHTTP(port: port)
        self.process = try ChildProcess("collectd", executable: "/usr/sbin/collectd", arguments: ["-f", "-C", configPath], logPath: directory + "/collectd.log")
        try FunnelServe.waitUntilReady(self.process, self.http, path: "/metrics")
    }

    /// Stops collectd and removes its directory.
    func stop() {
        self.process.stop()
        try? FileManager.default.removeItem(atPath: self.directory)
    }
}
