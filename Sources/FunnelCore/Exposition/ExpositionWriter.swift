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
        self.sample(ExpositionLabels.none, value)
    }

    /// Writes a sample of the current family with an integer value; `labels` is a string from ``labels(_:)``.
    public mutating func sample(_ labels: String, _ value: UInt64) {
        self.sample(Self.parse(labels), .none, value)
    }

    /// Writes a sample of the current family with a floating-point value.
    public mutating func sample(_ labels: String, _ value: Double) {
        self.sample(Self.parse(labels), .none, value)
    }

    /// Writes a sample with an integer value and labels rendered once per series.
    public mutating func sample(_ labels: ExpositionLabels, _ value: UInt64) {
        self.sample(labels, .none, value)
    }

    /// Writes a sample whose labels are `labels` followed by `extra`.
    public mutating func sample(_ labels: ExpositionLabels, _ extra: ExpositionLabels, _ value: UInt64) {
        self.bytes.append(contentsOf: self.sampleName)
        self.appendLabels(labels, extra)
        self.bytes.append(UInt8(ascii: " "))
        self.appendDecimal(value)
        self.bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes a sample with a floating-point value and labels rendered once per series.
    public mutating func sample(_ labels: ExpositionLabels, _ value: Double) {
        self.sample(labels, .none, value)
    }

    /// Writes a sample whose labels are `labels` followed by `extra`.
    public mutating func sample(_ labels: ExpositionLabels, _ extra: ExpositionLabels, _ value: Double) {
        self.bytes.append(contentsOf: self.sampleName)
        self.appendLabels(labels, extra)
        self.bytes.append(UInt8(ascii: " "))
        self.appendValue(value)
        self.bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes one histogram series of the current family: cumulative `_bucket` counts per bound (then `+Inf`), `_sum`, `_count`.
    ///
    /// `labels` is a string from ``labels(_:)`` (or empty); `le` is added after the series' own labels.
    public mutating func histogram(_ labels: String, bounds: [Double], cumulativeCounts: [UInt64], sum: Double, count: UInt64) {
        self.histogram(
            Self.parse(labels), buckets: self.bucketLabels(bounds: bounds), cumulativeCounts: cumulativeCounts, sum: sum, count: count
        )
    }

    /// The `le` labels of a histogram's buckets (each bound, then `+Inf`), rendered once for many series.
    public func bucketLabels(bounds: [Double]) -> [ExpositionLabels] {
        bounds.map { bound in
            let text = Self.format(bound)
            let shown = self.format == .openMetrics && !text.contains(".") && !text.contains("e") ? text + ".0" : text
            return ExpositionLabels(["le": shown])
        } + [ExpositionLabels(["le": "+Inf"])]
    }

    /// Writes one histogram series with `le` labels from ``bucketLabels(bounds:)``.
    public mutating func histogram(_ labels: ExpositionLabels, buckets: [ExpositionLabels], cumulativeCounts: [UInt64], sum: Double, count: UInt64) {
        for (index, total) in cumulativeCounts.enumerated() {
            self.bytes.append(contentsOf: self.sampleName)
            self.bytes.append(contentsOf: "_bucket".utf8)
            self.appendLabels(labels, buckets[index])
            self.bytes.append(UInt8(ascii: " "))
            self.appendDecimal(total)
            self.bytes.append(UInt8(ascii: "\n"))
        }
        self.appendSumAndCount(labels, sum: sum, count: count)
    }

    /// Writes one summary series of the current family: a sample per quantile, then `_sum` and `_count`.
    public mutating func summary(_ labels: String, quantiles: [(label: String, value: Double)], sum: Double, count: UInt64) {
        let parsed = Self.parse(labels)
        self.summary(parsed, quantiles: quantiles.map { (ExpositionLabels(["quantile": $0.label]), $0.value) }, sum: sum, count: count)
    }

    /// Writes one summary series with `quantile` labels rendered once for many series.
    public mutating func summary(_ labels: ExpositionLabels, quantiles: [(label: ExpositionLabels, value: Double)], sum: Double, count: UInt64) {
        for (label, value) in quantiles {
            self.sample(labels, label, value)
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
        let labels = ExpositionLabels(pairs)
        return labels.isEmpty ? "" : "{" + String(decoding: labels.bytes, as: UTF8.self) + "}"
    }

    /// Formats a sample value the way Prometheus parses it: integers without a fraction, `NaN`, `+Inf`, `-Inf`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private mutating func appendSumAndCount(_ labels: ExpositionLabels, sum: Double, count: UInt64) {
        self.bytes.append(contentsOf: self.sampleName)
        self.bytes.append(contentsOf: "_sum".utf8)
        self.appendLabels(labels, .none)
        self.bytes.append(UInt8(ascii: " "))
        self.appendValue(sum)
        self.bytes.append(UInt8(ascii: "\n"))
        self.bytes.append(contentsOf: self.sampleName)
        self.bytes.append(contentsOf: "_count".utf8)
        self.appendLabels(labels, .none)
        self.bytes.append(UInt8(ascii: " "))
        self.appendDecimal(count)
        self.bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes `{labels,extra}`, or nothing when both are empty.
    private mutating func appendLabels(_ labels: ExpositionLabels, _ extra: ExpositionLabels) {
        if labels.isEmpty, extra.isEmpty { return }
        self.bytes.append(UInt8(ascii: "{"))
        self.bytes.append(contentsOf: labels.bytes)
        if !labels.isEmpty, !extra.isEmpty { self.bytes.append(UInt8(ascii: ",")) }
        self.bytes.append(contentsOf: extra.bytes)
        self.bytes.append(UInt8(ascii: "}"))
    }

    /// Writes an unsigned integer's decimal digits without building a string.
    private mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            self.bytes.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while remaining > 0 {
                buffer[23 - count] = UInt8(ascii: "0") &+ UInt8(remaining % 10)
                remaining /= 10
                count += 1
            }
            self.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    /// Writes a value as ``format(_:)`` does, integers without building a string.
    private mutating func appendValue(_ value: Double) {
        if value == value.rounded(), abs(value) < 1e15 {
            if value < 0 { self.bytes.append(UInt8(ascii: "-")) }
            self.appendDecimal(UInt64(abs(value)))
        } else {
            self.append(Self.format(value))
        }
    }

    /// Reads back a label string from ``labels(_:)`` into its rendered pairs.
    private static func parse(_ labels: String) -> ExpositionLabels {
        var bytes = Array(labels.utf8)
        guard bytes.count >= 2 else { return .none }
        bytes.removeFirst()
        bytes.removeLast()
        return ExpositionLabels(rendered: bytes)
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
