import FunnelServer
import FunnelTesting
import Testing

@Suite struct DLQDepthRouteTests {
    @Test func recordsDepthsAndRefusesBadBodiesNamingTheField() async throws {
        let server = try await LiveServer.start()
        let accepted = try await server.request(
            "POST", "/v1/dlq-depth", body: #"[{"pipeline":"orders","queue":"orders-dlq","depth":42},{"pipeline":"orders","queue":"retry","depth":0}]"#
        )
        #expect(accepted.status == 202)
        #expect(accepted.body == #"{"accepted":2}"#)
        #expect(try await server.metric(#"funnel_dlq_depth{pipeline="orders",queue="orders-dlq"}"#) == 42)
        #expect(try await server.metric(#"funnel_dlq_depth{pipeline="orders",queue="retry"}"#) == 0)

        let refused = try await server.request("POST", "/v1/dlq-depth", body: #"{"pipeline":"orders","queue":"orders-dlq","depth":-1}"#)
        #expect(refused.status == 400)
        #expect(refused.body.contains(#""error":"depth: must be a number >= 0, got -1""#))
        #expect(refused.body.contains(#""field":"depth""#))
        #expect(try await server.metric(#"funnel_dlq_depth{pipeline="orders",queue="orders-dlq"}"#) == 42)
        try await server.stop()
    }
}
