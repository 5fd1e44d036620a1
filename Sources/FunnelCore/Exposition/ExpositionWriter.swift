/// Writes metric families as Prometheus text 0.0.4 or OpenMetrics 1.0, straight into a byte buffer.
///
/// Families are named without type suffixes (`funnel_stage_events`); the writer adds `_total` to counter
/// samples and `_info` to info samples, and names the family as each format wants it in `# HELP` / `# TYPE`.
///
/// A scrape writes hundreds of thousands of lines, so each line is written in one step: room for the whole line is
/// made once and its parts are copied to a cursor, instead of a dozen appends that each check the array.
public struct ExpositionWriter: Sendable {
    public let format: ExpositionFormat
    /// The output so far is `storage[..<used]`; the rest is room already made.
    private var storage: [UInt8]
    private var used = 0
    private var sampleName: [UInt8] = []

    public init(format: ExpositionFormat, reservingCapacity capacity: Int = 16 * 1024) {
        self.format = format
        self.storage = Array(repeating: 0, count: Swift.max(capacity, 256))
    }

    /// A writer that writes over `storage` from its start, keeping its room: a buffer from an earlier scrape
    /// (``finishKeepingRoom()``) is written again without new pages, which the kernel would have to fault in and zero.
    public init(format: ExpositionFormat, reusing storage: [UInt8], reservingCapacity capacity: Int = 16 * 1024) {
        self.format = format
        self.storage = storage
        self.reserveCapacity(capacity)
    }

    /// Makes room for `capacity` bytes of output in all, so that a large exposition is not regrown a dozen times.
    public mutating func reserveCapacity(_ capacity: Int) {
        if self.storage.count < capacity { self.storage.append(contentsOf: repeatElement(0, count: capacity - self.storage.count)) }
    }

