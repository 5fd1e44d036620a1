import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request to 127.0.0.1 over its own connection (`Connection: close`), read to the end.
///
/// A few dozen lines of sockets instead of an HTTP client library, so a scrape's time is the server's time plus
/// loopback, not a client's buffering: answers are read into one buffer kept from request to request, so a
/// 30 MB answer costs the client neither reallocations nor fresh pages.
struct LoopbackHTTP {
    /// The receive buffer, kept with its room between requests.
    private static let receiveBuffer = Mutex<[UInt8]>([])

    /// The answer: status code, decoded body, and seconds from connecting to the last byte.
    struct Response {
        var status: Int
        var body: [UInt8]
        var seconds: Double
        var text: String { String(decoding: self.body, as: UTF8.self) }
    }

    let port: Int

    /// Sends `method path` with `body`; throws when the connection fails or the answer is not HTTP.
    func request(_ method: String, _ path: String, body: [UInt8] = [], contentType: String = "application/json") throws(FigureError) -> Response {
        let started = Monotonic.now
        let socket = try Self.connect(port: self.port)
        defer { close(socket) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(self.port)\r\nConnection: close\r\nAccept: */*\r\n"
        if !body.isEmpty || method != "GET" { head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        try Self.writeAll(socket, Array(head.utf8) + body)
        var received = Self.receiveBuffer.withLock { buffer in
            defer { buffer = [] }
            return buffer
        }
        defer { Self.receiveBuffer.withLock { $0 = received } }
        received.removeAll(keepingCapacity: true)
        if received.capacity < 1 << 16 { received.reserveCapacity(1 << 16) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw FigureError("reading from 127.0.0.1:\(self.port)\(path): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            received.append(contentsOf: chunk[0..<count])
        }
        let seconds = Monotonic.now - started
        return try Self.parse(received, seconds: seconds, what: "\(method) 127.0.0.1:\(self.port)\(path)")
    }

    /// Sends a GET and returns the body as text, or throws unless the status is 200.
    func get(_ path: String) throws(FigureError) -> String {
        let response = try self.request("GET", path)
        guard response.status == 200 else { throw FigureError("GET 127.0.0.1:\(self.port)\(path): status \(response.status)") }
        return response.text
    }

    /// Whether something answers `path` with 200 now.
    func answers(_ path: String) -> Bool {
        (try? self.request("GET", path).status) == 200
    }

    // MARK: Sockets

    /// A TCP socket connected to 127.0.0.1:`port`, with Nagle off.
    static func connect(port: Int) throws(FigureError) -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw FigureError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            close(socket)
            throw FigureError("connect 127.0.0.1:\(port): \(message)")
        }
        return socket
    }

    /// The address 127.0.0.1:`port`.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// Writes every byte, retrying short writes.
    static func writeAll(_ socket: Int32, _ bytes: [UInt8]) throws(FigureError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(socket, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw FigureError("write: \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (the system picks it).
    static func freePort() throws(FigureError) -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw FigureError("bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    // MARK: Parsing

    /// Splits a whole HTTP/1.1 response into status and body (de-chunked when needed).
    static func parse(_ bytes: [UInt8], seconds: Double, what: String) throws(FigureError) -> Response {
        guard let split = Self.find([13, 10, 13, 10], in: bytes, from: 0) else { throw FigureError("\(what): no HTTP header in \(bytes.count) bytes") }
        let head = String(decoding: bytes[0..<split], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let statusParts = (lines.first ?? "").split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw FigureError("\(what): bad status line \(lines.first ?? "")") }
        let chunked = lines.dropFirst().contains { $0.lowercased().hasPrefix("transfer-encoding:") && $0.lowercased().contains("chunked") }
        var body = Array(bytes[(split + 4)...])
        if chunked { body = try Self.dechunk(body, what: what) }
        return Response(status: status, body: body, seconds: seconds)
    }

    /// The body of a `Transfer-Encoding: chunked` response.
    static func dechunk(_ bytes: [UInt8], what: String) throws(FigureError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var position = 0
        while position < bytes.count {
            guard let lineEnd = Self.find([13, 10], in: bytes, from: position) else { throw FigureError("\(what): bad chunk header") }
            let sizeText = String(decoding: bytes[position..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingSpaces(), radix: 16) else { throw FigureError("\(what): bad chunk size \(sizeText)") }
            if size == 0 { break }
            let start = lineEnd + 2
            guard start + size <= bytes.count else { throw FigureError("\(what): truncated chunk") }
            out.append(contentsOf: bytes[start..<(start + size)])
            position = start + size + 2
        }
        return out
    }

    /// The first index at or after `from` where `needle` starts in `bytes`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = from
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0] && Array(bytes[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}

extension Substring {
    /// The text without leading and trailing spaces.
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
