#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output or standard error of a `funnel` command, written whole; a closed pipe ends the command quietly.
///
/// `funnel status | head -8` closes the pipe after eight lines. With SIGPIPE ignored
/// (``ignoreBrokenPipeSignal()``) the next write fails with `EPIPE`, and ``write(_:)`` ends the process at once
/// with ``closedPipeExitStatus``, saying nothing: the reader has all it asked for.
public struct CommandOutput: Sendable {
    public let descriptor: Int32

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    public static let standardOutput = CommandOutput(descriptor: 1)
    public static let standardError = CommandOutput(descriptor: 2)

    /// 128 + SIGPIPE, what a shell reports for a tool that a closed pipe ended; never 0, so a check piped
    /// through `head` cannot read as OK.
    public static let closedPipeExitStatus: Int32 = 141

    /// What became of a write.
    public enum Outcome: Sendable, Hashable {
        case written
        /// The reading end of the pipe is closed (`EPIPE`).
        case readerGone
        /// Any other failure, with its `errno`.
        case failed(errno: Int32)
    }

    /// Makes a write to a closed pipe fail with `EPIPE` instead of killing the process, so it can end on its own terms.
    public static func ignoreBrokenPipeSignal() {
        _ = signal(SIGPIPE, SIG_IGN)
    }

    /// Writes all of `text`, retrying short and interrupted writes.
    public func attempt(_ text: String) -> Outcome {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(self.descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK {
                    var ready = pollfd(fd: self.descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, -1)
                    continue
                }
                return code == EPIPE ? .readerGone : .failed(errno: code)
            }
            bytes = bytes.dropFirst(written)
        }
        return .written
    }

    /// Writes all of `text`; when the reader has gone, exits with ``closedPipeExitStatus``; on any other failure
    /// says so on standard error and exits 1.
    public func write(_ text: String) {
        switch self.attempt(text) {
        case .written:
            return
        case .readerGone:
            _exit(Self.closedPipeExitStatus)
        case .failed(let code):
            if self.descriptor != Self.standardError.descriptor {
                _ = Self.standardError.attempt("funnel: cannot write to \(self.name): \(String(cString: strerror(code)))\n")
            }
            _exit(1)
        }
    }

    var name: String {
        switch self.descriptor {
        case 1: "standard output"
        case 2: "standard error"
        default: "descriptor \(self.descriptor)"
        }
    }
}

/// The C library's `write`, out of reach of the method of the same name.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
