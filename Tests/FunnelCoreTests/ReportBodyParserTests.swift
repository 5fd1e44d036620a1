import Foundation
import FunnelCore
import SeededRandom
import Testing

@Suite struct ReportBodyParserTests {
    let parser = ReportBodyParser(maximumReports: 3)

    @Test func parsesASingleReportObject() throws {
        let reports = try parser.parse(#"{"pipeline":"orders","stage":"ingest","outcome":"received","count":5}"#).stageReports
        #expect(reports == [StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 5)])
    }

    @Test func parsesAnArrayAndAReportsWrapperAlike() throws {
        let array = #"[{"pipeline":"o","stage":"a","outcome":"passed"},{"pipeline":"o","stage":"b","outcome":"dead_lettered","count":2}]"#
        let wrapped = #"{"reports": \#(array)}"#
        let expected = [
            StageReport(pipeline: "o", stage: "a", outcome: .passed, count: 1),
            StageReport(pipeline: "o", stage: "b", outcome: .deadLettered, count: 2),
        ]
        #expect(try parser.parse(array).stageReports == expected)
        #expect(try parser.parse(wrapped).stageReports == expected)
    }

    @Test func acceptsAnEmptyArray() throws {
        #expect(try parser.parse("[]").stageReports.isEmpty)
    }

    @Test(arguments: [
        (#""2026-11-26T10:15:00Z""#, Int64(1_795_688_100_000)),
        (#""2026-11-26T11:15:00.250+01:00""#, 1_795_688_100_250),
        ("1795688100", 1_795_688_100_000),
        ("1795688100.5", 1_795_688_100_500),
    ])
    func parsesEventTimeAsRFC3339OrUnixSeconds(text: String, millis: Int64) throws {
        let reports = try parser.parse(#"{"pipeline":"o","stage":"s","outcome":"failed","event_time":\#(text)}"#).stageReports
        #expect(reports.first?.eventTimeMillis == millis)
    }

    @Test func keepsLatencyFields() throws {
        let one = try parser.parse(#"{"pipeline":"o","stage":"s","outcome":"passed","count":4,"latency_ms":12.5}"#).stageReports
        #expect(one.first?.latencyMillis == 12.5)
        let many = try parser.parse(#"{"pipeline":"o","stage":"s","outcome":"passed","count":4,"latencies_ms":[1,2.5,0]}"#).stageReports
        #expect(many.first?.latencySamplesMillis == [1, 2.5, 0])
    }

    @Test func decodesEscapesInNames() throws {
        let reports = try parser.parse(#"{"pipeline":"\u006frders","stage":"in\u002dgest","outcome":"received"}"#).stageReports
        #expect(reports.first?.pipeline == "orders")
        #expect(reports.first?.stage == "in-gest")
    }

    /// One bad body per rule: the reason counted, the report index and the field named.
    @Test(arguments: [
        ("{", ReportRejection.Reason.malformedJSON, nil as Int?, nil as String?),
        ("", .invalidBody, nil, nil),
        ("42", .invalidBody, nil, nil),
        (#"[{"pipeline":"o","stage":"s","outcome":"received"} x]"#, .malformedJSON, nil, nil),
        (#"[1]"#, .wrongType, 0, nil),
        (#"{"stage":"s","outcome":"received"}"#, .missingField, 0, "pipeline"),
        (#"{"pipeline":"o","outcome":"received"}"#, .missingField, 0, "stage"),
        (#"{"pipeline":"o","stage":"s"}"#, .missingField, 0, "outcome"),
        (#"{"pipeline":"","stage":"s","outcome":"received"}"#, .invalidValue, 0, "pipeline"),
        (#"{"pipeline":"o","stage":"bad stage","outcome":"received"}"#, .invalidValue, 0, "stage"),
        (#"{"pipeline":7,"stage":"s","outcome":"received"}"#, .wrongType, 0, "pipeline"),
        (#"{"pipeline":"o","stage":"s","outcome":"lost"}"#, .unknownOutcome, 0, "outcome"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","count":0}"#, .invalidValue, 0, "count"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","count":-2}"#, .invalidValue, 0, "count"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","count":1.5}"#, .invalidValue, 0, "count"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","count":"5"}"#, .wrongType, 0, "count"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","count":1e300}"#, .numberOutOfRange, 0, "count"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","event_time":"yesterday"}"#, .invalidValue, 0, "event_time"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","event_time":1795688100000}"#, .invalidValue, 0, "event_time"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","latency_ms":-1}"#, .invalidValue, 0, "latency_ms"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","count":1,"latencies_ms":[1,2]}"#, .invalidValue, 0, "latencies_ms"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","count":2,"latencies_ms":[1,"x"]}"#, .wrongType, 0, "latencies_ms[1]"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","cnt":5}"#, .unknownField, 0, "cnt"),
        (#"{"pipeline":"o","stage":"s","outcome":"received","count":1,"count":2}"#, .invalidValue, 0, "count"),
        (#"[{"pipeline":"o","stage":"s","outcome":"received"},{"pipeline":"o","stage":"s","outcome":"received","count":-2}]"#, .invalidValue, 1, "count"),
        (#"{"reports":[],"pipeline":"o"}"#, .invalidBody, nil, "pipeline"),
        (#"{"reports":{}}"#, .wrongType, nil, "reports"),
        (String(repeating: #"{"pipeline":"o","stage":"s","outcome":"received"},"#, count: 4).dropLast().description.wrappedInBrackets, .tooManyReports, nil, nil),
    ])
    func rejectsBadBodiesNamingReasonIndexAndField(body: String, reason: ReportRejection.Reason, index: Int?, field: String?) {
        #expect {
            _ = try parser.parse(body)
        } throws: { error in
            guard let rejection = error as? ReportRejection else { return false }
            return rejection.reason == reason && rejection.index == index && rejection.field == field
        }
    }

    @Test func messageNamesTheReportAndField() {
        #expect {
            _ = try parser.parse(#"[{"pipeline":"o","stage":"s","outcome":"received"},{"pipeline":"o","stage":"s","outcome":"received","count":-2}]"#)
        } throws: { error in
            (error as? ReportRejection)?.description == "reports[1].count: must be an integer from 1 to 1000000000000, got -2"
        }
    }

    @Test func parsesDLQDepthReportsBesideStageReports() throws {
        let body = try parser.parse(#"[{"pipeline":"o","queue":"o-dlq","depth":42},{"pipeline":"o","stage":"s","outcome":"failed"},{"pipeline":"o","queue":"o-dlq","depth":0,"time":"2026-11-26T10:15:00Z"}]"#)
        #expect(body.stageReports.count == 1)
        #expect(body.queueDepths == [
            QueueDepthReport(pipeline: "o", queue: "o-dlq", depth: 42),
            QueueDepthReport(pipeline: "o", queue: "o-dlq", depth: 0, timeMillis: 1_795_688_100_000),
        ])
    }

    @Test(arguments: [
        (#"{"pipeline":"o","queue":"q"}"#, ReportRejection.Reason.missingField, "depth"),
        (#"{"pipeline":"o","depth":3}"#, .missingField, "queue"),
        (#"{"queue":"q","depth":3}"#, .missingField, "pipeline"),
        (#"{"pipeline":"o","queue":"q","depth":-1}"#, .invalidValue, "depth"),
        (#"{"pipeline":"o","queue":"q","depth":"3"}"#, .wrongType, "depth"),
        (#"{"pipeline":"o","queue":"q q","depth":3}"#, .invalidValue, "queue"),
        (#"{"pipeline":"o","queue":"q","depth":3,"stage":"s"}"#, .invalidValue, "stage"),
        (#"{"pipeline":"o","stage":"s","outcome":"passed","time":1}"#, .unknownField, "time"),
    ])
    func rejectsBadDLQDepthReports(body: String, reason: ReportRejection.Reason, field: String) {
        #expect {
            _ = try parser.parse(body)
        } throws: { error in
            (error as? ReportRejection)?.reason == reason && (error as? ReportRejection)?.field == field
        }
    }

    @Test func namesLongerThanTheConfiguredLimitAreRefused() throws {
        let short = ReportBodyParser(maximumNameLength: 8)
        #expect(try short.parse(#"{"pipeline":"orders","stage":"s","outcome":"received"}"#).stageReports.count == 1)
        #expect {
            _ = try short.parse(#"{"pipeline":"orders-eu-west","stage":"s","outcome":"received"}"#)
        } throws: { ($0 as? ReportRejection)?.field == "pipeline" && ($0 as? ReportRejection)?.reason == .invalidValue }
    }

    /// The parser converts short decimals itself; every value must equal what the standard library makes of the text.
    @Test func numbersConvertExactlyAsTheStandardLibraryDoes() throws {
        var random = SeededGenerator(state: 9)
        var texts = ["0", "0.0", "0.1", "0.3", "1e0", "1E2", "2.5e-3", "123456789012345", "1234567890123456789", "9007199254740993",
                     "0.000000000000000000000001", "1e22", "1e23", "4.9e-324", "1.7976931348623157e308", "12.345678901234567"]
        for _ in 0..<5_000 {
            let digits = Int.random(in: 1...18, using: &random)
            let mantissa = String(UInt64.random(in: 0..<UInt64(pow(10, Double(digits))), using: &random))
            let point = Int.random(in: 0...mantissa.count, using: &random)
            var text = point == mantissa.count ? mantissa : mantissa.prefix(point).description.ifEmpty("0") + "." + mantissa.dropFirst(point)
            if Bool.random(using: &random) { text += "e\(Int.random(in: -30...30, using: &random))" }
            texts.append(text)
        }
        var inRange = 0
        for text in texts {
            let body = #"{"pipeline":"o","stage":"s","outcome":"passed","latency_ms":\#(text)}"#
            guard let expected = Double(text), expected <= ReportBodyParser.maximumLatencyMillis else {
                #expect(throws: ReportRejection.self, "\(text) is past the latency range") { try parser.parse(body) }
                continue
            }
            inRange += 1
            #expect(try parser.parse(body).stageReports.first?.latencyMillis == expected, "\(text)")
        }
        #expect(inRange > 2_000, "most random values are within the latency range, so the conversion is exercised")
    }

    @Test(arguments: [
        ("1000000000000", UInt64(1_000_000_000_000) as UInt64?), ("1000000000001", nil), ("9223372036854775807", nil),
        ("9223372036854775808", nil), ("18446744073709551616", nil), ("-9223372036854775808", nil),
    ])
    func countsAreExactUpToTheLimitAndRefusedBeyondIt(text: String, expected: UInt64?) throws {
        let body = #"{"pipeline":"o","stage":"s","outcome":"passed","count":\#(text)}"#
        if let expected {
            let count = try parser.parse(body).stageReports.first?.count
            #expect(count == expected)
        } else {
            #expect(throws: ReportRejection.self) { try parser.parse(body) }
        }
    }

    @Test func escapedKeysAndOutcomesAreDecodedLikePlainOnes() throws {
        let reports = try parser.parse(#"{"pip\u0065line":"o","st\u0061ge":"s","outcome":"dead\u005flettered","count":3}"#).stageReports
        #expect(reports == [StageReport(pipeline: "o", stage: "s", outcome: .deadLettered, count: 3)])
    }

    /// Strings are scanned eight bytes at a time: an escape or a control character must be found at every offset.
    @Test(arguments: 0..<20)
    func escapesAndControlCharactersAreFoundAtEveryOffset(offset: Int) throws {
        let head = String(repeating: "a", count: offset)
        let escaped = try parser.parse(#"{"pipeline":"\#(head)\u002dz","stage":"s","outcome":"received"}"#).stageReports
        #expect(escaped.first?.pipeline == head + "-z")
        let control = #"{"pipeline":"o","stage":"s","outcome":"received","event_time":"\#(head)\#u{01}"}"#
        #expect { try parser.parse(control) } throws: { ($0 as? ReportRejection)?.reason == .malformedJSON }
        #expect { try parser.parse(#"{"pipeline":"\#(head)\"x","stage":"s","outcome":"received"}"#) } throws: {
            ($0 as? ReportRejection)?.reason == .invalidValue && ($0 as? ReportRejection)?.field == "pipeline"
        }
        let plain = try parser.parse(#"{"pipeline":"\#(head)z","stage":"s","outcome":"received"}"#).stageReports
        #expect(plain.first?.pipeline == head + "z")
    }

    @Test func repeatedNamesInABatchComeOutEqual() throws {
        let body = "[" + (0..<100).map { #"{"pipeline":"p\#($0 % 40)","stage":"stage-\#($0 % 7)","outcome":"received"}"# }.joined(separator: ",") + "]"
        let reports = try ReportBodyParser().parse(body).stageReports
        #expect(reports.map(\.pipeline) == (0..<100).map { "p\($0 % 40)" })
        #expect(reports.map(\.stage) == (0..<100).map { "stage-\($0 % 7)" })
    }

    @Test func rejectsInvalidUTF8() {
        var body = Array(#"{"pipeline":"o","stage":"s","outcome":"received"}"#.utf8)
        body[14] = 0xFF
        #expect(throws: ReportRejection.self) { try parser.parse(body) }
    }
}

extension String {
    fileprivate var wrappedInBrackets: String { "[" + self + "]" }
    fileprivate func ifEmpty(_ replacement: String) -> String { self.isEmpty ? replacement : self }
}
