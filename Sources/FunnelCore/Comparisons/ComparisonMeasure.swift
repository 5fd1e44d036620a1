/// What a `comparison` alarm measures.
public enum ComparisonMeasure: String, Sendable, Hashable {
    /// The baseline's settled delivery ratio less the candidate's (`below_baseline_by`): positive when the candidate
    /// delivers less.
    case deliveryGap = "below_baseline_by"
    /// Events of input the two pipelines did not share, summed per settled bucket (`input_mismatch_above`): a broken
    /// duplication.
    case inputMismatch = "input_mismatch_above"
}
