import FunnelCore
import Testing

@Suite struct ReportBodyWriterTests {
    @Test func writesWhatTheParserReadsBackExactly() throws {
        let reports = [
            StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 12),
            StageReport(pipeline: "orders", stage: "ingest", outcome: .passed, count: 3, eventTimeMillis: 1_795_688_100_123, latencyMillis: 12.5),
            StageReport(pipeline: "o", stage: "s", outcome: .deadLettered, count: 2, latencySamplesMillis: [0, 1.25]),
            StageReport(pipeline: "o", stage: "s", outcome: .failed, count: ReportBodyParser.maximumCount, latencyMillis: 3),
        ]
        let body = ReportBodyWriter.body(reports)
        #expect(try ReportBodyParser().parse(body) == reports)
        #expect(String(decoding: ReportBodyWriter.body(reports.prefix(1)), as: UTF8.self) == #"[{"pipeline":"orders","stage":"ingest","outcome":"received","count":12}]"#)
    }

    @Test func escapesStrings() {
        var bytes: [UInt8] = []
        ReportBodyWriter.appendString("a\"b\\c\n", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #""a\"b\\c\u000a""#)
    }
}
