import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Sends a ``StatsDStream`` at a fixed rate of lines per second over a connected UDP socket on loopback.
///
/// Pacing is by whole datagrams against a monotonic clock, checked every 0.5 ms, so the sender sleeps rather than
/// spins at low rates and sends back to back at high ones.
struct StatsDSender {
    /// What one send achieved.
    struct Sent {
        var lines = 0
        var counterLines = 0
        var datagrams = 0
        var seconds = 0.0
        var linesPerSecond: Double { Double(self.lines) / self.seconds }
    }

    let port: Int

    /// Sends for `seconds` at `linesPerSecond`, continuing the stream from `position` (updated).
    func send(_ stream: StatsDStream, linesPerSecond: Double, seconds: Double, position: inout Int) throws(FigureError) -> Sent {
        let datagramsPerSecond = linesPerSecond / stream.averageLinesPerDatagram
        return try self.send(stream, datagramsPerSecond: datagramsPerSecond, total: Int(datagramsPerSecond * seconds), position: &position)
    }

    /// Sends every datagram of `stream` once, in order, at `linesPerSecond`.
    func sendAll(_ stream: StatsDStream, linesPerSecond: Double) throws(FigureError) -> Sent {
        var position = 0
        return try self.send(stream, datagramsPerSecond: linesPerSecond / stream.averageLinesPerDatagram, total: stream.datagrams.count, position: &position)
    }

    /// Sends `total` datagrams from `position` on at `datagramsPerSecond`.
    private func send(_ stream: StatsDStream, datagramsPerSecond: Double, total: Int, position: inout Int) throws(FigureError) -> Sent {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard socket >= 0 else { throw FigureError("udp socket: \(String(cString: strerror(errno)))") }
        defer { close(socket) }
        var buffer: Int32 = 4 << 20
        setsockopt(socket, SOL_SOCKET, SO_SNDBUF, &buffer, socklen_t(MemoryLayout<Int32>.size))
        var address = LoopbackHTTP.loopback(port: self.port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw FigureError("udp connect 127.0.0.1:\(self.port): \(String(cString: strerror(errno)))") }
        var sent = Sent()
        let started = Monotonic.now
        while sent.datagrams < total {
            let due = min(total, Int((Monotonic.now - started) * datagramsPerSecond) + 1)
            if sent.datagrams >= due {
                usleep(500)
                continue
            }
            while sent.datagrams < due {
                let index = position % stream.datagrams.count
                let result = stream.datagrams[index].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
                if result < 0 {
                    if errno == EINTR || errno == ENOBUFS || errno == EAGAIN { continue }
                    throw FigureError("udp send: \(String(cString: strerror(errno)))")
                }
                sent.lines += stream.lines[index]
                sent.counterLines += stream.counterLines[index]
                sent.datagrams += 1
                position += 1
            }
        }
        sent.seconds = max(Monotonic.now - started, Double(total) / datagramsPerSecond)
        return sent
    }

    /// Datagrams the kernel dropped at the UDP socket bound to `port` on 127.0.0.1 (`drops` in /proc/net/udp).
    static func kernelDrops(port: Int) -> Int {
        let text = (try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8)) ?? ""
        let hex = String(port, radix: 16, uppercase: true)
        let local = "0100007F:" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count >= 13, fields[1] == local else { continue }
            return Int(fields[12]) ?? 0
        }
        return 0
    }
}
