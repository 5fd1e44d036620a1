public import FunnelCore

/// Writes the Grafana dashboard for Funnel, specialised to the declared pipelines.
///
/// With no pipelines it writes the generic `Dashboards/funnel-overview.json` byte for byte. With pipelines, the
/// `pipeline` variable offers only those (its `regex`), and the title and `uid` name them, so one Grafana can hold
/// a dashboard per team next to the generic one; each comparison adds a row at the end. Every panel query is the generic one, proven by
/// `DashboardProofTests` against a real Prometheus.
public struct DashboardGenerator: Sendable {
    public var pipelines: [PipelineDefinition]
    /// Each gets a row of its own at the end (``appendingComparisonRows(_:to:)``).
    public var comparisons: [Comparison]
    /// The job the `job` variable selects when the dashboard opens; nil selects every job.
    public var job: String?
    /// Where the Runbooks link points: this URL plus `#runbooks`.
    public var runbookBaseURL: String

    public init(
        pipelines: [PipelineDefinition] = [], comparisons: [Comparison] = [], job: String? = nil,
        runbookBaseURL: String = RuleFileGenerator.defaultRunbookBaseURL
    ) {
        self.pipelines = pipelines
        self.comparisons = comparisons
        self.job = job
        self.runbookBaseURL = runbookBaseURL
    }

    /// The generic dashboard, `Dashboards/funnel-overview.json` byte for byte, embedded from
    /// `Resources/funnel-overview.json` at build time (no bundle to find at run time). `DashboardGeneratorTests`
    /// keeps the two files equal; edit the resource, then regenerate the file with
    /// `funnel generate dashboard --output Dashboards/funnel-overview.json`.
    static let genericDashboard = String(decoding: PackageResources.funnel_overview_json, as: UTF8.self)

    /// The dashboard's JSON text.
    public func render() -> String {
        var text = Self.appendingComparisonRows(self.comparisons, to: Self.genericDashboard)
        if self.runbookBaseURL != RuleFileGenerator.defaultRunbookBaseURL {
            text = text.replacingAll(
                #""url": "# + Self.jsonString(RuleFileGenerator.defaultRunbookBaseURL + "#runbooks"),
                with: #""url": "# + Self.jsonString(self.runbookBaseURL + "#runbooks")
            )
        }
        if let job = self.job, let variable = text.firstRange(of: #""name": "job","#),
            let current = text[variable.upperBound...].firstRange(of: Self.allSelected)
        {
            let value = Self.jsonString(job)
            text.replaceSubrange(current, with: "\"text\": [\n            \(value)\n          ],\n          \"value\": [\n            \(value)\n          ]")
        }
        guard !self.pipelines.isEmpty else { return text }
        let names = self.pipelines.map(\.name)
        let regex = "/^(" + RuleFileGenerator.alternatives(names) + ")$/"
        if let variable = text.firstRange(of: #""name": "pipeline","#),
            let field = text[variable.upperBound...].firstRange(of: #""regex": "","#)
        {
            text.replaceSubrange(field, with: #""regex": "# + Self.jsonString(regex) + ",")
        }
        let title = "Funnel / Overview: " + names.joined(separator: ", ")
        text = text.replacingAll(#"  "title": "Funnel / Overview","#, with: #"  "title": "# + Self.jsonString(title) + ",")
        let uid = String(("funnel-" + names.joined(separator: "-")).prefix(40))
        text = text.replacingAll(#"  "uid": "funnel-overview","#, with: #"  "uid": "# + Self.jsonString(uid) + ",")
        return text
    }

    /// A variable's `current` selecting All, as the generic dashboard writes it.
    static let allSelected = "\"text\": [\n            \"All\"\n          ],\n          \"value\": [\n            \"$__all\"\n          ]"

    /// `value` as a JSON string literal.
    static func jsonString(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case _ where scalar.value < 0x20: result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
