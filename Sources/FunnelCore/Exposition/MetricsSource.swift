/// Something whose metric families `/metrics` shows: each scrape has every registered source write its families
/// in turn, into one writer.
public protocol MetricsSource: Sendable {
    /// Writes this source's families, as they are now, into `writer`.
    func emit(into writer: inout ExpositionWriter) async
}

extension ExpositionWriter {
    /// Writes the families of each of `sources`, in order.
    public mutating func write(_ sources: [any MetricsSource]) async {
        for source in sources {
            await source.emit(into: &self)
        }
    }

    /// The exposition of `sources`, in order, ended as `format` wants it.
    public static func render(_ sources: [any MetricsSource], format: ExpositionFormat) async -> [UInt8] {
        var writer = ExpositionWriter(format: format)
        await writer.write(sources)
        return writer.finish()
    }
}
