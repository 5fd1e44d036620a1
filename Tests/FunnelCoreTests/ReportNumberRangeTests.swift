import FunnelCore
import Testing

/// Numbers a sender controls, in every numeric field of a report: out-of-range magnitudes are refused naming the
/// field, never trap, and nothing of the body is taken.
@Suite struct ReportNumberRangeTests {
    let parser = ReportBodyParser()

    /// Magnitudes that broke the number scanner or a conversion: exponents of 20 digits, overflows to infinity,
    /// underflows to zero, integers past Int64 and UInt64.
    static let hostileNumbers = [
        "1e9999999999999999999", "-1e9999999999999999999", "1.55e-9223372036854775807", "1.55e9223372036854775807",
        "1e99999999999999999999999999999999", "1e309", "-1e309", "1e-400", "4.9e-330", "99999999999999999999999",
        "18446744073709551616", "-9223372036854775809", "9223372036854775808", "1e16", "1.7976931348623157e308",
        "123456789012345678901234567890e-10", "0.0000000000000000000000000000000000001e-400",
    ]

    /// A stage report with `value` in `field`; DLQ fields make a depth report.
    static func body(field: String, value: String) -> String {
        switch field {
        case "depth": #"{"pipeline":"p","queue":"q","depth":\#(value)}"#
        case "time": #"{"pipeline":"p","queue":"q","depth":1,"time":\#(value)}"#
        case "latencies_ms", "end_to_end_latencies_ms": #"{"pipeline":"p","stage":"s","outcome":"received","count":2,"\#(field)":[1,\#(value)]}"#
        default: #"{"pipeline":"p","stage":"s","outcome":"received","\#(field)":\#(value)}"#
        }
    }

    static let numericFields = ["count", "depth", "event_time", "time", "latency_ms", "latencies_ms", "end_to_end_ms", "end_to_end_latencies_ms"]

    @Test(arguments: numericFields, hostileNumbers)
    func refusesOutOfRangeNumbersNamingTheField(field: String, value: String) {
        let body = Self.body(field: field, value: value)
        do {
            let parsed = try parser.parse(body)
            // Underflows to zero are fine where zero is: a latency or a depth of 0. Nothing else may pass.
            let zeroAllowed = ["depth", "latency_ms", "latencies_ms", "end_to_end_ms", "end_to_end_latencies_ms", "event_time", "time"]
            #expect(zeroAllowed.contains(field) && (Double(value) ?? 1) == 0, "\(body) was accepted as \(parsed)")
        } catch {
            #expect(error.field?.hasPrefix(field) == true, "\(body): \(error)")
            #expect([.numberOutOfRange, .invalidValue].contains(error.reason), "\(body): \(error)")
            #expect(error.description.count < 400, "the message quotes a bounded part of the number")
        }
    }

    @Test func aHugeExponentInCountIsNumberOutOfRange() {
        #expect(throws: ReportRejection(.numberOutOfRange, index: 0, field: "count", "number out of range: must be an integer from 1 to 1000000000000, got 1e9999999999999999999")) {
            try parser.parse(#"{"pipeline":"p","stage":"s","outcome":"received","count":1e9999999999999999999}"#)
        }
        #expect(throws: ReportRejection(.numberOutOfRange, index: 0, field: "count", "number out of range: must be an integer from 1 to 1000000000000, got 1.55e-9223372036854775807")) {
            try parser.parse(#"{"pipeline":"p","stage":"s","outcome":"received","count":1.55e-9223372036854775807}"#)
        }
    }

    @Test(arguments: ["1e308", "2592000000.5", "3e9", "1e20"])
    func refusesLatenciesPastThirtyDays(value: String) {
        for field in ["latency_ms", "end_to_end_ms", "latencies_ms", "end_to_end_latencies_ms"] {
            #expect(throws: ReportRejection.self) { try parser.parse(Self.body(field: field, value: value)) }
            do {
                _ = try parser.parse(Self.body(field: field, value: value))
            } catch {
                #expect(error.reason == .numberOutOfRange)
                #expect(error.problem.contains("2592000000 (30 days)"), "\(error)")
            }
        }
    }

