/// The last known depth of one dead-letter queue and when it was observed.
public struct DLQGauge: Sendable, Hashable {
    /// Messages waiting in the queue.
    public var depth: Double
    /// When the depth was observed, Unix milliseconds.
    public var updatedMillis: Int64

    public init(depth: Double, updatedMillis: Int64) {
        self.depth = depth
        self.updatedMillis = updatedMillis
    }
}
