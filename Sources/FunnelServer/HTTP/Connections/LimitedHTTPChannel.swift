public import HummingbirdCore
public import Logging
public import NIOCore

/// HTTP/1.1 connections under a cap: a connection over ``ConnectionGate/limit`` is closed as soon as it is accepted,
/// and the place of each one admitted is given back when it closes.
///
/// A refused connection is set up like any other and closed as soon as it is active, rather than by failing the
/// setup (a failed child setup would end the server's accept loop) or closing it during setup (before it is
/// registered, where closing has no effect).
public struct LimitedHTTPChannel<Base: ServerChildChannel>: ServerChildChannel {
    public typealias Value = Base.Value
    let base: Base
    let gate: ConnectionGate

    public init(_ base: Base, gate: ConnectionGate) {
        self.base = base
        self.gate = gate
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard self.gate.admit() else {
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RefusedConnectionHandler())
            }.flatMap {
                self.base.setup(channel: channel, logger: logger)
            }
        }
        let gate = self.gate
        channel.closeFuture.whenComplete { _ in gate.release() }
        return self.base.setup(channel: channel, logger: logger)
    }

    public func handle(value: Value, logger: Logger) async {
        await self.base.handle(value: value, logger: logger)
    }
}

/// Closes its connection as soon as it is active, reading nothing.
final class RefusedConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { context.close(promise: nil) }
    }

    func channelActive(context: ChannelHandlerContext) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension RefusedConnectionHandler: Sendable {}
