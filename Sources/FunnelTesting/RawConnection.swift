#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A plain TCP connection to 127.0.0.1 for sending partial or malformed HTTP, byte by byte if need be.
public final class RawConnection: @unchecked Sendable {
    // @unchecked: the descriptor is used from one test task at a time and closed once, in close() or deinit.
    private var descriptor: Int32

    public init(port: Int) throws {
        self.descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw RequiredTool.Missing(description: "cannot connect to 127.0.0.1:\(port)") }
    }

    public func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(self.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads what arrives until the peer closes or `timeout` passes.
    public func receive(timeout: Duration) -> String {
        var timeval = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(self.descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeval, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received.append(contentsOf: buffer[..<count])
            if let text = String(bytes: received, encoding: .utf8), text.contains("\r\n\r\n"), text.contains("}") { break }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Reads until the peer closes or resets the connection or `timeout` passes; returns whether it ended in time
    /// and what arrived before.
    public func waitForEnd(timeout: Duration) -> (ended: Bool, received: String) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            var timeval = timeval(tv_sec: Int(left.components.seconds), tv_usec: max(1000, Int(left.components.attoseconds / 1_000_000_000_000)))
            setsockopt(self.descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeval, socklen_t(MemoryLayout<timeval>.size))
            let count = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (true, String(decoding: received, as: UTF8.self)) }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                return (true, String(decoding: received, as: UTF8.self))
            }
            received.append(contentsOf: buffer[..<count])
        }
        return (false, String(decoding: received, as: UTF8.self))
    }

    /// Sends `count` bytes of `byte` in one go, or as much as the peer takes; returns how many were sent.
    @discardableResult
    public func send(repeating byte: UInt8, count: Int) -> Int {
        let bytes = [UInt8](repeating: byte, count: count)
        var sent = 0
        while sent < count {
            let result = bytes.withUnsafeBytes { Glibc.send(self.descriptor, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
            if result <= 0 { break }
            sent += result
        }
        return sent
    }

    public func close() {
        if self.descriptor >= 0 {
            Glibc.close(self.descriptor)
            self.descriptor = -1
        }
    }

    deinit { self.close() }
}
