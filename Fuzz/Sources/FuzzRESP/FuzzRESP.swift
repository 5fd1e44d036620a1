import FuzzDriver

/// Decodes fuzzed bytes as a Redis reply stream, whole and in pieces.
///
/// Traps when the two readings disagree, or when a decoded value's own encoding does not decode back to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = decodeAll([bytes[...]])
    let pieceSize = 1 + Int(bytes.first ?? 0) % 7
    let pieces = stride(from: 0, to: bytes.count, by: pieceSize).map { bytes[$0..<min($0 + pieceSize, bytes.count)] }
    let incremental = decodeAll(pieces)
    precondition(whole.values == incremental.values, "whole and incremental decoding disagree on the values")
    precondition(whole.failed == incremental.failed, "whole and incremental decoding disagree on the error")
    for value in whole.values {
        var decoder = RESPDecoder()
        decoder.append(value.encoded())
        let again: RESPValue?
        do { again = try decoder.next() } catch { preconditionFailure("re-encoded \(value.shown) does not decode: \(error)") }
        precondition(again == value, "re-encoded \(value.shown) decodes to \(again.map(\.shown) ?? "nothing")")
    }
    return 0
}

private func decodeAll(_ pieces: [ArraySlice<UInt8>]) -> (values: [RESPValue], failed: Bool) {
    var decoder = RESPDecoder()
    var values: [RESPValue] = []
    for piece in pieces {
        decoder.append(piece)
        do {
            while let value = try decoder.next() { values.append(value) }
        } catch {
            return (values, true)
        }
    }
    return (values, false)
}

@main enum FuzzRESPMain {
    static func main() { runFuzzer(fuzz) }
}
