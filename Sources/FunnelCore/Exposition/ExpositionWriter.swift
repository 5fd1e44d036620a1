/// Writes metric families as Prometheus text 0.0.4 or OpenMetrics 1.0, straight into a byte buffer.
///
/// Families are named without type suffixes (`funnel_stage_events`); the writer adds `_total` to counter
/// samples and `_info` to info samples, and names the family as each format wants it in `# HELP` / `# TYPE`.
public struct ExpositionWriter: Sendable {
    public let format: ExpositionFormat
    public private(set) var bytes: [UInt8] = []
    private var sampleName: [UInt8] = []

    public init(format: ExpositionFormat, reservingCapacity capacity: Int = 16 * 1024) {
        self.format = format
        self.bytes.reserveCapacity(capacity)
    }

    /// Starts a family: writes its `# HELP` and `# TYPE` lines and sets the name its samples use.
    public mutating func family(_ name: String, _ type: MetricType, help: String) {
        let sample: String
        let headerName: String
        let typeName: String
        switch (type, self.format) {
        case (.counter, .prometheusText): (sample, headerName, typeName) = (name + "_total", name + "_total", "counter")
        case (.counter, .openMetrics): (sample, headerName, typeName) = (name + "_total", name, "counter")
        case (.gauge, _): (sample, headerName, typeName) = (name, name, "gauge")
        case (.info, .prometheusText): (sample, headerName, typeName) = (name + "_info", name + "_info", "gauge")
        case (.info, .openMetrics): (sample, headerName, typeName) = (name + "_info", name, "info")
        case (.histogram, _): (sample, headerName, typeName) = (name, name, "histogram")
        case (.summary, _): (sample, headerName, typeName) = (name, name, "summary")
        }
        self.append("# HELP ")
        self.append(headerName)
        self.bytes.append(UInt8(ascii: " "))
        self.appendEscaped(help, quotes: self.format == .openMetrics)
        self.append("\n# TYPE ")
        self.append(headerName)
        self.bytes.append(UInt8(ascii: " "))
        self.append(typeName)
        self.bytes.append(UInt8(ascii: "\n"))
        self.sampleName = Array(sample.utf8)
    }

    /// Writes an unlabelled sample of the current family.
    public mutating func sample(_ value: UInt64) {
        self.sample("", value)
    }

    /// Writes a sample of the current family with an integer value; `labels` is a string from ``labels(_:)``.
    public mutating func sample(_ labels: String, _ value: UInt64) {
        self.bytes.append(contentsOf: self.sampleName)
        self.append(labels)
        self.bytes.append(UInt8(ascii: " "))
        self.append(String(value))
        self.bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes a sample of the current family with a floating-point value.
    public mutating func sample(_ labels: String, _ value: Double) {
        self.bytes.append(contentsOf: self.sampleName)
        self.append(labels)
        self.bytes.append(UInt8(ascii: " "))
        self.append(Self.format(value))
        self.bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes one histogram series of the current family: cumulative `_bucket` counts per bound (then `+Inf`), `_sum`, `_count`.
    ///
    /// `labels` is a string from ``labels(_:)`` (or empty); `le` is added after the series' own labels.
    public mutating func histogram(_ labels: String, bounds: [Double], cumulativeCounts: [UInt64], sum: Double, count: UInt64) {
        let base = self.sampleName
        let prefix = labels.isEmpty ? "{" : String(labels.dropLast()) + ","
        for (index, total) in cumulativeCounts.enumerated() {
            let bound = index < bounds.count ? Self.format(bounds[index]) : "+Inf"
            self.bytes.append(contentsOf: base)
            self.append("_bucket")
            self.append(prefix)
            self.append("le=\"")
            self.append(self.format == .openMetrics && index < bounds.count && !bound.contains(".") && !bound.contains("e") ? bound + ".0" : bound)
            self.append("\"} ")
            self.append(String(total))
            self.bytes.append(UInt8(ascii: "\n"))
        }
        self.appendSumAndCount(labels, sum: sum, count: count)
    }

    /// Writes one summary series of the current family: a sample per quantile, then `_sum` and `_count`.
    public mutating func summary(_ labels: String, quantiles: [(label: String, value: Double)], sum: Double, count: UInt64) {
        let prefix = labels.isEmpty ? "{" : String(labels.dropLast()) + ","
        for (label, value) in quantiles {
            self.sample(prefix + "quantile=\"" + label + "\"}", value)
        }
        self.appendSumAndCount(labels, sum: sum, count: count)
    }

    /// Ends the exposition (`# EOF` in OpenMetrics) and returns the bytes.
    public mutating func finish() -> [UInt8] {
        if self.format == .openMetrics { self.append("# EOF\n") }
        return self.bytes
    }

    /// Renders a label set as `{name="value",...}`, escaping values; an empty set renders as nothing.
    public static func labels(_ pairs: KeyValuePairs<String, String>) -> String {
        guard !pairs.isEmpty else { return "" }
        var text = "{"
        for (index, (name, value)) in pairs.enumerated() {
            if index > 0 { text += "," }
            text += name
            text += "=\""
            for character in value.unicodeScalars {
                switch character {
                case "\\": text += "\\\\"
                case "\"": text += "\\\""
                case "\n": text += "\\n"
                default: text.unicodeScalars.append(character)
                }
            }
            text += "\""
        }
        return text + "}"
    }

    /// Formats a sample value the way Prometheus parses it: integers without a fraction, `NaN`, `+Inf`, `-Inf`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private mutating func appendSumAndCount(_ labels: String, sum: Double, count: UInt64) {
        for (suffix, value) in [("_sum", Self.format(sum)), ("_count", String(count))] {
            self.bytes.append(contentsOf: self.sampleName)
            self.append(suffix)
            self.append(labels)
            self.bytes.append(UInt8(ascii: " "))
            self.append(value)
            self.bytes.append(UInt8(ascii: "\n"))
        }
    }

    private mutating func append(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }

    private mutating func appendEscaped(_ text: String, quotes: Bool) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): self.append("\\\\")
            case UInt8(ascii: "\n"): self.append("\\n")
            case UInt8(ascii: "\"") where quotes: self.append("\\\"")
            default: self.bytes.append(byte)
            }
        }
    }
}
