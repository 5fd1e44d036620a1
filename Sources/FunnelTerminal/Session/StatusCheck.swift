public import FunnelCore
import Foundation

/// `funnel status` without the command line: one round of requests, a report, and a Nagios-style verdict.
public struct StatusCheck: Sendable {
    public var client: FunnelAPIClient
    /// Only this pipeline and the alarms about it; nil for all.
    public var pipeline: String?
    public var window: LatencyWindow

    /// What to print and how to exit.
    public struct Outcome: Sendable {
        public var standardOutput: String
        public var standardError: String
        public var verdict: StatusVerdict
    }

    public init(client: FunnelAPIClient, pipeline: String? = nil, window: LatencyWindow = .fiveMinutes) {
        self.client = client
        self.pipeline = pipeline
        self.window = window
    }

    /// Asks the server; never throws: an unreachable server or unknown pipeline is the verdict `unknown` (exit 3).
    public func run(json: Bool, color: Bool) async -> Outcome {
        do {
            let known = try await self.client.pipelines().map(\.name)
            if let pipeline, !known.contains(pipeline) {
                let have = known.isEmpty ? "the server has no pipelines yet" : "the server has " + known.joined(separator: ", ")
                return Outcome(standardOutput: "", standardError: "UNKNOWN: no pipeline named \(String(reflecting: pipeline)); \(have)\n", verdict: .unknown)
            }
            let names = self.pipeline.map { [$0] } ?? known
            let allAlarms = try await self.client.alarms()
            let alarms = (allAlarms ?? []).filter { alarm in self.pipeline == nil || alarm.pipeline == self.pipeline }
            let verdict = StatusVerdict(alarms: alarms)
            if json {
                var bodies: [String] = []
                for name in names {
                    bodies.append(String(decoding: try await self.client.funnelBody(pipeline: name, window: self.window), as: UTF8.self))
                }
                let text = self.pipeline != nil ? bodies.joined() : "[" + bodies.joined(separator: ",") + "]"
                return Outcome(standardOutput: text + "\n", standardError: "", verdict: verdict)
            }
            var funnels: [PipelineFunnel] = []
            for name in names {
                funnels.append(try await self.client.funnel(pipeline: name, window: self.window))
            }
            let queues = try await self.client.queues() ?? []
            let report = StatusReport(server: self.client.baseURL, funnels: funnels, alarms: alarms, alarmsAvailable: allAlarms != nil, queues: queues)
            return Outcome(standardOutput: report.lines(color: color).joined(separator: "\n") + "\n", standardError: "", verdict: verdict)
        } catch {
            return Outcome(standardOutput: "", standardError: "UNKNOWN: \(error)\n", verdict: .unknown)
        }
    }
}
