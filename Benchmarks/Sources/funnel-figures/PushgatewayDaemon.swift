import Foundation

/// Prometheus Pushgateway (Debian `prometheus-pushgateway`) without persistence: the peer for pushing counters over HTTP.
final class PushgatewayDaemon {
    let process: ChildProcess
    let http: LoopbackHTTP
    let directory: String

    /// Starts `prometheus-pushgateway --web.listen-address=127.0.0.1:P --persistence.file=` and waits for `/-/ready`.
    init() throws(FigureError) {
        let directory = NSTemporaryDirectory() + "pushgateway-bench-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let port = try LoopbackHTTP.freePort()
        self.directory = directory
        self.http = LoopbackHTTP(port: port)
        self.process = try ChildProcess(
            "pushgateway", executable: "/usr/bin/prometheus-pushgateway",
            arguments: ["--web.listen-address=127.0.0.1:\(port)", "--persistence.file=", "--log.level=warn"],
            logPath: directory + "/pushgateway.log"
        )
        try FunnelServe.waitUntilReady(self.process, self.http, path: "/-/ready")
    }

    /// Pushes a text-format body to the group `/metrics/job/JOB[/instance/INSTANCE]` (POST: replaces those names);
    /// throws unless accepted.
    func push(_ body: [UInt8], job: String, instance: String? = nil) throws(FigureError) {
        let path = "/metrics/job/\(job)" + (instance.map { "/instance/\($0)" } ?? "")
        let response = try self.http.request("POST", path, body: body, contentType: "text/plain; version=0.0.4")
        guard (200..<300).contains(response.status) else { throw FigureError("POST \(path): status \(response.status): \(response.text.prefix(300))") }
    }

    /// Stops the Pushgateway and removes its directory.
    func stop() {
        self.process.stop()
        try? FileManager.default.removeItem(atPath: self.directory)
    }
}
