/// Which pipeline delivered more of what it took in, over the compared buckets, and the ratios that say so.
public struct ComparisonVerdict: Sendable, Hashable, Codable {
    /// The verdict's outcome, as the API spells it.
    public enum Outcome: String, Sendable, Hashable, Codable {
        case candidateBetter = "candidate_better"
        case baselineBetter = "baseline_better"
        case equal
        /// Nothing settled in one of the pipelines.
        case insufficientData = "insufficient_data"
    }

    public var outcome: Outcome
    public var baselineDeliveryRatio: Double?
    public var candidateDeliveryRatio: Double?
    /// False when the pipelines did not see the same input (``ComparisonReport/inputMismatch`` is not 0): the
    /// ratios still compare, the backfill figures less so.
    public var inputMatched: Bool
    /// One sentence with the numbers.
    public var summary: String

    public init(outcome: Outcome, baselineDeliveryRatio: Double?, candidateDeliveryRatio: Double?, inputMatched: Bool, summary: String) {
        self.outcome = outcome
        self.baselineDeliveryRatio = baselineDeliveryRatio
        self.candidateDeliveryRatio = candidateDeliveryRatio
        self.inputMatched = inputMatched
        self.summary = summary
    }

    /// The verdict of `baseline` against `candidate` over `buckets` settled buckets with `inputMismatch` events of
    /// different input; delivery ratios are compared exactly (by cross-multiplying the counts).
    public init(baseline: ComparisonSide, candidate: ComparisonSide, inputMismatch: UInt64, buckets: Int) {
        let matched = inputMismatch == 0
        let input = matched ? "the same input" : "inputs that differ by \(inputMismatch) events; check the duplication before trusting the backfill"
        guard baseline.ingested > 0, candidate.ingested > 0 else {
            let missing = [baseline, candidate].filter { $0.ingested == 0 }.map(\.pipeline).joined(separator: " and ")
            self.init(
                outcome: .insufficientData, baselineDeliveryRatio: baseline.deliveryRatio, candidateDeliveryRatio: candidate.deliveryRatio,
                inputMatched: matched, summary: "nothing settled yet in \(missing)"
            )
            return
        }
        let candidateShare = Int128(candidate.delivered) * Int128(baseline.ingested)
        let baselineShare = Int128(baseline.delivered) * Int128(candidate.ingested)
        let outcome: Outcome = candidateShare > baselineShare ? .candidateBetter : candidateShare < baselineShare ? .baselineBetter : .equal
        let ratios = "\(candidate.pipeline) delivered \(Self.percent(candidate.deliveryRatio)), \(baseline.pipeline) \(Self.percent(baseline.deliveryRatio))"
        let lead: String
        switch outcome {
        case .candidateBetter: lead = "the candidate is better"
        case .baselineBetter: lead = "the candidate is worse"
        default: lead = "both deliver the same share"
        }
        self.init(
            outcome: outcome, baselineDeliveryRatio: baseline.deliveryRatio, candidateDeliveryRatio: candidate.deliveryRatio, inputMatched: matched,
            summary: "\(lead): \(ratios) over \(buckets) settled bucket\(buckets == 1 ? "" : "s") of \(input)"
        )
    }

    /// A ratio as a percentage with at most two decimals: `99.98%`.
    static func percent(_ ratio: Double?) -> String {
        AlarmText.number(((ratio ?? 0) * 10_000).rounded() / 100) + "%"
    }
}
