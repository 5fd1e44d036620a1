/// One counter of one label group: a (pipeline, stage, outcome) series in one event-time bucket, for one set of
/// label values.
public struct LabelledBucketKey: Sendable, Hashable {
    public var bucket: BucketKey
    public var labels: LabelSet

    public init(_ bucket: BucketKey, labels: LabelSet) {
        self.bucket = bucket
        self.labels = labels
    }
}

/// One stage of one label group.
public struct LabelledStageKey: Sendable, Hashable {
    public var stage: StageKey
    public var labels: LabelSet

    public init(_ stage: StageKey, labels: LabelSet) {
        self.stage = stage
        self.labels = labels
    }
}

/// One label group of one pipeline: a set of label values.
public struct LabelGroupKey: Sendable, Hashable {
    public var pipeline: String
    public var labels: LabelSet

    public init(pipeline: String, labels: LabelSet) {
        self.pipeline = pipeline
        self.labels = labels
    }
}

/// One value of one declared label of one pipeline.
public struct LabelValueKey: Sendable, Hashable {
    public var pipeline: String
    /// The label's position among the pipeline's declared labels.
    public var label: Int
    public var value: String

    public init(pipeline: String, label: Int, value: String) {
        self.pipeline = pipeline
        self.label = label
        self.value = value
    }

    /// The key of the whole label, under which counts of its values are kept.
    var perLabel: LabelValueKey { LabelValueKey(pipeline: self.pipeline, label: self.label, value: "") }
}

/// One declared label of one pipeline, by name.
public struct LabelNameKey: Sendable, Hashable {
    public var pipeline: String
    public var label: String

    public init(pipeline: String, label: String) {
        self.pipeline = pipeline
        self.label = label
    }
}