    /// The bytes written so far.
    public var bytes: ArraySlice<UInt8> { self.storage[..<self.used] }

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
        var header: [UInt8] = Array("# HELP ".utf8) + Array(headerName.utf8) + [UInt8(ascii: " ")]
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): header += Array("\\\\".utf8)
            case UInt8(ascii: "\n"): header += Array("\\n".utf8)
            case UInt8(ascii: "\"") where self.format == .openMetrics: header += Array("\\\"".utf8)
            default: header.append(byte)
            }
        }
        header += Array("\n# TYPE \(headerName) \(typeName)\n".utf8)
        self.append(header)
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
        labels.bytes.withUnsafeBufferPointer { labels in
            extra.bytes.withUnsafeBufferPointer { extra in
                self.line(suffix: nil, labels, extra, Self.none, SampleValue(value))
            }
        }
    }

    /// Writes a sample with a floating-point value and labels rendered once per series.
    public mutating func sample(_ labels: ExpositionLabels, _ value: Double) {
        self.sample(labels, .none, value)
    }

    /// Writes a sample whose labels are `labels` followed by `extra`.
    public mutating func sample(_ labels: ExpositionLabels, _ extra: ExpositionLabels, _ value: Double) {
        labels.bytes.withUnsafeBufferPointer { labels in
            extra.bytes.withUnsafeBufferPointer { extra in
                self.line(suffix: nil, labels, extra, Self.none, SampleValue(value))
            }
        }
    }

    /// Writes a sample labelled with set `index` of `sets` followed by `extra`, with an integer value.
    public mutating func sample(_ sets: borrowing ExpositionLabelSets, _ index: Int, _ extra: borrowing ExpositionLabels, _ value: UInt64) {
        let range = sets.range(index)
        sets.bytes.withUnsafeBufferPointer { set in
            extra.bytes.withUnsafeBufferPointer { extra in
                self.line(suffix: nil, UnsafeBufferPointer(rebasing: set[range]), extra, Self.none, SampleValue(value))
            }
        }
    }

    /// Writes a sample labelled with set `index` of `sets`, with an integer value.
    public mutating func sample(_ sets: borrowing ExpositionLabelSets, _ index: Int, _ value: UInt64) {
        let range = sets.range(index)
        sets.bytes.withUnsafeBufferPointer { set in
            self.line(suffix: nil, UnsafeBufferPointer(rebasing: set[range]), Self.none, Self.none, SampleValue(value))
        }
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
        labels.bytes.withUnsafeBufferPointer { labels in
            self.histogram(labels, buckets: buckets, cumulativeCounts: cumulativeCounts, sum: sum, count: count)
        }
    }

    /// Writes one histogram series labelled with set `index` of `sets`, with `le` labels from ``bucketLabels(bounds:)``.
    public mutating func histogram(
        _ sets: borrowing ExpositionLabelSets, _ index: Int, buckets: [ExpositionLabels], cumulativeCounts: [UInt64], sum: Double, count: UInt64
    ) {
        let range = sets.range(index)
        sets.bytes.withUnsafeBufferPointer { set in
            self.histogram(UnsafeBufferPointer(rebasing: set[range]), buckets: buckets, cumulativeCounts: cumulativeCounts, sum: sum, count: count)
        }
    }

    /// Writes one summary series of the current family: a sample per quantile, then `_sum` and `_count`.
    public mutating func summary(_ labels: String, quantiles: [(label: String, value: Double)], sum: Double, count: UInt64) {
        let parsed = Self.parse(labels)
        self.summary(parsed, quantiles: quantiles.map { (ExpositionLabels(["quantile": $0.label]), $0.value) }, sum: sum, count: count)
    }

    /// Writes one summary series with `quantile` labels rendered once for many series.
    public mutating func summary(_ labels: ExpositionLabels, quantiles: [(label: ExpositionLabels, value: Double)], sum: Double, count: UInt64) {
        labels.bytes.withUnsafeBufferPointer { labels in
            self.summary(labels, Self.none, quantiles: quantiles, sum: sum, count: count)
        }
    }

    /// Writes one summary series labelled with set `index` of `sets` and `extra`; each quantile's label follows `extra`.
    public mutating func summary(
        _ sets: borrowing ExpositionLabelSets, _ index: Int, _ extra: borrowing ExpositionLabels, quantiles: [(label: ExpositionLabels, value: Double)],
        sum: Double, count: UInt64
    ) {
        let range = sets.range(index)
        sets.bytes.withUnsafeBufferPointer { set in
            extra.bytes.withUnsafeBufferPointer { extra in
                self.summary(UnsafeBufferPointer(rebasing: set[range]), extra, quantiles: quantiles, sum: sum, count: count)
            }
        }
    }

    /// Ends the exposition (`# EOF` in OpenMetrics) and returns the bytes.
    public mutating func finish() -> [UInt8] {
        var (bytes, count) = self.finishKeepingRoom()
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// Ends the exposition and hands back the whole buffer with the number of bytes written (the rest is room), so
    /// that the next scrape can reuse it.
    public mutating func finishKeepingRoom() -> (storage: [UInt8], count: Int) {
        if self.format == .openMetrics { self.append(Array("# EOF\n".utf8)) }
        let storage = self.storage
        self.storage = []  // so the caller's copy is the only one and stays unique
        return (storage, self.used)
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
        if abs(value) < 1e15, let whole = Int64(exactly: value) { return String(whole) }
        return String(value)
    }

    // MARK: Lines

    private static var none: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: nil, count: 0) }

    private mutating func histogram(_ labels: UnsafeBufferPointer<UInt8>, buckets: [ExpositionLabels], cumulativeCounts: [UInt64], sum: Double, count: UInt64) {
        for (index, total) in cumulativeCounts.enumerated() {
            buckets[index].bytes.withUnsafeBufferPointer { bucket in
                self.line(suffix: "_bucket", labels, bucket, Self.none, SampleValue(total))
            }
        }
        self.line(suffix: "_sum", labels, Self.none, Self.none, SampleValue(sum))
        self.line(suffix: "_count", labels, Self.none, Self.none, SampleValue(count))
    }

    private mutating func summary(
        _ labels: UnsafeBufferPointer<UInt8>, _ extra: UnsafeBufferPointer<UInt8>, quantiles: [(label: ExpositionLabels, value: Double)], sum: Double,
        count: UInt64
    ) {
        for (label, value) in quantiles {
            label.bytes.withUnsafeBufferPointer { quantile in
                self.line(suffix: nil, labels, extra, quantile, SampleValue(value))
            }
        }
        self.line(suffix: "_sum", labels, extra, Self.none, SampleValue(sum))
        self.line(suffix: "_count", labels, extra, Self.none, SampleValue(count))
    }

    /// Writes one sample line: the family's name and `suffix`, the non-empty label parts comma-separated in braces
    /// (nothing when all are empty), a space, the value and a newline.
    @inline(__always)
    private mutating func line(
        suffix: StaticString?, _ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>, _ third: UnsafeBufferPointer<UInt8>,
        _ value: SampleValue
    ) {
        let suffixCount = suffix?.utf8CodeUnitCount ?? 0
        let room = self.sampleName.count + suffixCount + first.count + second.count + third.count + 6 + value.maximumByteCount
        if self.used + room > self.storage.count { self.grow(toFit: room) }
        let start = self.used
        self.used = self.sampleName.withUnsafeBufferPointer { name in
            self.storage.withUnsafeMutableBufferPointer { storage in
                var cursor = storage.baseAddress! + start
                cursor.copy(name)
                if let suffix { cursor.copy(UnsafeBufferPointer(start: suffix.utf8Start, count: suffixCount)) }
                if !first.isEmpty || !second.isEmpty || !third.isEmpty {
                    cursor.put(UInt8(ascii: "{"))
                    cursor.copy(first)
                    if !second.isEmpty {
                        if !first.isEmpty { cursor.put(UInt8(ascii: ",")) }
                        cursor.copy(second)
                    }
                    if !third.isEmpty {
                        if !first.isEmpty || !second.isEmpty { cursor.put(UInt8(ascii: ",")) }
                        cursor.copy(third)
                    }
                    cursor.put(UInt8(ascii: "}"))
                }
                cursor.put(UInt8(ascii: " "))
                value.write(&cursor)
                cursor.put(UInt8(ascii: "\n"))
                return cursor - storage.baseAddress!
            }
        }
    }

    /// Appends bytes as they are.
    private mutating func append(_ bytes: [UInt8]) {
        if self.used + bytes.count > self.storage.count { self.grow(toFit: bytes.count) }
        let start = self.used
        self.storage.withUnsafeMutableBufferPointer { storage in
            var cursor = storage.baseAddress! + start
            bytes.withUnsafeBufferPointer { cursor.copy($0) }
        }
        self.used += bytes.count
    }

    /// Makes room for `count` more bytes, at least doubling the room.
    @inline(never)
    private mutating func grow(toFit count: Int) {
        let capacity = Swift.max(self.storage.count * 2, self.used + count)
        self.storage.append(contentsOf: repeatElement(0, count: capacity - self.storage.count))
    }

    /// Reads back a label string from ``labels(_:)`` into its rendered pairs.
    private static func parse(_ labels: String) -> ExpositionLabels {
        var bytes = Array(labels.utf8)
        guard bytes.count >= 2 else { return .none }
        bytes.removeFirst()
        bytes.removeLast()
        return ExpositionLabels(rendered: bytes)
    }
}
