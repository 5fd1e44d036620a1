public import FunnelCore
import Foundation

/// `funnel status` without the command line: one round of requests, a report, and a Nagios-style verdict.
public struct StatusCheck: Sendable {
    /// The servers to ask, in order: one, or the shards of a deployment (each owning whole pipelines).
    public var clients: [FunnelAPIClient]
    /// The pipelines to report, and the alarms that count: theirs. All when it does not narrow.
    public var selection: PipelineSelection
    public var window: LatencyWindow
    /// List each pipeline's worst values of this label (`--by tenant`).
    public var by: String?
    /// Restrict every funnel to the reports carrying these label values (`--label tenant:acme`); pipelines that do
    /// not declare them all are left out.
    public var labels: [String: String]
    /// How many values `--by` lists per pipeline.
    public static let groupLimit = 10

    /// The first server, for a single-server check.
    public var client: FunnelAPIClient { self.clients[0] }

    /// What to print and how to exit.
    public struct Outcome: Sendable {
        public var standardOutput: String
        public var standardError: String
        public var verdict: StatusVerdict
    }

    public init(
        client: FunnelAPIClient, selection: PipelineSelection = PipelineSelection(), window: LatencyWindow = .fiveMinutes, by: String? = nil,
        labels: [String: String] = [:]
    ) {
        self.init(clients: [client], selection: selection, window: window, by: by, labels: labels)
    }

    /// A check of the union of `clients`' pipelines; `clients` must not be empty.
    public init(
        clients: [FunnelAPIClient], selection: PipelineSelection = PipelineSelection(), window: LatencyWindow = .fiveMinutes, by: String? = nil,
        labels: [String: String] = [:]
    ) {
        precondition(!clients.isEmpty, "StatusCheck needs at least one server")
        self.clients = clients
        self.selection = selection
        self.window = window
        self.by = by
        self.labels = labels
    }

    /// Asks the servers; never throws: no server answering, or a pattern that matches no pipeline, is the verdict
    /// `unknown` (exit 3). With several servers, one that does not answer is marked down and its pipelines are left
    /// out; the verdict is then unknown unless an alarm fires elsewhere. `--by` and `--label` ask each pipeline's
    /// own server.
    public func run(json: Bool, color: Bool) async -> Outcome {
        var owners: [String: FunnelAPIClient] = [:]
        var known: [String] = []
        var declared: [String: [String]] = [:]
        var down: [(server: String, error: FunnelAPIError)] = []
        for client in self.clients {
            do {
                for descriptor in try await client.pipelines() where owners[descriptor.name] == nil {
                    owners[descriptor.name] = client
                    known.append(descriptor.name)
                    declared[descriptor.name] = descriptor.labels ?? []
                }
            } catch {
                down.append((client.baseURL, error))
            }
        }
        if down.count == self.clients.count {
            let text = down.map { "UNKNOWN: \($0.error)\n" }.joined()
            return Outcome(standardOutput: "", standardError: text, verdict: .unknown)
        }
        do {
            let unmatched = self.selection.unmatched(known)
            if !unmatched.isEmpty {
                let missing = unmatched.map { ($0.isLiteral ? "no pipeline named " : "no pipeline matches ") + String(reflecting: $0.pattern) }
                return Outcome(standardOutput: "", standardError: "UNKNOWN: \(missing.joined(separator: ", ")); \(Self.describe(known))\n", verdict: .unknown)
            }
            let matching = self.selection.matching(known)
            let filterLabels = Set(self.labels.keys)
            var names = matching.filter { filterLabels.isSubset(of: declared[$0] ?? []) }
            let answering = self.clients.filter { client in !down.contains { $0.server == client.baseURL } }
            var allAlarms: [AlarmStatus]?
            var queues: [QueueDepth] = []
            for client in answering {
                if let alarms = try await client.alarms() { allAlarms = (allAlarms ?? []) + alarms }
                queues += try await client.queues() ?? []
            }
            var bodies: [String: [UInt8]] = [:]
            var funnels: [String: PipelineFunnel] = [:]
            var groups: [String: GroupedFunnel] = [:]
            for name in names {
                guard let owner = owners[name] else { continue }
                let groupable = self.by.map { (declared[name] ?? []).contains($0) } ?? false
                if json {
                    if let by = self.by, groupable {
                        bodies[name] = try await owner.groupedFunnelBody(pipeline: name, by: by, labels: self.labels, limit: Self.groupLimit)
                    } else {
                        bodies[name] = try await owner.funnelBody(pipeline: name, window: self.window, labels: self.labels)
                    }
                }
                if !json || self.selection.worst != nil { funnels[name] = try await owner.funnel(pipeline: name, window: self.window, labels: self.labels) }
                if !json, let by = self.by, groupable {
                    groups[name] = try await owner.groupedFunnel(pipeline: name, by: by, labels: self.labels, limit: Self.groupLimit)
                }
            }
            if let worst = self.selection.worst {
                names = PipelineTrouble.ranked(names, funnels: funnels, alarms: allAlarms ?? []).prefix(worst).map(\.pipeline)
            }
            let chosen = Set(names)
            let alarms = (allAlarms ?? []).filter { !self.selection.narrows || chosen.contains($0.pipeline) }
            var report = StatusReport(
                server: self.client.baseURL, funnels: names.compactMap { funnels[$0] }, alarms: alarms, alarmsAvailable: allAlarms != nil, queues: queues
            )
            if self.clients.count > 1 {
                report.servers = self.clients.map(\.baseURL)
                report.serverOfPipeline = owners.mapValues(\.baseURL)
                report.downServers = down.map { ($0.server, $0.error.shortDescription) }
            }
            if json {
                let texts = names.map { String(decoding: bodies[$0] ?? [], as: UTF8.self) }
                let text = self.selection.isSinglePipeline ? texts.joined() : "[" + texts.joined(separator: ",") + "]"
                let warnings = down.map { "DOWN: \($0.error)\n" }.joined()
                return Outcome(standardOutput: text + "\n", standardError: warnings, verdict: report.verdict)
            }
            report.serverPipelines = known.count
            report.mostTroubleFirst = self.selection.worst != nil
            report.by = self.by
            report.groups = groups
            report.declaredLabels = declared
            report.withoutFilterLabels = matching.filter { !filterLabels.isSubset(of: declared[$0] ?? []) }
            return Outcome(standardOutput: report.lines(color: color).joined(separator: "\n") + "\n", standardError: "", verdict: report.verdict)
        } catch {
            return Outcome(standardOutput: "", standardError: "UNKNOWN: \(error)\n", verdict: .unknown)
        }
    }

    /// `the server has orders, billing`, at most ten names.
    static func describe(_ known: [String]) -> String {
        guard !known.isEmpty else { return "the server has no pipelines yet" }
        let shown = known.prefix(10).joined(separator: ", ")
        return "the server has " + (known.count > 10 ? "\(known.count) pipelines: \(shown), …" : shown)
    }
}