    @Test func takesLatenciesUpToThirtyDays() throws {
        let parsed = try parser.parse(#"{"pipeline":"p","stage":"s","outcome":"received","latency_ms":2592000000,"end_to_end_ms":0}"#)
        #expect(parsed.stageReports.first?.latencyMillis == 2_592_000_000)
    }

    @Test(arguments: [
        ("0x10", "\"0x10\""), ("0X1F", "\"0X1F\""), ("1.2.3", "\"1.2.3\""), ("12abc", "\"12abc\""), ("1e5e5", "\"1e5e5\""),
        ("0b101", "\"0b101\""), ("07", nil), ("1_000", "\"1_000\""), ("5-3", "\"5-3\""), ("1e+5+", "\"1e+5+\""),
    ] as [(String, String?)])
    func numbersThatRunOnIntoLettersAreMalformedNotTheirPrefix(value: String, quoted: String?) {
        do {
            let parsed = try parser.parse(#"{"pipeline":"p","stage":"s","outcome":"received","count":\#(value)}"#)
            Issue.record("\(value) was accepted as \(parsed)")
        } catch {
            #expect(error.reason == .malformedJSON, "\(value): \(error)")
            if let quoted { #expect(error.problem.contains(quoted), "\(value): \(error)") }
            #expect(!error.problem.contains("got 0"), "\(value): \(error)")
        }
    }

    @Test func theCountMaximumPerReportStillHolds() throws {
        #expect(try parser.parse(#"{"pipeline":"p","stage":"s","outcome":"received","count":1000000000000}"#).stageReports.first?.count == 1_000_000_000_000)
        #expect(try parser.parse(#"{"pipeline":"p","stage":"s","outcome":"received","count":1e12}"#).stageReports.first?.count == 1_000_000_000_000)
        #expect(throws: ReportRejection(.numberOutOfRange, index: 0, field: "count", "number out of range: must be an integer from 1 to 1000000000000, got 1000000000001")) {
            try parser.parse(#"{"pipeline":"p","stage":"s","outcome":"received","count":1000000000001}"#)
        }
    }

    @Test func depthsUpToTheCounterMaximumAreExact() throws {
        let maximum = StageCounts.maximum
        #expect(try parser.parse(#"{"pipeline":"p","queue":"q","depth":\#(maximum)}"#).queueDepths.first?.depth == maximum)
        #expect(throws: ReportRejection.self) { try parser.parse(#"{"pipeline":"p","queue":"q","depth":\#(maximum + 1)}"#) }
    }

    /// Every number form in every numeric field, with random digits and exponents: never a trap.
    @Test func randomNumbersInEveryFieldNeverTrap() {
        var generator = SeededNumbers(state: 42)
        for _ in 0..<5_000 {
            let value = generator.number()
            for field in Self.numericFields {
                _ = try? parser.parse(Self.body(field: field, value: value))
            }
        }
    }
}

/// Random JSON-ish number texts: signs, long mantissas, fractions, exponents of any length.
private struct SeededNumbers {
    var state: UInt64

    mutating func next() -> UInt64 {
        self.state = self.state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return self.state >> 33
    }

    mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(self.next() % 10)) })
    }

    mutating func number() -> String {
        var text = self.next() % 4 == 0 ? "-" : ""
        text += self.digits(1 + Int(self.next() % 25))
        if self.next() % 2 == 0 { text += "." + self.digits(1 + Int(self.next() % 30)) }
        if self.next() % 2 == 0 {
            text += ["e", "E", "e+", "e-", "E-"][Int(self.next() % 5)] + self.digits(1 + Int(self.next() % 24))
        }
        return text
    }
}
