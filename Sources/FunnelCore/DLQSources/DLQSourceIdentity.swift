/// Which queue a source reads and under what name: the labels of every source metric.
public struct DLQSourceIdentity: Sendable, Hashable, Codable {
    /// The source id, `<kind>:<pipeline>/<queue>` unless configured.
    public var source: String
    public var kind: DLQSourceKind
    public var pipeline: String
    public var queue: String

    public init(source: String, kind: DLQSourceKind, pipeline: String, queue: String) {
        self.source = source
        self.kind = kind
        self.pipeline = pipeline
        self.queue = queue
    }

    /// The default source id: `sqs:orders/orders-dlq`.
    public static func defaultName(kind: DLQSourceKind, pipeline: String, queue: String) -> String {
        "\(kind.rawValue):\(pipeline)/\(queue)"
    }
}
