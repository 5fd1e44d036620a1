import NIOCore
import NIOPosix

/// Sends StatsD text to a listener over real UDP and TCP sockets.
public enum StatsDSender {
    /// Sends each of `datagrams` as one UDP datagram to 127.0.0.1:`port`.
    public static func udp(_ datagrams: [String], port: Int, host: String = "127.0.0.1") async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: host, port: 0).get()
        let remote = try SocketAddress(ipAddress: host, port: port)
        for datagram in datagrams {
            try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(string: datagram))).get()
        }
        try await channel.close()
    }

    /// Opens a TCP connection to 127.0.0.1:`port`, writes each of `chunks` as it is (split lines across chunks freely), and closes.
    public static func tcp(_ chunks: [String], port: Int, host: String = "127.0.0.1") async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port).get()
        for chunk in chunks {
            try await channel.writeAndFlush(ByteBuffer(string: chunk)).get()
        }
        try await channel.close()
    }
}
