import FunnelCore

/// `funnel status --by LABEL` and `--label NAME:VALUE`: each pipeline's worst values of a label, and what a filter left out.
extension StatusReport {
    /// `  worst by tenant: 10 of 412 values, most settled loss first` and a table of them, or why there is none.
    func groupLines(_ pipeline: String) -> [String] {
        guard let by = self.by else { return [] }
        guard let grouped = self.groups[pipeline] else {
            let declared = self.declaredLabels[pipeline] ?? []
            return ["  by \(by): \(pipeline) does not declare the label \(by) (declares \(declared.isEmpty ? "no labels" : declared.joined(separator: ", ")))"]
        }
        let shown = grouped.groups.count
        let count = shown == grouped.groupCount ? "\(shown) value\(shown == 1 ? "" : "s")" : "\(shown) of \(grouped.groupCount) values"
        guard shown > 0 else { return ["  worst by \(by): no reports yet"] }
        var table = TextTable(headers: [by.uppercased(), "LOST", "LOSS_SHARE", "DELIVERY", "IN_FLIGHT", "INGESTED"], rightAligned: [false, true, true, true, true, true])
        let total = self.funnels.first { $0.pipeline == pipeline }?.totals.lost
            ?? grouped.groups.reduce(UInt64(0)) { $0.addingReportingOverflow($1.totals.lost).partialValue }
        for group in grouped.groups {
            let totals = group.totals
            table.append([
                group.value.isEmpty ? "(none)" : group.value, String(totals.lost), total == 0 ? "-" : NumberText.percent(Double(totals.lost) / Double(total)),
                totals.deliveryRatio.map { NumberText.percent($0, digits: 2) } ?? "n/a", String(totals.inFlight), String(totals.ingested),
            ])
        }
        var lines = ["  worst by \(by): \(count), most settled loss first"] + table.lines(indent: "    ")
        if grouped.groups.contains(where: { $0.value == LabelSet.otherValue }) {
            lines.append("    \(LabelSet.otherValue): values past limits.max_label_values, counted together; the pipeline's totals stay exact")
        }
        return lines
    }

    /// `(billing, clicks do not declare tenant: not shown)` when `--label` left pipelines out.
    func filterNote() -> [String] {
        guard !self.withoutFilterLabels.isEmpty else { return [] }
        let names = self.withoutFilterLabels
        return ["", "Not shown: \(names.joined(separator: ", ")) (\(names.count == 1 ? "does" : "do") not declare every label of --label)."]
    }

    /// `{tenant=acme}` for a funnel restricted to label values; empty for a whole pipeline.
    static func labelText(_ labels: [String: String]?) -> String {
        guard let labels, !labels.isEmpty else { return "" }
        return "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "}"
    }
}
