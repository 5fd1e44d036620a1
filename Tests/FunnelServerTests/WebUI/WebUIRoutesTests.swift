import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// One page's answer: status, text and headers.
struct PageReply {
    var status: Int
    var html: String
    var headers: HTTPFields

    /// The `data-value` of every `data-field` cell inside the first `<tag attribute="value"` element.
    func fields(of attribute: String, _ value: String, in tag: String = "tr") -> [String: String] {
        let opening = tag == "div" ? "<div class=\"queue\" \(attribute)=\"\(value)\"" : "<\(tag) \(attribute)=\"\(value)\""
        return PageFields.values(in: self.html, opening: opening, closing: tag)
    }
}

extension TestClientProtocol {
    func page(_ uri: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: String? = nil) async throws -> PageReply {
        try await self.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            PageReply(status: Int(response.status.code), html: String(buffer: response.body), headers: response.headers)
        }
    }
}

/// The web pages answer from the same ledger as the API, escape what reporters sent, name what is wrong with a
/// request, and ask for a read token when tokens are configured.
@Suite struct WebUIRoutesTests {
    static let yaml = """
        pipelines:
          - name: orders
            stages: [ingest, process, deliver]
            labels: [tenant]
        alarms:
          - name: orders-dlq
            kind: dlq_depth
            pipeline: orders
            queue: orders-dlq
            above: 100
            for: 0s
        """

    /// Settled loss 6 at ingest, 10 at process, 8 in transit into deliver; 30 events still in flight at process.
    static func scenario(settled: Int64 = t0 - 10 * minute, open: Int64 = t0) -> String {
        func report(_ stage: String, _ outcome: String, _ count: Int, _ time: Int64, tenant: String = "acme") -> String {
            #"{"pipeline":"orders","stage":"\#(stage)","outcome":"\#(outcome)","count":\#(count),"event_time":\#(time / 1000),"labels":{"tenant":"\#(tenant)"}}"#
        }
        return "[" + [
            report("ingest", "received", 1000, settled), report("ingest", "passed", 994, settled),
            report("process", "received", 994, settled), report("process", "passed", 980, settled), report("process", "failed", 4, settled),
            report("deliver", "received", 972, settled), report("deliver", "passed", 972, settled),
            report("ingest", "received", 100, open, tenant: "<script>alert(1)</script>"), report("ingest", "passed", 100, open, tenant: "<script>alert(1)</script>"),
            report("process", "received", 100, open, tenant: "<script>alert(1)</script>"), report("process", "passed", 70, open, tenant: "<script>alert(1)</script>"),
        ].joined(separator: ",") + "]"
    }

    @Test func eachStageOfThePipelinePageHasTheAPIsLostAndInFlight() async throws {
        let fixture = try ServerFixture(configuration: try FunnelConfiguration(yaml: Self.yaml))
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            #expect(try await client.postReports(Self.scenario()).status == 202)
            let api = try await client.getJSON("/api/v1/funnel?pipeline=orders")
            let stages = try #require(api.json["stages"] as? [[String: Any]])
            let page = try await client.page("/ui/pipelines/orders")
            #expect(page.status == 200)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            for stage in stages {
                let name = try #require(stage["name"] as? String)
                let fields = page.fields(of: "data-stage", name)
                #expect(fields["lost"] == "\(stage["lost"] as? Int ?? -1)", "stage \(name): \(fields)")
                #expect(fields["in_flight"] == "\(stage["in_flight"] as? Int ?? -1)", "stage \(name): \(fields)")
                #expect(fields["received"] == "\(stage["received"] as? Int ?? -1)", "stage \(name): \(fields)")
            }
            #expect(page.fields(of: "data-stage", "process")["lost"] == "10")
            #expect(page.fields(of: "data-stage", "process")["in_flight"] == "30")
            let hop = page.fields(of: "data-from", "process")
            #expect(hop["lost"] == "8", "\(hop)")
            let totals = try #require(api.json["totals"] as? [String: Any])
            #expect(page.html.contains(#"<dd data-field="lost" data-value="\#(totals["lost"] as? Int ?? -1)""#))
            #expect(page.html.contains(#"<g class="stage worst" data-stage="process">"#), "process loses the most (10)")
            #expect(page.html.contains("Most events die at stage <strong>process</strong>."))

