import FunnelCore
import FuzzDriver

/// Reads fuzzed bytes as an OTLP/HTTP metrics export (the first byte picks binary protobuf or JSON), maps it onto
/// Funnel's entries and turns its cumulative points into differences, as ``OTLPReceiver`` does.
///
/// Traps when a mapped point breaks what the ledger relies on: a count past the maximum, a name outside the
/// name rule, a cumulative point that adds more than its total, or a latency bucket recorded as a value that is
/// negative or not finite.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let encoding: OTLPEncoding = data[0] % 2 == 0 ? .protobuf : .json
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    guard let request = try? encoding.decodeRequest(body) else { return 0 }
    let mapped = OTLPMapping.map(request)
    precondition(mapped.rejected.listed.allSatisfy { !$0.isEmpty } && mapped.rejected.listed.count <= mapped.rejected.count, "a rejection without a message")
    let streams = CumulativeStreams(restoring: [], maximumStreams: 64, trackingSinceNanos: 0)
    var changes = CumulativeStreams.Changes()
    for point in mapped.counts {
        precondition(point.value <= ReportBodyParser.maximumCount, "a point counts \(point.value), over the maximum")
        precondition(NameRule.accepts(point.pipeline) && NameRule.accepts(point.stage), "a name outside the rule")
        if case .add(let added) = streams.advance(point, seenMillis: 0, changes: &changes) {
            precondition(added <= point.value, "a cumulative point added \(added), more than its total \(point.value)")
        }
    }
    for point in mapped.latencies {
        var observations = LatencyObservations()
        let added = point.temporality == .cumulative ? streams.advance(point, seenMillis: 0, changes: &changes).added : point.buckets
        added?.record(into: &observations, millisPerUnit: point.millisPerUnit)
        precondition(observations.sketch.isEmpty || (observations.sketch.max.isFinite && observations.sketch.min >= 0), "a latency outside [0, ∞)")
    }
    for (report, _) in mapped.depths {
        precondition(report.depth <= ReportBodyParser.maximumDepth, "a depth of \(report.depth)")
    }
    _ = encoding.encode(OTLPExportResponse())
    return 0
}

@main enum FuzzOTLPMain {
    static func main() { runFuzzer(fuzz) }
}
