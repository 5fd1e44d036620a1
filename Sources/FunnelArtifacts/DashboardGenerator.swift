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

    public init(pipelines: [PipelineDefinition] = [], comparisons: [Comparison] = []) {
        self.pipelines = pipelines
        self.comparisons = comparisons
    }

    /// The generic dashboard, `Dashboards/funnel-overview.json` byte for byte, embedded from
    /// `Resources/funnel-overview.json` at build time (no bundle to find at run time). `DashboardGeneratorTests`
    /// keeps the two files equal; edit the resource, then regenerate the file with
    /// `funnel generate dashboard --output Dashboards/funnel-overview.json`.
    static let genericDashboard = String(decoding: PackageResources.funnel_overview_json, as: UTF8.self)

    /// The dashboard's JSON text.
    public func render() -> String {
        var text = Self.appendingComparisonRows(self.comparisons, to: Self.genericDashboard)
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
