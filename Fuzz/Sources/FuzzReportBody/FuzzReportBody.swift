import FunnelCore
import FuzzDriver

/// Parses fuzzed bytes as a `POST /v1/reports` body.
///
/// Traps when an accepted body, written again by ``ReportBodyWriter``, does not parse back to the same reports.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let parser = ReportBodyParser(maximumReports: 1000)
    let body: ReportBody
    do {
        body = try parser.parse(UnsafeRawBufferPointer(start: data, count: size))
    } catch {
        precondition(!error.description.isEmpty, "a rejection without a message")
        return 0
    }
    let written = ReportBodyWriter.body(body.stageReports, queueDepths: body.queueDepths)
    let again: ReportBody
    do {
        again = try parser.parse(written)
    } catch {
        preconditionFailure("the written body \(String(decoding: written, as: UTF8.self)) is refused: \(error)")
    }
    precondition(again == body, "the written body \(String(decoding: written, as: UTF8.self)) parses to other reports")
    return 0
}

@main enum FuzzReportBodyMain {
    static func main() { runFuzzer(fuzz) }
}
