@testable import FunnelServer
import Testing

@Suite struct RequestPathTests {
    @Test(arguments: [
        ("/v1/reports", "/v1/reports"),
        ("//v1/reports", "/v1/reports"),
        ("/v1//reports", "/v1/reports"),
        ("///v1///reports///", "/v1/reports"),
        ("/v1/reports/", "/v1/reports"),
        ("/./v1/./reports", "/v1/reports"),
        ("/v1/../v1/reports", "/v1/reports"),
        ("/../../v1/reports", "/v1/reports"),
        ("/v1/x/y/../../reports", "/v1/reports"),
        ("/v1%2Freports", "/v1/reports"),
        ("/v1%2freports", "/v1/reports"),
        ("%2Fv1%2Freports%2F", "/v1/reports"),
        ("/%2E/v1/%2e%2e/v1/reports", "/v1/reports"),
        ("/%76%31/reports", "/v1/reports"),
        ("/metrics/.", "/metrics"),
        ("/-/healthy", "/-/healthy"),
        ("", "/"),
        ("/", "/"),
        ("//", "/"),
        ("/..", "/"),
    ])
    func normalisesEverySpellingToTheCanonicalPath(raw: String, canonical: String) throws {
        let path = try RequestPath(Substring(raw))
        #expect(path.decoded == canonical)
        #expect(path.encoded == canonical)
    }

    @Test(arguments: ["/v1%2", "/v1%", "/v1%zz/reports", "/%G0", "/a%00b", "/%FF%FE"])
    func refusesAPathThatCannotBeDecoded(raw: String) {
        #expect(throws: RequestPathError.self) { try RequestPath(Substring(raw)) }
    }

    @Test func namesThePathInTheError() {
        #expect {
            try RequestPath("/v1%zz")
        } throws: { error in
            "\(error)".contains(#""/v1%zz""#) && "\(error)".contains("two hex digits")
        }
    }

    @Test(arguments: [
        ("/metrics%3Fx=1", "/metrics%3Fx%3D1"),
        ("/a%23b", "/a%23b"),
        ("/a%25b", "/a%25b"),
        ("/a%20b", "/a%20b"),
        ("/caf%C3%A9", "/caf%C3%A9"),
    ])
    func reencodesWhatCouldBeReadAsSomethingElse(raw: String, encoded: String) throws {
        #expect(try RequestPath(Substring(raw)).encoded == encoded)
    }

    @Test(arguments: [
        ("/v1//reports?x=1", "/v1/reports?x=1"),
        ("//api/v1/funnel/?pipeline=a%2Fb&from=1", "/api/v1/funnel?pipeline=a%2Fb&from=1"),
        ("/metrics", "/metrics"),
        ("/metrics?", "/metrics?"),
    ])
    func keepsTheQueryAsItWas(target: String, canonical: String) throws {
        #expect(try RequestPath.canonicalTarget(target) == canonical)
    }
}

@Suite struct BodyPaceTests {
    let pace = BodyPace(minimumBytesPerSecond: 1000, grace: .seconds(2), timeout: .seconds(30))

    @Test func anythingGoesDuringTheGrace() {
        #expect(self.pace.verdict(received: 0, elapsed: .milliseconds(1999)) == .keepReading)
    }

    @Test(arguments: [(0, 2100), (1, 3000), (999, 3000), (4999, 7000)])
    func aBodyBelowTheRateAfterTheGraceIsTooSlow(received: Int, elapsedMillis: Int) {
        #expect(self.pace.verdict(received: received, elapsed: .milliseconds(elapsedMillis)) == .tooSlow)
    }

    @Test(arguments: [(100, 2100), (1000, 3000), (5000, 7000), (1_000_000, 29_999)])
    func aBodyAtTheRateKeepsReading(received: Int, elapsedMillis: Int) {
        #expect(self.pace.verdict(received: received, elapsed: .milliseconds(elapsedMillis)) == .keepReading)
    }

    @Test func theTimeoutEndsEvenAFastBody() {
        #expect(self.pace.verdict(received: 100_000_000, elapsed: .seconds(30)) == .timedOut)
    }
}