            let list = try await client.page("/")
            #expect(list.status == 200)
            let row = list.fields(of: "data-pipeline", "orders")
            #expect(row["lost"] == "\(totals["lost"] as? Int ?? -1)" && row["in_flight"] == "\(totals["in_flight"] as? Int ?? -1)", "\(row)")
            #expect(list.html.contains(#"<a href="/ui/pipelines/orders">orders</a>"#))
        }
    }

    @Test func whatReportersSentIsEscaped() async throws {
        let fixture = try ServerFixture(configuration: try FunnelConfiguration(yaml: Self.yaml))
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            #expect(try await client.postReports(Self.scenario()).status == 202)
            let page = try await client.page("/ui/pipelines/orders?by=tenant")
            #expect(page.status == 200)
            #expect(!page.html.contains("<script>alert"))
            #expect(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(page.fields(of: "data-value", "acme")["lost"] == "24", "acme's settled loss: 6 + 10 + 8")
        }
    }

    @Test func theHopThatLosesMostIsMarked() async throws {
        let fixture = try ServerFixture(configuration: try FunnelConfiguration(yaml: Self.yaml))
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let time = (t0 - 10 * minute) / 1000
            let body = "[" + [("ingest", "received", 100), ("ingest", "passed", 100), ("process", "received", 60), ("process", "passed", 59), ("deliver", "received", 59), ("deliver", "passed", 59)].map {
                #"{"pipeline":"orders","stage":"\#($0.0)","outcome":"\#($0.1)","count":\#($0.2),"event_time":\#(time)}"#
            }.joined(separator: ",") + "]"
            #expect(try await client.postReports(body).status == 202)
            let page = try await client.page("/ui/pipelines/orders")
            #expect(page.html.contains(#"<g class="hop losing worst" data-from="ingest" data-to="process">"#))
            #expect(page.html.contains("Most events die between <strong>ingest</strong> and <strong>process</strong>."))
            #expect(page.html.contains("↓ 40 lost in transit (40.00%)"))
        }
    }

    @Test func dlqDepthsAreDrawnOverTimeWithTheLastDepth() async throws {
        let fixture = try ServerFixture(configuration: try FunnelConfiguration(yaml: Self.yaml))
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            for (offset, depth) in [(-120, 40), (-60, 340), (0, 120)] {
                let report = #"{"pipeline":"orders","queue":"orders-dlq","depth":\#(depth),"time":"\#(EventTimestamp.formatRFC3339(millis: t0 + Int64(offset) * 1000))"}"#
                #expect(try await client.postReports(report).status == 202)
            }
            let page = try await client.page("/ui/pipelines/orders")
            #expect(page.fields(of: "data-queue", "orders-dlq", in: "div")["depth"] == "120")
            let queue = try #require(page.html.range(of: #"data-queue="orders-dlq""#))
            let chart = page.html[queue.upperBound...]
            let path = try #require(chart.range(of: #"<path class="line" d=""#))
            let steps = chart[path.upperBound...].prefix { $0 != "\"" }
            #expect(steps.filter { $0 == "V" }.count == 2, "three depths, two steps: \(steps)")
        }
    }

    @Test func badParametersAndUnknownPipelinesGetAPageNamingThem() async throws {
        let fixture = try ServerFixture(configuration: try FunnelConfiguration(yaml: Self.yaml))
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            for (uri, status, names) in [
                ("/ui/pipelines/orders?range=2h", 400, "range: must be one of 1h, 6h, 24h, 72h, all"),
                ("/ui/pipelines/orders?window=10m", 400, "window: must be 1m, 5m or 1h"),
                ("/ui/pipelines/orders?by=region", 400, "by: pipeline &quot;orders&quot; declares the labels tenant"),
                ("/ui/pipelines/nope", 404, "pipeline: no pipeline named &quot;nope&quot;"),
            ] {
                let page = try await client.page(uri)
                #expect(page.status == status, "\(uri)")
                #expect(page.html.contains(names), "\(uri): \(page.html)")
            }
        }
    }

    @Test func aServerWithoutPipelinesSaysHowToSendTheFirstReport() async throws {
        let fixture = try ServerFixture()
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            let page = try await client.page("/")
            #expect(page.status == 200)
            #expect(page.html.contains("No pipeline has reported yet"))
            #expect(page.html.contains("/v1/reports"))
        }
    }

    @Test func withReadTokensThePagesAskForOneAndTheLoginCookieCarriesIt() async throws {
        let fixture = try ServerFixture(configuration: try FunnelConfiguration(yaml: Self.yaml + "\nread_tokens: [s3cret/+=]\ningest_tokens: [in]\n"))
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            for uri in ["/", "/ui/pipelines/orders?range=6h"] {
                let page = try await client.page(uri)
                #expect(page.status == 401, "\(uri)")
                #expect(page.html.contains(#"<form class="login" method="post" action="/ui/login">"#))
                #expect(page.html.contains(#"name="next" value="\#(uri)""#), "\(uri) comes back after the login")
            }
            #expect(try await client.page("/ui/assets/funnel.css").status == 200)
            #expect(try await client.page("/ui/assets/refresh.js").status == 200)
            #expect(try await client.page("/ui/login").status == 200)

            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let wrong = try await client.page("/ui/login", method: .post, headers: form, body: "token=nope&next=%2F")
            #expect(wrong.status == 401)
            #expect(wrong.html.contains("That is not a read token of this server."))
            #expect(wrong.headers[.setCookie] == nil)
            let ingestToken = try await client.page("/ui/login", method: .post, headers: form, body: "token=in&next=%2F")
            #expect(ingestToken.status == 401, "an ingest token does not read")

            let right = try await client.page("/ui/login", method: .post, headers: form, body: "token=s3cret%2F%2B%3D&next=%2Fui%2Fpipelines%2Forders%3Frange%3D6h")
            #expect(right.status == 303)
            #expect(right.headers[.location] == "/ui/pipelines/orders?range=6h")
            let cookie = try #require(right.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            let pair = String(cookie.prefix { $0 != ";" })
            #expect(try await client.page("/ui/pipelines/orders", headers: [.cookie: "theme=dark; " + pair]).status == 200)
            #expect(try await client.page("/", headers: [.cookie: pair]).status == 200)
            #expect(try await client.page("/api/v1/pipelines", headers: [.cookie: pair]).status == 200, "the pages' links to the API work")
            #expect(try await client.page("/", headers: [.authorization: "Bearer s3cret/+="]).status == 200)
            #expect(try await client.page("/", headers: [.cookie: "funnel_token=forged"]).status == 401)
            let ingest = try await client.page("/v1/reports", method: .post, headers: [.cookie: pair, .contentType: "application/json"], body: Self.scenario())
            #expect(ingest.status == 401, "the read cookie never ingests")

            for next in ["%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example%2F", "%2F%5Cevil.example"] {
                let away = try await client.page("/ui/login", method: .post, headers: form, body: "token=s3cret%2F%2B%3D&next=\(next)")
                #expect(away.headers[.location] == "/", "next=\(next) stays on this server")
            }
        }
    }
}
