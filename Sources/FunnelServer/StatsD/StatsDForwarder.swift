import Foundation
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Relays StatsD lines Funnel does not take, unchanged, over UDP to another StatsD (`statsd.forward_unmatched`), so
/// Funnel can sit on the port applications already send to and pass the rest on to the Datadog agent or
/// statsd_exporter.
///
/// Lines go out joined by `\n`, at most ``maximumDatagramBytes`` to a datagram (a longer line goes alone). A send
/// that fails (the peer is down, the buffer is full) drops those lines and counts them; it never blocks the reader.
final class StatsDForwarder: Sendable {
    /// The most bytes put in one forwarded datagram: what fits a 1500-byte Ethernet frame, as StatsD clients send.
    static let maximumDatagramBytes = 1432

    /// Where the lines go.
    let address: ListenAddress
    private let descriptor: Int32

    /// A socket connected to `address`; the host is resolved once, now.
    init(to address: ListenAddress) throws(StatsDForwarderError) {
        let resolved: SocketAddress
        do {
            resolved = try SocketAddress.makeAddressResolvingHost(address.host, port: address.port)
        } catch {
            throw StatsDForwarderError(address: address, reason: "cannot resolve the host: \(error)")
        }
        #if canImport(Glibc)
        let descriptor = socket(resolved.protocol.rawValue, Int32(SOCK_DGRAM.rawValue), 0)
        #else
        let descriptor = socket(resolved.protocol.rawValue, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { throw StatsDForwarderError(address: address, reason: "socket: \(String(cString: strerror(errno)))") }
        let connected = resolved.withSockAddr { pointer, length in connect(descriptor, pointer, socklen_t(length)) }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw StatsDForwarderError(address: address, reason: reason)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        self.address = address
        self.descriptor = descriptor
    }

    deinit {
        close(self.descriptor)
    }

    /// Sends `lines` (each without its newline); returns how many of them could not be sent.
    func send(_ lines: [UnsafeRawBufferPointer]) -> Int {
        var failed = 0
        var datagram: [UInt8] = []
        var inDatagram = 0
        datagram.reserveCapacity(Self.maximumDatagramBytes)
        func flush() {
            guard inDatagram > 0 else { return }
            let sent = datagram.withUnsafeBytes { sendDatagram(self.descriptor, $0) }
            if sent != datagram.count { failed += inDatagram }
            datagram.removeAll(keepingCapacity: true)
            inDatagram = 0
        }
        for line in lines {
            if inDatagram > 0, datagram.count + 1 + line.count > Self.maximumDatagramBytes { flush() }
            if inDatagram > 0 { datagram.append(UInt8(ascii: "\n")) }
            datagram.append(contentsOf: line)
            inDatagram += 1
        }
        flush()
        return failed
    }
}

/// Sends one datagram on a connected socket without raising SIGPIPE; returns the bytes sent or -1.
private func sendDatagram(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    #if canImport(Glibc)
    return Glibc.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
    #else
    return Darwin.send(descriptor, bytes.baseAddress, bytes.count, 0)
    #endif
}

/// The forwarding socket for `statsd.forward_unmatched` could not be set up.
struct StatsDForwarderError: Error, CustomStringConvertible {
    var address: ListenAddress
    var reason: String

    var description: String { "statsd.forward_unmatched: cannot send to udp://\(self.address): \(self.reason)" }
}
