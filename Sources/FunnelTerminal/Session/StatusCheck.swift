public import FunnelCore
import Foundation

/// `funnel status` without the command line: one round of requests, a report, and a Nagios-style verdict.
public struct StatusCheck: Sendable {
    public var client: FunnelAPIClient
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
        self.client = client
        self.selection = selection
        self.window = window
        self.by = by
        self.labels = labels
    }

    /// Asks the server; never throws: an unreachable server or a pattern that matches no pipeline is the verdict
    /// `unknown` (exit 3).
    public func run(json: Bool, color: Bool) async -> Outcome {
        do {
            let descriptors = try await self.client.pipelines()
            let known = descriptors.map(\.name)
            let declared = Dictionary(descriptors.map { ($0.name, $0.labels ?? []) }, uniquingKeysWith: { first, _ in first })
            let unmatched = self.selection.unmatched(known)
            if !unmatched.isEmpty {
                let missing = unmatched.map { ($0.isLiteral ? "no pipeline named " : "no pipeline matches ") + String(reflecting: $0.pattern) }
                return Outcome(standardOutput: "", standardError: "UNKNOWN: \(missing.joined(separator: ", ")); \(Self.describe(known))\n", verdict: .unknown)
            }
            let matching = self.selection.matching(known)
            let filterLabels = Set(self.labels.keys)
            var names = matching.filter { filterLabels.isSubset(of: declared[$0] ?? []) }
            let allAlarms = try await self.client.alarms()
            var bodies: [String: [UInt8]] = [:]
            var funnels: [String: PipelineFunnel] = [:]
            var groups: [String: GroupedFunnel] = [:]
            for name in names {
                let groupable = self.by.map { (declared[name] ?? []).contains($0) } ?? false
                if json {
                    if let by = self.by, groupable {
                        bodies[name] = try await self.client.groupedFunnelBody(pipeline: name, by: by, labels: self.labels, limit: Self.groupLimit)
                    } else {
                        bodies[name] = try await self.client.funnelBody(pipeline: name, window: self.window, labels: self.labels)
                    }
                }
                if !json || self.selection.worst != nil { funnels[name] = try await self.client.funnel(pipeline: name, window: self.window, labels: self.labels) }
                if !json, let by = self.by, groupable {
                    groups[name] = try await self.client.groupedFunnel(pipeline: name, by: by, labels: self.labels, limit: Self.groupLimit)
                }
            }
            if let worst = self.selection.worst {
                names = PipelineTrouble.ranked(names, funnels: funnels, alarms: allAlarms ?? []).prefix(worst).map(\.pipeline)
            }
            let chosen = Set(names)
            let alarms = (allAlarms ?? []).filter { !self.selection.narrows || chosen.contains($0.pipeline) }
            let verdict = StatusVerdict(alarms: alarms)
            if json {
                let texts = names.map { String(decoding: bodies[$0] ?? [], as: UTF8.self) }
                let text = self.selection.isSinglePipeline ? texts.joined() : "[" + texts.joined(separator: ",") + "]"
                return Outcome(standardOutput: text + "\n", standardError: "", verdict: verdict)
            }
            let queues = try await self.client.queues() ?? []
            var report = StatusReport(
                server: self.client.baseURL, funnels: names.compactMap { funnels[$0] }, alarms: alarms, alarmsAvailable: allAlarms != nil, queues: queues
            )
            report.serverPipelines = known.count
            report.mostTroubleFirst = self.selection.worst != nil
            report.by = self.by
            report.groups = groups
            report.declaredLabels = declared
            report.withoutFilterLabels = matching.filter { !filterLabels.isSubset(of: declared[$0] ?? []) }
            return Outcome(standardOutput: report.lines(color: color).joined(separator: "\n") + "\n", standardError: "", verdict: verdict)
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
