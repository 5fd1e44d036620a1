import Foundation
import FunnelCore
import FunnelTerminal
import FunnelTesting
import Testing

/// The real `funnel top` in tmux over two real shards and an address where nothing listens.
@Suite struct ShardedTopTests {
    @Test func topShowsTheUnionOfTheShardsAndADownLineForTheDeadOne() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var urls: [String] = []
        var servers: [FunnelProcess] = []
        for pipeline in ["orders", "billing"] {
            let path = try directory.write(ShardedStatusTests.config(directory, pipeline: pipeline, slo: false), to: "\(pipeline).yml")
            let (server, url) = try await FunnelProcess.serve(["--config", path, "--listen", "127.0.0.1:0"], directory: directory.path, logName: pipeline)
            servers.append(server)
            urls.append(url)
            let report = #"{"pipeline":"\#(pipeline)","stage":"ingest","outcome":"received","count":7}"#
            #expect(try await TestHTTP.post(url + "/v1/reports", body: report).status == 202)
        }
        defer { for server in servers { _ = Task { try await server.stop() } } }
        let down = "http://127.0.0.1:\(try await FreePort.next())"
        let command = "\"\(FunnelProcess.binaryPath)\" top --server \(urls[0]) --server \(down) --server \(urls[1]); sleep 120"
        let tmux = try TmuxSession(command: command, columns: 132, rows: 40, environment: ["NO_COLOR": "1"])
        defer { tmux.kill() }
        let screen = try await Deadline.poll("funnel top to show both shards and the dead one", timeout: .seconds(20), interval: .milliseconds(250)) { () -> String? in
            let screen = try tmux.screen()
            return screen.contains("orders") && screen.contains("billing") && screen.contains("✖ DOWN") ? screen : nil
        }
        let lines = screen.components(separatedBy: "\n")
        #expect(lines.first?.contains("3 servers") == true, "\(screen)")
        #expect(lines.dropFirst().first?.hasPrefix(" ✖ DOWN \(down): connection refused") == true, "\(screen)")
        #expect(!screen.contains("UNREACHABLE"), "two of three answer: the screen is live")
        try tmux.send("q")
        _ = try await Deadline.poll("funnel top to quit", timeout: .seconds(10)) { () -> Bool? in
            try tmux.display("#{alternate_on}") == "0" ? true : nil
        }
    }

    /// `l` over shards: the grouped funnel comes from the shard that owns the pipeline, and each shard's comparisons
    /// are kept.
    @Test func shardPollGroupsThePipelineOnItsOwnShardAndKeepsEveryComparison() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var clients: [FunnelAPIClient] = []
        var servers: [FunnelProcess] = []
        for pipeline in ["orders", "billing"] {
            let config = """
                data_dir: \(directory.file("data-\(pipeline)"))
                pipelines:
                  - name: \(pipeline)
                    stages: [ingest, deliver]
                    labels: [tenant]
                  - name: \(pipeline)-next
                    stages: [ingest, deliver]
                comparisons:
                  - name: \(pipeline)-migration
                    baseline: \(pipeline)
                    candidate: \(pipeline)-next

                """
            let path = try directory.write(config, to: "\(pipeline).yml")
            let (server, url) = try await FunnelProcess.serve(["--config", path, "--listen", "127.0.0.1:0"], directory: directory.path, logName: pipeline)
            servers.append(server)
            clients.append(FunnelAPIClient(baseURL: url))
            let report = #"{"pipeline":"\#(pipeline)","stage":"ingest","outcome":"received","count":7,"labels":{"tenant":"acme"}}"#
            #expect(try await TestHTTP.post(url + "/v1/reports", body: report).status == 202)
        }
        defer { for server in servers { _ = Task { try await server.stop() } } }

        let poll = try await FunnelAPIClient.poll(clients, window: .fiveMinutes, grouping: TopGrouping(pipeline: "billing", label: "tenant"))
        #expect(poll.grouped?.pipeline == "billing")
        #expect(poll.grouped?.groups.map(\.value) == ["acme"])
        #expect(poll.comparisons.map(\.name) == ["orders-migration", "billing-migration"])
        #expect(poll.serverOfPipeline["billing"] == clients[1].baseURL)
    }
}
