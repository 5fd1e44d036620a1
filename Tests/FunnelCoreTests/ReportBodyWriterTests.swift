import FunnelCore
import Testing

@Suite struct ReportBodyWriterTests {
    @Test func writesWhatTheParserReadsBackExactly() throws {
        let reports = [
            StageReport(pipeline: "orders", stage: "ingest", outcome: .received, count: 12),
            StageReport(pipeline: "orders", stage: "ingest", outcome: .passed, count: 3, eventTimeMillis: 1_795_688_100_123, latencyMillis: 12.5),
            StageReport(pipeline: "o", stage: "s", outcome: .deadLettered, count: 2, latencySamplesMillis: [0, 1.25]),
            StageReport(pipeline: "o", stage: "s", outcome: .failed, count: ReportBodyParser.maximumCount, latencyMillis: 3),
            StageReport(pipeline: "o", stage: "last", outcome: .passed, count: 2, endToEndMillis: 1200),
            StageReport(pipeline: "o", stage: "last", outcome: .passed, count: 2, endToEndSamplesMillis: [900, 1500]),
        ]
        let depths = [QueueDepthReport(pipeline: "o", queue: "o-dlq", depth: 42), QueueDepthReport(pipeline: "o", queue: "retry", depth: 0, timeMillis: 1_795_688_100_500)]
        let body = ReportBodyWriter.body(reports, queueDepths: depths)
        #expect(try ReportBodyParser().parse(body) == ReportBody(stageReports: reports, queueDepths: depths))
        #expect(String(decoding: ReportBodyWriter.body(reports.prefix(1)), as: UTF8.self) == #"[{"pipeline":"orders","stage":"ingest","outcome":"received","count":12}]"#)
    }

    @Test func escapesStrings() {
        var bytes: [UInt8] = []
        ReportBodyWriter.appendString("a\"b\\c\n", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #""a\"b\\c\u000a""#)
    }
}
