import Foundation

/// The run's results: tables printed as each scenario finishes, one JSON object per scenario with named fields,
/// and the targets with met / not met.
final class FigureReport {
    /// One of the targets and where the run stands.
    struct Target {
        var name: String
        var measured: String
        var met: Bool?
        /// Shown instead of met / not met when the answer needs words.
        var status: String?
    }

    private(set) var scenarios: [String: Any] = [:]
    private(set) var targets: [Target] = []
    private(set) var markdown = ""

    /// Prints a markdown table under a heading (and keeps it for the summary file).
    func table(_ title: String, _ header: [String], _ rows: [[String]], notes: [String] = []) {
        var text = "\n## \(title)\n\n"
        text += "| " + header.joined(separator: " | ") + " |\n"
        text += "|" + String(repeating: "---|", count: header.count) + "\n"
        for row in rows { text += "| " + row.joined(separator: " | ") + " |\n" }
        if !notes.isEmpty { text += "\n" + notes.map { "- " + $0 }.joined(separator: "\n") + "\n" }
        print(text, terminator: "")
        fflush(nil)
        self.markdown += text
    }

    /// Keeps `object` as the JSON of `scenario`.
    func record(_ scenario: String, _ object: [String: Any]) {
        self.scenarios[scenario] = object
    }

    /// Records a target; `met` is nil when the run could not measure it, `status` replaces met / not met.
    func target(_ name: String, _ measured: String, met: Bool?, status: String? = nil) {
        self.targets.append(Target(name: name, measured: measured, met: met, status: status))
    }

    /// Prints the targets table and writes `{"machine", "scenarios", "targets"}` to `jsonPath`.
    func finish(jsonPath: String?, markdownPath: String?, machine: [String: Any]) throws {
        self.table(
            "Targets (issue #9)", ["target", "measured", "status"],
            self.targets.map { [$0.name, $0.measured, $0.status ?? $0.met.map { $0 ? "met" : "**not met**" } ?? "not measured"] }
        )
        let object: [String: Any] = [
            "machine": machine,
            "scenarios": self.scenarios,
            "targets": self.targets.map {
                ["name": $0.name, "measured": $0.measured, "met": $0.met.map { $0 as Any } ?? NSNull(), "status": $0.status ?? ""] as [String: Any]
            },
        ]
        if let jsonPath {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
            try data.write(to: URL(fileURLWithPath: jsonPath))
        }
        if let markdownPath {
            try self.markdown.write(toFile: markdownPath, atomically: true, encoding: .utf8)
        }
    }
}

/// Number formats for the tables.
enum Format {
    /// A whole number with thousands separators: `1,234,567`.
    static func count(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let digits = String(Int(value.rounded()))
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 && character != "-" { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    /// `value` with `places` decimals.
    static func fixed(_ value: Double, _ places: Int) -> String {
        guard value.isFinite else { return "-" }
        return String(format: "%.\(places)f", value)
    }

    /// A ratio as a percentage with `places` decimals.
    static func percent(_ ratio: Double, _ places: Int = 1) -> String {
        guard ratio.isFinite else { return "-" }
        return String(format: "%.\(places)f%%", ratio * 100)
    }

    /// Bytes in MiB with one decimal.
    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    /// A ratio `a / b` as `1.23x`.
    static func times(_ ratio: Double) -> String {
        guard ratio.isFinite else { return "-" }
        return String(format: "%.2fx", ratio)
    }
}
