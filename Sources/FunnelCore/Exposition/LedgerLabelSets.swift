/// The labels of every (pipeline, stage) series and every transit hop of a ledger, rendered once, for scrape after
/// scrape until a series is added.
///
/// A ledger only grows, and appends: pipelines and stages keep their order and are never removed, so the same counts
/// of pipelines and series mean the same series, and sets rendered for them still fit.
public struct LedgerLabelSets: Sendable {
    /// `pipeline="…",stage="…"` per stage, pipeline by pipeline.
    public let stages: ExpositionLabelSets
    /// `pipeline="…",from_stage="…",to_stage="…"` per hop between consecutive stages, pipeline by pipeline.
    public let hops: ExpositionLabelSets
    /// Where each pipeline's stages start in `stages`.
    public let stageBase: [Int]
    private let pipelineCount: Int
    private let seriesCount: Int

    /// Renders the label sets of `ledger`'s series.
    public init(_ ledger: FunnelLedger) {
        var stages = ExpositionLabelSets(reservingCapacity: ledger.seriesCount)
        var hops = ExpositionLabelSets(reservingCapacity: ledger.seriesCount, bytesPerSet: 56)
        var stageBase: [Int] = []
        stageBase.reserveCapacity(ledger.pipelines.count)
        for pipeline in ledger.pipelines {
            let pipelineLabel = ExpositionLabels(["pipeline": pipeline.name])
            stageBase.append(stages.count)
            for stage in pipeline.stages { stages.append(pipelineLabel, "stage", stage) }
            for index in pipeline.stages.indices.dropFirst() {
                hops.append(pipelineLabel.appending("from_stage", pipeline.stages[index - 1]), "to_stage", pipeline.stages[index])
            }
        }
        self.stages = stages
        self.hops = hops
        self.stageBase = stageBase
        self.pipelineCount = ledger.pipelines.count
        self.seriesCount = ledger.seriesCount
    }

    /// Whether these sets are `ledger`'s: it has the same pipelines and series they were rendered for.
    public func fits(_ ledger: FunnelLedger) -> Bool {
        ledger.pipelines.count == self.pipelineCount && ledger.seriesCount == self.seriesCount
    }
}
