import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes typed on a file descriptor, as an async stream, read by a dispatch source so no task blocks in `read`.
public enum KeyboardInput {
    /// A stream of the bytes available on `descriptor` each time it becomes readable; ends at end of input.
    public static func bytes(from descriptor: Int32) -> AsyncStream<[UInt8]> {
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        let queue = DispatchQueue(label: "funnel.top.keyboard")
        nonisolated(unsafe) let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        source.setEventHandler {
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                continuation.yield(Array(buffer.prefix(count)))
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                continuation.finish()
                source.cancel()
            }
        }
        continuation.onTermination = { _ in source.cancel() }
        source.resume()
        return stream
    }
}
