import NIOCore

/// Hands each StatsD datagram to the listener where NIO reads it, on the event loop, without a hop to a task.
final class StatsDDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let listener: StatsDListener

    init(listener: StatsDListener) {
        self.listener = listener
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        envelope.data.withUnsafeReadableBytes { self.listener.receive(datagram: $0, channel: context.channel) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A datagram socket error (such as ECONNREFUSED from an ICMP reply) is not fatal to the listener.
    }
}
