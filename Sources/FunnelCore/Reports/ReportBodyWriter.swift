/// Writes stage reports as a `POST /v1/reports` body: a JSON array that ``ReportBodyParser`` reads back exactly.
///
/// Event times are written as RFC 3339 with milliseconds, so they survive the round trip without rounding.
public enum ReportBodyWriter {
    /// The JSON array of `reports`, followed by DLQ depth reports and watermarks.
    public static func body(_ reports: some Sequence<StageReport>, queueDepths: [QueueDepthReport] = [], watermarks: [WatermarkReport] = []) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(reports.underestimatedCount * 96 + queueDepths.count * 64 + 2)
        var first = true
        for report in reports {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            Self.append(report, to: &bytes)
        }
        for depth in queueDepths {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            Self.append(depth, to: &bytes)
        }
        for watermark in watermarks {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            Self.append(watermark, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    /// Appends one watermark object to `bytes`.
    public static func append(_ watermark: WatermarkReport, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"pipeline":"#.utf8)
        Self.appendString(watermark.pipeline, to: &bytes)
        bytes.append(contentsOf: #","stage":"#.utf8)
        Self.appendString(watermark.stage, to: &bytes)
        bytes.append(contentsOf: #","reporter":"#.utf8)
        Self.appendString(watermark.reporter, to: &bytes)
        bytes.append(contentsOf: #","watermark":"#.utf8)
        Self.appendString(EventTimestamp.formatRFC3339(millis: watermark.watermarkMillis), to: &bytes)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Appends one DLQ depth report object to `bytes`.
    public static func append(_ depth: QueueDepthReport, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"pipeline":"#.utf8)
        Self.appendString(depth.pipeline, to: &bytes)
        bytes.append(contentsOf: #","queue":"#.utf8)
        Self.appendString(depth.queue, to: &bytes)
        bytes.append(contentsOf: #","depth":"#.utf8)
        bytes.append(contentsOf: String(depth.depth).utf8)
        if let time = depth.timeMillis {
            bytes.append(contentsOf: #","time":""#.utf8)
            bytes.append(contentsOf: EventTimestamp.formatRFC3339(millis: time).utf8)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Appends one report object to `bytes`.
    public static func append(_ report: StageReport, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"pipeline":"#.utf8)
        Self.appendString(report.pipeline, to: &bytes)
        bytes.append(contentsOf: #","stage":"#.utf8)
        Self.appendString(report.stage, to: &bytes)
        bytes.append(contentsOf: #","outcome":""#.utf8)
        bytes.append(contentsOf: report.outcome.name.utf8)
        bytes.append(contentsOf: #"","count":"#.utf8)
        bytes.append(contentsOf: String(report.count).utf8)
        if let eventTime = report.eventTimeMillis {
            bytes.append(contentsOf: #","event_time":""#.utf8)
            bytes.append(contentsOf: EventTimestamp.formatRFC3339(millis: eventTime).utf8)
            bytes.append(UInt8(ascii: "\""))
        }
        if let latency = report.latencyMillis {
            bytes.append(contentsOf: #","latency_ms":"#.utf8)
            bytes.append(contentsOf: Self.number(latency).utf8)
        }
        Self.appendSamples("latencies_ms", report.latencySamplesMillis, to: &bytes)
        if let endToEnd = report.endToEndMillis {
            bytes.append(contentsOf: #","end_to_end_ms":"#.utf8)
            bytes.append(contentsOf: Self.number(endToEnd).utf8)
        }
        Self.appendSamples("end_to_end_latencies_ms", report.endToEndSamplesMillis, to: &bytes)
        if let reporter = report.reporter {
            bytes.append(contentsOf: #","reporter":"#.utf8)
            Self.appendString(reporter, to: &bytes)
        }
        Self.appendLabels(report.labels, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Appends `,"labels":{...}` with the labels by name, or nothing when there are none.
    public static func appendLabels(_ labels: [String: String], to bytes: inout [UInt8]) {
        guard !labels.isEmpty else { return }
        bytes.append(contentsOf: #","labels":{"#.utf8)
        for (index, label) in labels.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.appendString(label.key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            Self.appendString(label.value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private static func appendSamples(_ field: String, _ samples: [Double], to bytes: inout [UInt8]) {
        guard !samples.isEmpty else { return }
        bytes.append(contentsOf: ",\"\(field)\":[".utf8)
        for (index, sample) in samples.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: Self.number(sample).utf8)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A JSON string literal of `text`, escaped.
    public static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                bytes.append(contentsOf: ("\\u00" + (hex.count == 1 ? "0" : "") + hex).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A finite number as JSON writes it: no fraction for whole numbers, `0` for anything not finite.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if abs(value) < 1e15, let whole = Int64(exactly: value) { return String(whole) }
        return String(value)
    }
}
