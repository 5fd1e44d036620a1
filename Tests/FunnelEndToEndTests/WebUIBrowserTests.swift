import Foundation
import FunnelTesting
import Testing

/// The built-in web pages in a real browser: Debian's headless `chromium` loads the pages of a live `funnel serve`
/// fed with the proof scenario, runs their script, and what it shows is what `/api/v1/funnel` says.
@Suite(.serialized) struct WebUIBrowserTests {
    /// Runs headless chromium on `url` with `arguments` (`--dump-dom`, `--screenshot=...`) and returns its output.
    static func chromium(_ arguments: [String], url: String, directory: TemporaryDirectory) async throws -> String {
        let chromium = try RequiredTool("chromium", package: "chromium")
        let profile = directory.file("chromium-\(UUID().uuidString)")
        let result = try await BlockingCall.run {
            try chromium.run(
                ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--user-data-dir=\(profile)",
                 "--virtual-time-budget=3000"] + arguments + [url]
            )
        }
        #expect(result.status == 0, "chromium \(arguments) \(url): \(result.output.suffix(2000))")
        return result.output
    }

    /// Where the screenshots go: `FUNNEL_TEST_OUTPUT`, else `.build/test-output/web-ui` of the repository.
    static func outputDirectory() throws -> String {
        let base = ProcessInfo.processInfo.environment["FUNNEL_TEST_OUTPUT"] ?? RepositoryPaths.file(".build/test-output")
        let directory = base + "/web-ui"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func thePipelinePageShowsTheAPIsNumbersInARealBrowser() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(DashboardProof.config(dataDirectory: directory.file("data"), receiver: "http://127.0.0.1:9"), to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let eventTime = nowMillis() - 20 * 60_000
        try await DashboardProof.post(wave: DashboardProof.wave(eventTime: eventTime), depth: 340, to: url)
        let unsettled = #"[{"pipeline":"orders","stage":"process","outcome":"received","count":30},{"pipeline":"orders","stage":"ingest","outcome":"received","count":30},{"pipeline":"orders","stage":"ingest","outcome":"passed","count":30}]"#
        #expect(try await TestHTTP.post(url + "/v1/reports", body: unsettled).status == 202)
        let api = try #require(try await TestHTTP.get(url + "/api/v1/funnel?pipeline=orders").json() as? [String: Any])
        let stages = try #require(api["stages"] as? [[String: Any]])

        let dom = try await Self.chromium(["--dump-dom"], url: url + "/ui/pipelines/orders", directory: directory)
        #expect(dom.contains("<h1>orders</h1>"))
        for stage in stages {
            let name = try #require(stage["name"] as? String)
            let fields = PageFields.values(in: dom, opening: "<tr data-stage=\"\(name)\"")
            #expect(dom.contains("<td>\(name)</td>"), "stage \(name) is named in the table")
            #expect(fields["lost"] == "\(stage["lost"] as? Int ?? -1)", "stage \(name): the page has \(fields), the API \(stage)")
            #expect(fields["in_flight"] == "\(stage["in_flight"] as? Int ?? -1)", "stage \(name): the page has \(fields), the API \(stage)")
        }
        #expect(PageFields.values(in: dom, opening: "<tr data-stage=\"process\"")["in_flight"] == "30")
        #expect(dom.contains(#"<g class="hop losing worst" data-from="process" data-to="deliver">"#), "the hop into deliver loses the most of the scenario (20)")
        #expect(dom.contains("Most events die between <strong>process</strong> and <strong>deliver</strong>."))
        #expect(dom.range(of: #"<span class="updated" id="updated">updated [^<]+</span>"#, options: .regularExpression) != nil, "the refresh script ran")

        let list = try await Self.chromium(["--dump-dom"], url: url + "/", directory: directory)
        let totals = try #require(api["totals"] as? [String: Any])
        #expect(PageFields.values(in: list, opening: "<tr data-pipeline=\"orders\"")["lost"] == "\(totals["lost"] as? Int ?? -1)")

        let output = try Self.outputDirectory()
        for (name, size) in [("pipeline-1280x800.png", "1280,800"), ("pipeline-390x844.png", "390,844"), ("pipeline-full.png", "1280,2600")] {
            let path = output + "/" + name
            try? FileManager.default.removeItem(atPath: path)
            _ = try await Self.chromium(["--screenshot=\(path)", "--window-size=\(size)"], url: url + "/ui/pipelines/orders", directory: directory)
            let png = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(path) is a PNG")
            #expect(png.count > 10_000, "\(path) has a picture in it (\(png.count) bytes)")
        }
    }

    @Test func pagesWithoutDataStillRender() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write("data_dir: \(directory.file("data"))\npipelines: []\n", to: "funnel.yml")
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        let empty = try await Self.chromium(["--dump-dom"], url: url + "/", directory: directory)
        #expect(empty.contains("No pipeline has reported yet"))

        let declared = try directory.write("data_dir: \(directory.file("data2"))\npipelines:\n  - {name: quiet, stages: [read, write]}\n", to: "quiet.yml")
        let (quiet, quietURL) = try await FunnelProcess.serve(["--config", declared, "--listen", "127.0.0.1:0"], directory: directory.path, logName: "quiet")
        defer { _ = Task { try await quiet.stop() } }
        let page = try await Self.chromium(["--dump-dom"], url: quietURL + "/ui/pipelines/quiet", directory: directory)
        #expect(page.contains("No events in this range yet."))
        #expect(PageFields.values(in: page, opening: "<tr data-stage=\"write\"") == ["lost": "0", "in_flight": "0", "received": "0", "passed": "0", "failed": "0", "dead_lettered": "0", "excess": "0"])
    }

    @Test func withReadTokensTheBrowserGetsTheLoginFormAnd401() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try directory.write(
            "data_dir: \(directory.file("data"))\nread_tokens: [r3ad]\npipelines:\n  - {name: orders, stages: [ingest, deliver]}\n", to: "funnel.yml"
        )
        let (server, url) = try await FunnelProcess.serve(["--config", config, "--listen", "127.0.0.1:0"], directory: directory.path)
        defer { _ = Task { try await server.stop() } }
        #expect(try await TestHTTP.get(url + "/ui/pipelines/orders").status == 401)
        #expect(try await TestHTTP.get(url + "/ui/pipelines/orders", headers: [("Authorization", "Bearer r3ad")]).status == 200)
        let dom = try await Self.chromium(["--dump-dom"], url: url + "/ui/pipelines/orders", directory: directory)
        #expect(dom.contains(#"<form class="login" method="post" action="/ui/login">"#))
        #expect(!dom.contains("data-stage="), "nothing of the pipeline shows without a token")
    }
}
