import NIOCore

/// One Redis connection's request/reply loop: writes a command, then decodes bytes until one whole reply is in.
struct RedisSession {
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let address: String
    var decoder = RESPDecoder()

    init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, address: String) {
        self.inbound = inbound
        self.outbound = outbound
        self.address = address
    }

    /// Sends `command` and returns the reply; an error reply is returned, not thrown.
    mutating func send(_ command: [String]) async throws -> RESPValue {
        try await self.outbound.write(ByteBuffer(bytes: RESPValue.command(command)))
        while true {
            do {
                if let reply = try self.decoder.next() { return reply }
            } catch {
                throw DLQSourceError("redis at \(self.address) sent an invalid reply: \(error)")
            }
            guard let bytes = try await self.inbound.next() else {
                throw DLQSourceError("redis at \(self.address) closed the connection before replying to \(command[0])")
            }
            self.decoder.append(bytes.readableBytesView)
        }
    }
}
