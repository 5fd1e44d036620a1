/// The counts of one event-time bucket of one pipeline, one entry per stage (indexed by stage position).
public struct BucketCounts: Sendable, Hashable {
    public var stages: [StageCounts]

    public init(stageCount: Int) {
        self.stages = Array(repeating: .zero, count: stageCount)
    }

    mutating func grow(to stageCount: Int) {
        if self.stages.count < stageCount {
            self.stages.append(contentsOf: repeatElement(.zero, count: stageCount - self.stages.count))
        }
    }
}
