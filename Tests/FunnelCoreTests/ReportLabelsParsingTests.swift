import FunnelCore
import Testing

@Suite struct ReportLabelsParsingTests {
    @Test func aReportCarriesItsLabelsAsAnObjectOfStrings() throws {
        let body = try ReportBodyParser().parse(#"{"pipeline":"events","stage":"ingest","outcome":"received","labels":{"tenant":"acme","version":"2.4.1"}}"#)
        #expect(body.stageReports.first?.labels == ["tenant": "acme", "version": "2.4.1"])
    }

    @Test func reportsWithoutLabelsCarryNone() throws {
        let body = try ReportBodyParser().parse(#"{"pipeline":"events","stage":"ingest","outcome":"received","labels":{}}"#)
        #expect(body.stageReports.first?.labels == [:])
    }

    @Test(arguments: [
        (#""labels":"acme""#, "labels", ReportRejection.Reason.wrongType),
        (#""labels":{"tenant":3}"#, "labels.tenant", .wrongType),
        (#""labels":{"tenant":"a","tenant":"b"}"#, "labels.tenant", .invalidValue),
        (#""labels":{"a":"1","b":"1","c":"1","d":"1","e":"1","f":"1","g":"1","h":"1","i":"1"}"#, "labels", .invalidValue),
    ])
    func badLabelsAreRefusedNamingTheField(member: String, field: String, reason: ReportRejection.Reason) {
        let body = #"{"pipeline":"events","stage":"ingest","outcome":"received","# + member + "}"
        #expect {
            try ReportBodyParser().parse(body)
        } throws: { error in
            (error as? ReportRejection)?.field == field && (error as? ReportRejection)?.reason == reason
        }
    }

    @Test func labelsDoNotBelongInADepthReport() {
        #expect(throws: ReportRejection.self) {
            try ReportBodyParser().parse(#"{"pipeline":"events","queue":"dlq","depth":3,"labels":{"tenant":"a"}}"#)
        }
    }

    @Test func theWriterRoundTripsLabelsAndReporter() throws {
        let report = StageReport(
            pipeline: "events", stage: "ingest", outcome: .received, count: 3, reporter: "pod-1", labels: ["version": "2.4.1", "tenant": "ac\"me"]
        )
        let parsed = try ReportBodyParser().parse(ReportBodyWriter.body([report]))
        #expect(parsed.stageReports == [report])
    }
}
