import CompressNIO
import NIOCore

/// Inflates a `Content-Encoding: gzip` body, refusing one that would inflate past the body limit (a zip bomb).
struct OTLPBodyInflater: Sendable {
    /// The most bytes a body may inflate to: the same limit as a plain body.
    var maximumBytes: Int

    /// Why a compressed body was refused.
    enum Refusal: Error, Sendable, Equatable {
        /// It inflates to more than ``OTLPBodyInflater/maximumBytes``.
        case tooLarge
        /// It is not a complete gzip stream.
        case corrupt(String)
    }

    /// The inflated bytes of `body`.
    func inflate(_ body: ByteBuffer) throws(Refusal) -> [UInt8] {
        var input = body
        do {
            let output = try input.decompress(with: .gzip(), maxSize: self.maximumBytes)
            return Array(output.readableBytesView)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .tooLarge
        } catch {
            throw .corrupt("\(error)")
        }
    }
}
