import Foundation
import FunnelCore
import FunnelServer
import Testing

/// Sample rates and values a sender controls, for every metric type: out-of-range ones are refused with a
/// counted reason and never trap (a tiny rate once made 1/rate overflow UInt64).
@Suite struct StatsDSampleRateTests {
    let parser = StatsDLineParser()

    static let lineForms = [
        "funnel.events:1|c|@RATE|#pipeline:p,stage:s,outcome:received",
        "funnel.events:0|c|@RATE|#pipeline:p,stage:s,outcome:received",
        "funnel.latency:12|ms|@RATE|#pipeline:p,stage:s",
        "funnel.latency:12|h|@RATE|#pipeline:p,stage:s",
        "funnel.latency:12|d|@RATE|#pipeline:p,stage:s",
        "funnel.dlq_depth:3|g|@RATE|#pipeline:p,queue:q",
    ]

    static let badRates = [
        "1e-20", "1e-300", "5e-324", "4.9e-324", "1e-7", "0.0000009", "0", "-0", "-1", "1.0000001", "2", "NaN", "nan", "inf",
        "-inf", "1e400", "", "0x1p-80", "1e-9999999999999999999",
    ]

    @Test(arguments: lineForms, badRates)
    func refusesSampleRatesOutsideTheRangeForEveryType(form: String, rate: String) {
        let line = form.replacingOccurrences(of: "RATE", with: rate)
        do {
            let parsed = try parser.parse(line)
            Issue.record("\(line) was accepted as \(String(describing: parsed))")
        } catch {
            #expect(error.reason == .badSampleRate, "\(line): \(error)")
            #expect(error.message.contains("0.000001"), "\(line): \(error)")
        }
    }

    @Test(arguments: lineForms)
    func theSmallestRateIsTakenAndWeighsAtMostTheLatencyWeightCap(form: String) throws {
        let line = form.replacingOccurrences(of: "RATE", with: "0.000001")
        let parsed = try #require(try parser.parse(line))
        switch parsed {
        case .events(let report): #expect(report.count == 1_000_000 || form.contains(":0|"))
        case .latency(let observation): #expect(observation.weight == FunnelLedger.maximumLatencyWeight)
        case .dlqDepth(let depth): #expect(depth.depth == 3)
        }
    }

    @Test(arguments: ["1e20", "1e13", "1000001", "1e308", "1.7976931348623157e308", "99999999999999999999"])
    func countsThatScalePastTheReportMaximumAreRefused(value: String) {
        #expect(throws: StatsDLineRejection.self) { try parser.parse("funnel.events:\(value)|c|@0.000001|#pipeline:p,stage:s,outcome:received") }
        if Double(value)! > 1e12 {
            #expect(throws: StatsDLineRejection.self) { try parser.parse("funnel.events:\(value)|c|#pipeline:p,stage:s,outcome:received") }
        }
    }

    @Test(arguments: ["1e308", "2592000001", "1e10", "99999999999999999999"])
    func latenciesPastThirtyDaysAreRefusedForEveryTimerType(value: String) {
        for type in ["ms", "h", "d"] {
            do {
                _ = try parser.parse("funnel.latency:\(value)|\(type)|#pipeline:p,stage:s")
                Issue.record("\(value)|\(type) was accepted")
            } catch {
                #expect(error.reason == .badValue)
            }
        }
    }

    @Test(arguments: ["9007199254740992", "1e16", "1e300", "18446744073709551616", "1.5", "-0.5"])
    func depthsPastTheCounterMaximumAreRefused(value: String) {
        #expect(throws: StatsDLineRejection.self) { try parser.parse("funnel.dlq_depth:\(value)|g|#pipeline:p,queue:q") }
    }

    /// The accumulator (the listener's path) refuses the same lines, one by one, and keeps the good ones around them.
    @Test func theAccumulatorRefusesBadRatesAndKeepsTheRestOfTheDatagram() {
        var accumulator = StatsDAccumulator(parser: parser)
        var refused: [StatsDLineRejection.Reason] = []
        let datagram = (Self.lineForms.map { $0.replacingOccurrences(of: "RATE", with: "1e-20") }
            + ["funnel.events:7|c|#pipeline:p,stage:s,outcome:passed"]).joined(separator: "\n")
        Array(datagram.utf8).withUnsafeBytes { bytes in
            accumulator.add(bytes, maximumLineBytes: 1 << 16) { _, rejection in refused.append(rejection.reason) }
        }
        #expect(refused == Array(repeating: .badSampleRate, count: Self.lineForms.count))
        let batch = accumulator.drain()
        #expect(batch.entries.stageReports.map(\.count) == [7])
    }
}
