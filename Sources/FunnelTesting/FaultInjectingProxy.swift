import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy in front of a server that injects network faults: it can swallow the server's answers (the
/// request gets through and is processed, but the client sees its connection closed instead of the reply, as
/// after a timeout), delay them, and cut the server off entirely while it is stopped and restarted.
///
/// For proving that a client's retry with the same `Idempotency-Key` is not counted twice, and that an outage
/// loses nothing. Cutting off first also keeps clients from connecting to a server that is shutting down.
public final class FaultInjectingProxy: Sendable {
    private typealias Stream = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// The proxy's port on 127.0.0.1.
    public let port: Int
    private let server: NIOAsyncChannel<Stream, Never>
    private let state: Mutex<State>

    private struct State {
        var upstreamPort: Int
        var cutOff = false
        var connectionsToDrop = 0
        var answerDelay: Duration?
        var droppedAnswers = 0
        var open: [ObjectIdentifier: any Channel] = [:]
        var acceptor: Task<Void, Never>?
    }

    private init(port: Int, upstreamPort: Int, server: NIOAsyncChannel<Stream, Never>) {
        self.port = port
        self.state = Mutex(State(upstreamPort: upstreamPort))
        self.server = server
    }

    /// Starts a proxy on a free port of 127.0.0.1 forwarding to 127.0.0.1:`upstreamPort`.
    public static func start(upstreamPort: Int) async throws -> FaultInjectingProxy {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try Stream(wrappingChannelSynchronously: channel) }
            }
        let proxy = FaultInjectingProxy(port: server.channel.localAddress?.port ?? 0, upstreamPort: upstreamPort, server: server)
        let acceptor = Task { await proxy.accept() }
        proxy.state.withLock { $0.acceptor = acceptor }
        return proxy
    }

    /// The answers on the next `count` new connections are swallowed (their requests still reach the server).
    public func dropAnswers(onNextConnections count: Int) {
        self.state.withLock { $0.connectionsToDrop += count }
    }

    /// Holds the server's answers on new connections for `delay` before passing them on (nil: pass them at once), as
    /// a slow proxy or an overloaded network does: the server has the request, the client waits.
    public func delayAnswers(by delay: Duration?) {
        self.state.withLock { $0.answerDelay = delay }
    }

    /// Closes every connection through the proxy and refuses new ones until ``restore(upstreamPort:)``.
    public func cutOff() {
        let open = self.state.withLock { state in
            state.cutOff = true
            return Array(state.open.values)
        }
        for channel in open { channel.close(promise: nil) }
    }

    /// Forwards again, to `upstreamPort` when given (a restarted server on another port).
    public func restore(upstreamPort: Int? = nil) {
        self.state.withLock { state in
            state.cutOff = false
            if let upstreamPort { state.upstreamPort = upstreamPort }
        }
    }

    /// How many connections had their answer swallowed so far (counted when such a connection ends).
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
        let (drop, upstreamPort, delay) = self.state.withLock { state -> (Bool, Int?, Duration?) in
            guard !state.cutOff else { return (false, nil, nil) }
            state.open[ObjectIdentifier(client.channel)] = client.channel
            guard state.connectionsToDrop > 0 else { return (false, state.upstreamPort, state.answerDelay) }
            state.connectionsToDrop -= 1
            return (true, state.upstreamPort, state.answerDelay)
        }
        defer { self.state.withLock { _ = $0.open.removeValue(forKey: ObjectIdentifier(client.channel)) } }
        guard let upstreamPort else {
            // Close through executeThenClose: a wrapped channel dropped unfinished traps in NIOAsyncWriter.
            try? await client.executeThenClose { _, _ in }
            return
        }
        guard
            let upstream = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: upstreamPort, channelInitializer: { channel in
                    channel.eventLoop.makeCompletedFuture { try Stream(wrappingChannelSynchronously: channel) }
                })
        else {
            try? await client.executeThenClose { _, _ in }
            return
        }
        self.state.withLock { $0.open[ObjectIdentifier(upstream.channel)] = upstream.channel }
        defer { self.state.withLock { _ = $0.open.removeValue(forKey: ObjectIdentifier(upstream.channel)) } }
        // Counted per connection whose answer was withheld, whether it came before or after the client gave up.
        defer { if drop { self.state.withLock { $0.droppedAnswers += 1 } } }
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
                            var delayed = false
                            for try await bytes in upstreamInbound {
                                if drop { return }
                                if let delay, !delayed {
                                    delayed = true
                                    try await Task.sleep(for: delay)
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
