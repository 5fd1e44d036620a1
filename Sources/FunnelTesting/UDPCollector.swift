import NIOCore
import NIOPosix
import Synchronization

/// A UDP socket on 127.0.0.1 that keeps every datagram it receives: the far end of a StatsD relay, for tests.
public final class UDPCollector: Sendable {
    public let port: Int
    private let channel: any Channel
    private let received: Received

    private final class Received: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let datagrams = Mutex<[String]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = Self.unwrapInboundIn(data)
            let text = String(buffer: envelope.data)
            self.datagrams.withLock { $0.append(text) }
        }
    }

    private init(port: Int, channel: any Channel, received: Received) {
        self.port = port
        self.channel = channel
        self.received = received
    }

    /// Binds a port the system picks.
    public static func start() async throws -> UDPCollector {
        let received = Received()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received) } }
            .bind(host: "127.0.0.1", port: 0).get()
        return UDPCollector(port: channel.localAddress?.port ?? 0, channel: channel, received: received)
    }

    /// Every datagram received so far, in order of arrival.
    public var datagrams: [String] { self.received.datagrams.withLock { $0 } }

    /// Every line of every datagram received so far.
    public var lines: [String] { self.datagrams.flatMap { $0.split(separator: "\n").map(String.init) } }

    public func stop() async {
        try? await self.channel.close()
    }
}
