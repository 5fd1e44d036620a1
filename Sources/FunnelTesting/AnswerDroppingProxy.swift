import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy in front of a server that can swallow the server's answers: the request gets through and is
/// processed, but the client sees its connection closed instead of the reply, as after a timeout.
///
/// For proving that a client's retry with the same `Idempotency-Key` is not counted twice.
public final class AnswerDroppingProxy: Sendable {
    private typealias Stream = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// The proxy's port on 127.0.0.1.
    public let port: Int
    private let upstreamPort: Int
    private let server: NIOAsyncChannel<Stream, Never>
    private let state = Mutex(State())

    private struct State {
        var connectionsToDrop = 0
        var droppedAnswers = 0
        var open: [ObjectIdentifier: any Channel] = [:]
        var acceptor: Task<Void, Never>?
    }

    private init(port: Int, upstreamPort: Int, server: NIOAsyncChannel<Stream, Never>) {
        self.port = port
        self.upstreamPort = upstreamPort
        self.server = server
    }

    /// Starts a proxy on a free port of 127.0.0.1 forwarding to 127.0.0.1:`upstreamPort`.
    public static func start(upstreamPort: Int) async throws -> AnswerDroppingProxy {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try Stream(wrappingChannelSynchronously: channel) }
            }
        let proxy = AnswerDroppingProxy(port: server.channel.localAddress?.port ?? 0, upstreamPort: upstreamPort, server: server)
        let acceptor = Task { await proxy.accept() }
        proxy.state.withLock { $0.acceptor = acceptor }
        return proxy
    }

    /// The answers on the next `count` new connections are swallowed (their requests still reach the server).
    public func dropAnswers(onNextConnections count: Int) {
        self.state.withLock { $0.connectionsToDrop += count }
    }

    /// How many answers were swallowed so far.
    public var droppedAnswers: Int { self.state.withLock { $0.droppedAnswers } }

    /// Closes the proxy and every connection through it.
    public func stop() async {
        self.server.channel.close(promise: nil)
        let (open, acceptor) = self.state.withLock { (Array($0.open.values), $0.acceptor) }
        for channel in open { channel.close(promise: nil) }
        await acceptor?.value
    }

    private func accept() async {
        try? await self.server.executeThenClose { inbound in
            await withDiscardingTaskGroup { group in
                do {
                    for try await client in inbound {
                        group.addTask { await self.relay(client) }
                    }
                } catch {}
            }
        }
    }

    private func relay(_ client: Stream) async {
        let drop = self.state.withLock { state -> Bool in
            state.open[ObjectIdentifier(client.channel)] = client.channel
            guard state.connectionsToDrop > 0 else { return false }
            state.connectionsToDrop -= 1
            return true
        }
        defer { self.state.withLock { _ = $0.open.removeValue(forKey: ObjectIdentifier(client.channel)) } }
        guard
            let upstream = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: self.upstreamPort, channelInitializer: { channel in
                    channel.eventLoop.makeCompletedFuture { try Stream(wrappingChannelSynchronously: channel) }
                })
        else {
            client.channel.close(promise: nil)
            return
        }
        self.state.withLock { $0.open[ObjectIdentifier(upstream.channel)] = upstream.channel }
        defer { self.state.withLock { _ = $0.open.removeValue(forKey: ObjectIdentifier(upstream.channel)) } }
        try? await client.executeThenClose { clientInbound, clientOutbound in
            try await upstream.executeThenClose { upstreamInbound, upstreamOutbound in
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await bytes in clientInbound { try await upstreamOutbound.write(bytes) }
                        } catch {}
                    }
                    group.addTask {
                        do {
                            for try await bytes in upstreamInbound {
                                if drop {
                                    self.state.withLock { $0.droppedAnswers += 1 }
                                    return
                                }
                                try await clientOutbound.write(bytes)
                            }
                        } catch {}
                    }
                    await group.next()
                    client.channel.close(promise: nil)
                    upstream.channel.close(promise: nil)
                    await group.waitForAll()
                }
            }
        }
    }
}
