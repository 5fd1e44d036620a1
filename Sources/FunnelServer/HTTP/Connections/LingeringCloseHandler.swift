import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Ends a connection after a response that says `Connection: close` (a refused body): the server's side is closed
/// at once, so the client reads the answer and the end of the stream, and what the client still sends is read and
/// dropped, so it is not reset before it has read the answer; the connection closes when the request ends, when
/// nothing arrives for the linger time, or at the latest after ``longestLinger``.
final class LingeringCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let linger: TimeAmount
    private var closesAfterResponse = false
    private var lingering: Scheduled<Void>?
    private var lingerEnds: NIODeadline?
    private var lastRead: NIODeadline = .now()

    /// The longest a refused client may go on sending.
    static let longestLinger: TimeAmount = .seconds(30)

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
        if self.lingerEnds != nil {
            self.lastRead = .now()
            if case .end = self.unwrapInboundIn(data) { context.close(promise: nil) }
            return
        }
        context.fireChannelRead(data)
    }

    /// While lingering, reads are asked for here, as the handlers behind stop asking once nobody consumes the request.
    func channelReadComplete(context: ChannelHandlerContext) {
        guard self.lingerEnds != nil else {
            context.fireChannelReadComplete()
            return
        }
        context.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.lingering?.cancel()
        self.lingering = nil
        context.fireChannelInactive()
    }

    private func startLingering(_ context: ChannelHandlerContext) {
        guard self.lingerEnds == nil, context.channel.isActive else { return }
        context.close(mode: .output, promise: nil)
        self.lastRead = .now()
        self.lingerEnds = .now() + Self.longestLinger
        self.scheduleCheck(context, at: .now() + self.linger)
        context.read()
    }

    private func scheduleCheck(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        self.lingering = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.lingering = nil
            let quietUntil = handler.lastRead + handler.linger
            let ends = handler.lingerEnds ?? .now()
            guard (quietUntil > NIODeadline.now()) && (quietUntil < ends) else {
                context.close(promise: nil)
                return
            }
            handler.scheduleCheck(context, at: quietUntil)
        }
    }
}

@available(*, unavailable)
extension LingeringCloseHandler: Sendable {}
