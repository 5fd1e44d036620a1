import ArgumentParser
import Foundation
import FunnelClient
import FunnelCore
import FunnelTerminal

/// `funnel emit`: sends stage reports to a Funnel server from the shell, one from flags or many from NDJSON.
struct EmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit",
        abstract: "Send stage reports to a Funnel server: one from flags, or many from an NDJSON file or stdin.",
        discussion: """
            One report:   funnel emit --pipeline orders --stage ingest --outcome received --count 10
            With labels:  funnel emit --pipeline events --stage ingest --outcome received --label tenant=acme --label version=2.4.1
            Many reports: funnel emit --file reports.ndjson   (one JSON report object per line; '-' reads stdin)

            Labels: a pipeline that declares labels (pipelines[].labels in the server's configuration, e.g.
            labels: [tenant, version]) counts each value apart (GET /api/v1/funnel?pipeline=events&by=tenant).
            --label NAME=VALUE (repeatable) attaches them to the one report; in NDJSON each line carries its own,
            {"pipeline":"events","stage":"ingest","outcome":"received","count":5,"labels":{"tenant":"acme"}}.
            A label the pipeline does not declare is refused (400 unknown_label, naming it); a declared label left
            out counts under the empty value.

            Prints the server's reply for each request. Each request carries its own Idempotency-Key and is
            retried with it when the server does not answer, so a retry is never counted twice. Exits 1 with
            the server's error message when a report is rejected, naming the file line for NDJSON input.
            """
    )

    @Option(help: ArgumentHelp("The Funnel server's base URL.", valueName: "url"))
    var server = ProcessInfo.processInfo.environment["FUNNEL_SERVER"] ?? "http://127.0.0.1:9470"

    @Option(help: ArgumentHelp("Ingest token, sent as Authorization: Bearer. [default: $FUNNEL_INGEST_TOKEN]", valueName: "token"))
    var token: String?

    @Option(help: "Pipeline name.")
    var pipeline: String?

    @Option(help: "Stage name.")
    var stage: String?

    @Option(help: "received, passed, failed, dead_lettered, or for recovery redelivered, redriven, replayed.")
    var outcome: String?

    @Option(help: "How many events the report counts. [default: 1]")
    var count: Int?

    @Option(name: .customLong("latency-ms"), help: ArgumentHelp("Latency of each event, in milliseconds.", valueName: "ms"))
    var latencyMs: Double?

    @Option(name: .customLong("event-time"), help: ArgumentHelp("When the events entered the pipeline: RFC 3339 or Unix seconds.", valueName: "time"))
    var eventTime: String?

    @Option(help: ArgumentHelp(
        "Send a watermark instead of a count: --reporter has reported every event of --stage before this time (RFC 3339 or Unix seconds).",
        valueName: "time"
    ))
    var watermark: String?

    @Option(help: ArgumentHelp("The instance of the stage sending --watermark (a worker, a pod).", valueName: "id"))
    var reporter: String?

    @Option(
        name: .long,
        help: ArgumentHelp("A label value of the report, e.g. tenant=acme; repeat it for more. The pipeline must declare the label.", valueName: "name=value")
    )
    var label: [String] = []

    @Option(name: .long, help: ArgumentHelp("NDJSON file of report objects, one per line; '-' reads stdin.", valueName: "file"))
    var file: String?

    @Option(name: .customLong("batch-size"), help: "Reports per request when reading a file.")
    var batchSize = 1000

    @Option(help: ArgumentHelp("Seconds to wait for each answer.", valueName: "seconds"))
    var timeout = 10.0

    func validate() throws {
        if self.file != nil {
            let flags = [self.pipeline, self.stage, self.outcome, self.eventTime, self.watermark, self.reporter].compactMap { $0 }
            guard flags.isEmpty, self.count == nil, self.latencyMs == nil else {
                throw ValidationError("--file cannot be combined with --pipeline, --stage, --outcome, --count, --latency-ms or --event-time")
            }
            guard self.label.isEmpty else {
                throw ValidationError(#"--file cannot be combined with --label: give each NDJSON line its own "labels": {"tenant": "acme"}"#)
            }
        } else if self.watermark != nil || self.reporter != nil {
            guard self.pipeline != nil, self.stage != nil, self.watermark != nil, self.reporter != nil else {
                throw ValidationError("a watermark needs --pipeline, --stage, --reporter and --watermark")
            }
            guard self.outcome == nil, self.count == nil, self.latencyMs == nil, self.eventTime == nil, self.label.isEmpty else {
                throw ValidationError("--watermark cannot be combined with --outcome, --count, --latency-ms, --event-time or --label")
            }
        } else {
            guard self.pipeline != nil, self.stage != nil, self.outcome != nil else {
                throw ValidationError("give --pipeline, --stage and --outcome for one report, --reporter and --watermark for a watermark, or --file for many")
            }
        }
        _ = try self.labels()
        guard self.batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(self.batchSize)") }
        guard self.timeout > 0, self.timeout <= 3600 else { throw ValidationError("--timeout must be from 0 to 3600 seconds, got \(self.timeout)") }
    }

    func labels() throws -> [String: String] {
        do {
            return try LabelArgument.parse(self.label)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let token = self.token ?? ProcessInfo.processInfo.environment["FUNNEL_INGEST_TOKEN"]
        let endpoint = IngestEndpoint(server: self.server, token: token.flatMap { $0.isEmpty ? nil : $0 })
        if let file {
            try await self.sendFile(file, to: endpoint)
        } else {
            let reply = try await self.send(Array(try self.singleReport().utf8), to: endpoint)
            try self.check(reply, lines: nil, source: nil)
        }
    }

    // MARK: Bodies

    private func singleReport() throws -> String {
        var body: [UInt8] = []
        body.append(contentsOf: #"{"pipeline":"#.utf8)
        ReportBodyWriter.appendString(self.pipeline ?? "", to: &body)
        body.append(contentsOf: #","stage":"#.utf8)
        ReportBodyWriter.appendString(self.stage ?? "", to: &body)
        if let watermark, let reporter {
            body.append(contentsOf: #","reporter":"#.utf8)
            ReportBodyWriter.appendString(reporter, to: &body)
            body.append(contentsOf: #","watermark":"#.utf8)
            Self.appendTime(watermark, to: &body)
            body.append(UInt8(ascii: "}"))
            return String(decoding: body, as: UTF8.self)
        }
        body.append(contentsOf: #","outcome":"#.utf8)
        ReportBodyWriter.appendString(self.outcome ?? "", to: &body)
        if let count { body.append(contentsOf: #","count":\#(count)"#.utf8) }
        if let latencyMs { body.append(contentsOf: #","latency_ms":\#(latencyMs.isFinite ? "\(latencyMs)" : "null")"#.utf8) }
        if let eventTime {
            body.append(contentsOf: #","event_time":"#.utf8)
            Self.appendTime(eventTime, to: &body)
        }
        ReportBodyWriter.appendLabels(try self.labels(), to: &body)
        body.append(UInt8(ascii: "}"))
        return String(decoding: body, as: UTF8.self)
    }

    /// A time as given: Unix seconds as a JSON number, anything else as a string for the server to judge.
    private static func appendTime(_ text: String, to body: inout [UInt8]) {
        if let seconds = Double(text), seconds.isFinite, text.first != "+" {
            body.append(contentsOf: "\(seconds)".utf8)
        } else {
            ReportBodyWriter.appendString(text, to: &body)
        }
    }

    private func sendFile(_ path: String, to endpoint: IngestEndpoint) async throws {
        let source = path == "-" ? "stdin" : path
        var lines: [(number: Int, text: Substring)] = []
        var lineNumber = 0
        var accepted = 0
        func flush() async throws {
            guard !lines.isEmpty else { return }
            let body = "[" + lines.map(\.text).joined(separator: ",") + "]"
            let reply = try await self.send(Array(body.utf8), to: endpoint)
            if !reply.isAccepted, accepted > 0 {
                CommandOutput.standardError.write("funnel emit: the \(accepted) reports before line \(lines[0].number) were accepted; from that line on nothing was counted\n")
            }
            try self.check(reply, lines: lines.map(\.number), source: source)
            accepted += lines.count
            lines.removeAll(keepingCapacity: true)
        }
        func take(_ line: Substring) async throws {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { return }
            lines.append((lineNumber, trimmed[...]))
            if lines.count >= self.batchSize { try await flush() }
        }
        if path == "-" {
            while let line = readLine(strippingNewline: true) { try await take(line[...]) }
        } else {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(path): \(error.localizedDescription)")
            }
            // Split by byte: Swift reads "\r\n" as one Character, so a CRLF file has no "\n" Characters.
            for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) { try await take(Substring(line)) }
        }
        try await flush()
    }

    // MARK: Sending

    /// Posts a body with a fresh Idempotency-Key, retrying with the same key when the server does not answer.
    private func send(_ body: [UInt8], to endpoint: IngestEndpoint) async throws -> IngestReply {
        let key = UUID().uuidString
        var attempt = 0
        while true {
            attempt += 1
            do {
                let reply = try await endpoint.postReports(body, idempotencyKey: key, timeout: Duration.checkedSeconds(self.timeout) ?? .seconds(10))
                if reply.isRetryable, attempt < 3 {
                    try await Task.sleep(for: .milliseconds(200 * attempt))
                    continue
                }
                return reply
            } catch {
                guard attempt < 3 else {
                    Self.fail("cannot reach \(endpoint.server): \(error)")
                    throw ExitCode(1)
                }
                try await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }

    /// Prints an accepted reply, or the server's error (with the file line it points at) and exits 1.
    private func check(_ reply: IngestReply, lines: [Int]?, source: String?) throws {
        if reply.isAccepted {
            CommandOutput.standardOutput.write(reply.body.trimmingCharacters(in: .whitespacesAndNewlines) + "\n")
            return
        }
        var message = reply.errorMessage ?? "HTTP \(reply.status): \(reply.body)"
        if let source, let lines {
            if let index = reply.errorIndex, index < lines.count {
                message = "\(source):\(lines[index]): \(message)"
            } else {
                message = "\(source) lines \(lines.first ?? 0)-\(lines.last ?? 0): \(message)"
            }
        }
        Self.fail(message)
        throw ExitCode(1)
    }

    private static func fail(_ message: String) {
        CommandOutput.standardError.write("funnel emit: \(message)\n")
    }
}
