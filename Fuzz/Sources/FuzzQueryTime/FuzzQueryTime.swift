import FunnelCore
import FuzzDriver

/// Reads fuzzed bytes as a `from=`/`to=` query parameter and as an RFC 3339 event time.
///
/// Traps when an accepted time is out of ``TimeParameter``'s range, or when a time written as RFC 3339 does not
/// read back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let millis = try TimeParameter.millis(text, name: "from")
        precondition(TimeParameter.millisecondRange.contains(millis), "accepted \(millis) ms, out of range")
        roundTrip(millis)
    } catch {
        precondition(error.description.hasPrefix("from: "), "the error does not name the parameter: \(error)")
    }
    if let millis = EventTimestamp.parseRFC3339(text), TimeParameter.millisecondRange.contains(millis) {
        roundTrip(millis)
    }
    return 0
}

private func roundTrip(_ millis: Int64) {
    let written = EventTimestamp.formatRFC3339(millis: millis)
    precondition(EventTimestamp.parseRFC3339(written) == millis, "\(millis) ms is written \(written), which reads back otherwise")
    precondition((try? TimeParameter.millis(written, name: "to")) == millis, "\(written) is refused as a query parameter")
}

@main enum FuzzQueryTimeMain {
    static func main() { runFuzzer(fuzz) }
}
