/// The labels pipelines declare, as the DogStatsD tag keys a StatsD line's tags are read for: `tenant:acme` on a
/// counter of a pipeline that declares `tenant` counts under the label tenant=acme.
///
/// A tag whose key some pipeline declares is part of what a line means, so ``StatsDLineFields`` keeps it and writes
/// it into the meaning key; which of those tags are the line's labels is known once its pipeline is, and a tag that
/// its pipeline does not declare is ignored like any other tag Funnel does not read.
public struct StatsDDeclaredLabels: Sendable, Hashable {
    /// Every declared label name once, pipelines taken by name and each one's labels in declared order.
    let names: [String]
    /// Per pipeline that declares labels, its labels as positions in `names`.
    private let positions: [String: [Int]]

    /// No pipeline declares labels: every tag but Funnel's own is ignored.
    public static let none = StatsDDeclaredLabels([:])

    /// The labels of each pipeline that declares some (``ReportIntake/declaredLabels()``).
    public init(_ declared: [String: [String]]) {
        var names: [String] = []
        var positions: [String: [Int]] = [:]
        for pipeline in declared.keys.sorted() {
            positions[pipeline] = declared[pipeline, default: []].map { label in
                if let position = names.firstIndex(of: label) { return position }
                names.append(label)
                return names.count - 1
            }
        }
        self.names = names
        self.positions = positions
    }

    /// Whether no pipeline declares a label.
    var isEmpty: Bool { self.names.isEmpty }

    /// The position of a tag's key among the declared names, or nil when no pipeline declares it.
    func position(of key: ByteSpan) -> Int? {
        for position in self.names.indices where key.equals(self.names[position]) { return position }
        return nil
    }

    /// The positions of the labels `pipeline` declares; empty when it declares none.
    func positions(ofPipeline pipeline: String) -> [Int] {
        self.positions[pipeline] ?? []
    }
}
