import FunnelCore
import FunnelServer
import FunnelTesting
import Testing

/// `from=` and `to=` on `/api/v1/funnel`: anything but RFC 3339 or Unix seconds up to year 9999 is a `400` naming
/// the parameter, and the server goes on answering.
@Suite struct QueryTimeParameterTests {
    static let refused = [
        "1e16", "1e308", "1e-9223372036854775807", "-1", "nan", "NaN", "inf", "-inf", "infinity", "0x10", "0x1p4",
        "9223372036854775807", "9223372036854775808", "18446744073709551616", String(repeating: "9", count: 400),
        "253402300800", "1e3", "%2B1", "1.", ".5", "1..2", "%201", "1%20", "", "tuesday",
        "99999-01-01T00:00:00Z", "292278994-08-17T07:12:55Z", "9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00%2B23:59",
        "1969-12-31T23:59:59Z", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
    ]

    @Test(arguments: ["from", "to"], Self.refused)
    func outOfRangeOrMalformedTimesGet400NamingTheParameter(name: String, value: String) async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            try await client.postReports(reportJSON("ingest", "received"))
            let reply = try await client.getJSON("/api/v1/funnel?pipeline=orders&\(name)=\(value)")
            #expect(reply.status == 400)
            #expect(reply.json["field"] as? String == name)
            #expect(reply.json["reason"] as? String == "invalid_parameter")
            #expect((reply.json["error"] as? String)?.hasPrefix("\(name): must be an RFC 3339 timestamp or Unix seconds") == true)
            #expect(try await client.getJSON("/api/v1/funnel?pipeline=orders").status == 200)
        }
    }

    @Test(arguments: ["from", "to"], ["0", "1", "253402300799", "1764000000.250", "2026-11-26T10:15:00Z", "9999-12-31T23:59:59.999Z"])
    func timesInRangeAreTaken(name: String, value: String) async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            try await client.postReports(reportJSON("ingest", "received"))
            let other = name == "from" ? "" : "&from=0"
            let reply = try await client.getJSON("/api/v1/funnel?pipeline=orders\(other)&\(name)=\(value)")
            #expect(reply.status == (value == "0" && name == "to" ? 400 : 200))
        }
    }
}
