public import FunnelCore
import NIOCore
import NIOPosix

/// Reads a depth from Redis over a plain TCP connection speaking RESP: `AUTH` and `SELECT` when configured, then
/// `LLEN`, `XLEN` or `ZCARD` of the key.
///
/// One short connection per poll, closed when the poll ends or is abandoned at its timeout.
public struct RedisProbe: DLQProbe {
    public let settings: RedisSourceSettings

    public init(settings: RedisSourceSettings) {
        self.settings = settings
    }

    /// Connects, authenticates, selects and counts; the connection attempt gives up after `timeoutSeconds`.
    public func read(timeoutSeconds: Double) async throws -> DLQReading {
        let address = "\(self.settings.host):\(self.settings.port)"
        let channel: any Channel
        let connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            (channel, connection) = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(Int64(millisecondsFromSeconds: max(0.05, timeoutSeconds)) ?? 5000))
                .connect(host: self.settings.host, port: self.settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        (channel, try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel))
                    }
                }
        } catch {
            var timedOut = false
            if case .connectTimeout = error as? ChannelError { timedOut = true }
            throw DLQSourceError("cannot connect to redis at \(address): \(ConnectionFailureText.describe(error))", timedOut: timedOut)
        }
        return try await withTaskCancellationHandler {
            try await connection.executeThenClose { inbound, outbound in
                var session = RedisSession(inbound: inbound.makeAsyncIterator(), outbound: outbound, address: address)
                if let password = self.settings.password {
                    let reply = try await session.send(["AUTH", password])
                    guard case .simpleString = reply else { throw DLQSourceError("redis at \(address) refused AUTH: \(reply.shown)") }
                }
                if self.settings.database != 0 {
                    let reply = try await session.send(["SELECT", String(self.settings.database)])
                    guard case .simpleString = reply else { throw DLQSourceError("redis at \(address) refused SELECT \(self.settings.database): \(reply.shown)") }
                }
                let command = self.settings.command.rawValue.uppercased()
                let reply = try await session.send([command, self.settings.key])
                switch reply {
                case .integer(let value) where value >= 0 && UInt64(value) <= ReportBodyParser.maximumDepth:
                    return DLQReading(depth: UInt64(value))
                case .error(let message):
                    throw DLQSourceError("redis \(command) \(self.settings.key) failed: \(message)")
                default:
                    throw DLQSourceError("redis \(command) \(self.settings.key) answered \(reply.shown), expected an integer")
                }
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}
