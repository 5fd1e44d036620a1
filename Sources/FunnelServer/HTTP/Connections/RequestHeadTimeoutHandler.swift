import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a new connection that has not sent a complete request head within the header timeout, so that
/// connections which never finish their headers cannot hold places for long.
///
/// Between requests on a kept-alive connection the idle timeout applies instead.
final class RequestHeadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private let gate: ConnectionGate
    private var deadline: Scheduled<Void>?
    private var sawHead = false

    init(timeout: TimeAmount, gate: ConnectionGate) {
        self.timeout = timeout
        self.gate = gate
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = self.unwrapInboundIn(data) {
            self.sawHead = true
            self.disarm()
        }
        context.fireChannelRead(data)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard self.deadline == nil, !self.sawHead else { return }
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        self.deadline = context.eventLoop.scheduleTask(in: self.timeout) {
            let (handler, context) = loopBound.value
            handler.deadline = nil
            guard !handler.sawHead else { return }
            handler.gate.countHeaderTimeout()
            context.close(promise: nil)
        }
    }

    private func disarm() {
        self.deadline?.cancel()
        self.deadline = nil
    }
}

@available(*, unavailable)
extension RequestHeadTimeoutHandler: Sendable {}
