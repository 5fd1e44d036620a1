public import FunnelCore

/// Reads one queue's depth; each kind of source has one. A read throws ``DLQSourceError`` with the cause.
public protocol DLQProbe: Sendable {
    /// Reads the depth now; gives up after `timeoutSeconds` on its own where the protocol allows.
    func read(timeoutSeconds: Double) async throws -> DLQReading
}
