import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Ends a connection after a response that says `Connection: close` (a refused body): the server's side is closed
/// at once, so the client reads the answer and the end of the stream, and what the client still sends is read and
/// dropped for at most the linger time, so it is not reset before it has read the answer.
final class LingeringCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let linger: TimeAmount
    private var closesAfterResponse = false
    private var lingering: Scheduled<Void>?

    init(linger: TimeAmount) {
        self.linger = linger
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(let head):
            self.closesAfterResponse = head.headerFields[.connection]?.lowercased() == "close"
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            guard self.closesAfterResponse else {
                context.write(data, promise: promise)
                return
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            context.writeAndFlush(data, promise: written)
            let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in
                let (handler, context) = loopBound.value
                handler.startLingering(context)
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.lingering != nil {
            if case .end = self.unwrapInboundIn(data) { context.close(promise: nil) }
            return
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.lingering?.cancel()
        self.lingering = nil
        context.fireChannelInactive()
    }

    private func startLingering(_ context: ChannelHandlerContext) {
        guard self.lingering == nil, context.channel.isActive else { return }
        context.close(mode: .output, promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        self.lingering = context.eventLoop.scheduleTask(in: self.linger) {
            loopBound.value.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension LingeringCloseHandler: Sendable {}
