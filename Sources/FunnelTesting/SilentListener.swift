import NIOCore
import NIOPosix

/// A TCP listener on 127.0.0.1 that accepts connections and never answers: a hung server, for timeout tests.
public final class SilentListener: Sendable {
    public let port: Int
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    /// Starts listening on a port the system picks.
    public static func start() async throws -> SilentListener {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        return SilentListener(port: channel.localAddress?.port ?? 0, channel: channel)
    }

    /// Stops listening (accepted connections stay open until their peer closes them).
    public func stop() async {
        try? await self.channel.close()
    }
}
