import FunnelCore
import Testing

@Suite struct DLQDepthBodyParserTests {
    let parser = DLQDepthBodyParser()

    @Test func parsesAnObjectOrAnArray() throws {
        #expect(try parser.parse(Array(#"{"pipeline":"orders","queue":"orders-dlq","depth":42}"#.utf8))
            == [DLQDepthReading(pipeline: "orders", queue: "orders-dlq", depth: 42)])
        let readings = try parser.parse(Array(#"[{"pipeline":"a","queue":"q","depth":0,"observed_at":"2026-11-26T10:15:00Z"},{"depth":1.5,"queue":"r","pipeline":"b","observed_at":1795688100}]"#.utf8))
        #expect(readings == [
            DLQDepthReading(pipeline: "a", queue: "q", depth: 0, observedAtMillis: 1_795_688_100_000),
            DLQDepthReading(pipeline: "b", queue: "r", depth: 1.5, observedAtMillis: 1_795_688_100_000),
        ])
    }

    @Test(arguments: [
        (#"{"pipeline":"a","queue":"q"}"#, "depth: is required"),
        (#"[{"pipeline":"a","queue":"q","depth":1},{"pipeline":"a","queue":"q","depth":-1}]"#, "gauges[1].depth: must be a number >= 0, got -1"),
        (#"{"pipeline":"a b","queue":"q","depth":1}"#, #"pipeline: may only contain letters, digits, '_', '.', ':' and '-', got " " in "a b""#),
        (#"{"pipeline":"a","queue":"q","depth":"1"}"#, "depth: must be a number >= 0, got a string"),
        (#"{"pipeline":"a","queue":"q","depth":1,"size":2}"#, "size: unknown field; a DLQ depth reading has pipeline, queue, depth, observed_at"),
        (#"[{"pipeline":"a","queue":"q","depth":1,"observed_at":"noon"}]"#, #"gauges[0].observed_at: must be an RFC 3339 timestamp or Unix seconds, got "noon""#),
    ])
    func namesTheOffendingField(body: String, message: String) {
        #expect(throws: ReportRejection.self) { try parser.parse(Array(body.utf8)) }
        do {
            _ = try parser.parse(Array(body.utf8))
        } catch {
            #expect(error.description == message)
        }
    }
}
