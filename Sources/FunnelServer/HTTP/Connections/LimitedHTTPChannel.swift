public import HummingbirdCore
public import Logging
public import NIOCore

/// HTTP/1.1 connections under a cap: a connection over ``ConnectionGate/limit`` is closed as soon as it is accepted,
/// and the place of each one admitted is given back when it closes.
///
/// The closing happens after the base channel is set up rather than by failing the setup: a failed child setup
/// would end the server's accept loop.
public struct LimitedHTTPChannel<Base: ServerChildChannel>: ServerChildChannel {
    public typealias Value = Base.Value
    let base: Base
    let gate: ConnectionGate

    public init(_ base: Base, gate: ConnectionGate) {
        self.base = base
        self.gate = gate
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = self.gate.admit()
        if admitted {
            let gate = self.gate
            channel.closeFuture.whenComplete { _ in gate.release() }
        }
        return self.base.setup(channel: channel, logger: logger).map { value in
            if !admitted { channel.close(promise: nil) }
            return value
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await self.base.handle(value: value, logger: logger)
    }
}
