import NIOCore
import NIOPosix

/// Finds a free TCP port on 127.0.0.1 by binding port 0, for programs that cannot report the port they chose.
public enum FreePort {
    public static func next() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
