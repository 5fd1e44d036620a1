/// `funnel_pipeline_delivery_ratio`: what each pipeline delivered over what it ingested, settled, within retention.
public struct DeliveryRatios: MetricsSource {
    /// The pipelines that have a ratio, in the ledger's order.
    public var ratios: [(pipeline: String, ratio: Double)]

    /// The ratios of the pipelines of `ledger`; a pipeline with nothing settled has none. O(pipelines).
    public init(_ ledger: borrowing FunnelLedger) {
        self.ratios = ledger.pipelines.compactMap { pipeline in pipeline.deliveryRatio.map { (pipeline.name, $0) } }
    }

    /// Writes one sample per pipeline with a ratio.
    public func emit(into writer: inout ExpositionWriter) {
        writer.family("funnel_pipeline_delivery_ratio", .gauge, help: "Delivered (passed by the last stage) over ingested (received by the first), settled, within retention.")
        for (pipeline, ratio) in self.ratios {
            writer.sample(ExpositionWriter.labels(["pipeline": pipeline]), ratio)
        }
    }
}
