import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import SeededRandom
import Testing

/// Hostile StatsD input: 10,000 generated and mutated lines never stop the listener, every line is counted
/// with a result, and the counts of the valid lines among them are exact (over TCP, which does not drop).
@Suite struct StatsDFuzzTests {
    @Test func tenThousandHostileLinesNeverStopTheListenerOrSkewTheCounts() async throws {
        let server = try await LiveServer.start(configuration: StatsDListenerTests.configuration())
        let tcp = try #require(server.statsd?.tcp?.port)
        var generator = SeededGenerator(state: 11)
        let templates = [
            "funnel.events:5|c|#pipeline:fuzz,stage:a,outcome:received",
            "funnel.latency:12.5|ms|@0.5|#pipeline:fuzz,stage:b",
            "funnel.dlq_depth:42|g|#pipeline:fuzz,queue:q",
            "funnel.events:1|c|@0.1|#pipeline:fuzz,stage:c,outcome:passed,event_time:2026-11-26T10:15:00Z",
        ]
        var lines: [String] = []
        var exact = 0
        for round in 0..<10_000 {
            if round % 4 == 0 {
                let count = Int.random(in: 1...9, using: &generator)
                lines.append("funnel.events:\(count)|c|#pipeline:exact,stage:s,outcome:received")
                exact += count
            } else {
                var bytes = Array(templates.randomElement(using: &generator)!.utf8)
                for _ in 0..<Int.random(in: 1...3, using: &generator) where !bytes.isEmpty {
                    let position = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0: bytes[position] = [UInt8(ascii: "|"), UInt8(ascii: ":"), UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "@"), 0xFF].randomElement(using: &generator)!
                    case 1: bytes.remove(at: position)
                    case 2: bytes.insert(UInt8.random(in: 0x20...0x7E, using: &generator), at: position)
                    default: bytes = Array(bytes[..<position])
                    }
                }
                // Mutations stay out of the exact pipeline's name space and do not add line breaks.
                lines.append(String(decoding: bytes.filter { $0 != 0x0A && $0 != 0x0D }, as: UTF8.self).replacingOccurrences(of: "exact", with: "exakt"))
            }
        }
        let chunks = stride(from: 0, to: lines.count, by: 500).map { lines[$0..<min($0 + 500, lines.count)].joined(separator: "\n") + "\n" }
        try await StatsDSender.tcp(chunks, port: tcp)
        // Blank lines are nothing to StatsD, so they are not counted.
        let expectedLines = Double(lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count)
        let counted = try await Deadline.poll("every line to be counted") { () -> Double? in
            let text = try await server.request("GET", "/metrics").body
            let total = text.split(separator: "\n").filter { $0.hasPrefix("funnel_statsd_lines_total{") }
                .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
            return total >= expectedLines ? total : nil
        }
        #expect(counted == expectedLines)
        #expect(try await server.stages(of: "exact")["s"]?.counts.first == UInt64(exact))
        #expect(try await server.request("GET", "/-/healthy").status == 200)
        try await server.stop()
    }
}
