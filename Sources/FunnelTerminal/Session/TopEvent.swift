import FunnelCore

/// Something `funnel top` reacts to: keys, a resize, a signal to stop, a poll's outcome, or the clock.
public enum TopEvent: Sendable {
    case keys([UInt8])
    case inputClosed
    case resize
    case terminate(signal: Int32)
    case polled(Result<TopPoll, FunnelAPIError>, atSeconds: Double)
    case tick
}
