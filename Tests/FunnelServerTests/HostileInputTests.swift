import Foundation
import FunnelCore
import FunnelServer
import FunnelTesting
import SeededRandom
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Fuzzing the report endpoint: generated and mutated bodies never crash or hang the server, every reply is a
/// 2xx or a 4xx with a JSON error, and the counts of the valid requests among them stay exact.
@Suite struct HostileInputTests {
    static let templates: [String] = [
        #"{"pipeline":"fuzz","stage":"a","outcome":"received","count":3}"#,
        #"[{"pipeline":"fuzz","stage":"b","outcome":"passed","count":2,"event_time":"2026-11-26T10:15:00Z","latency_ms":1.5}]"#,
        #"{"reports":[{"pipeline":"fuzz","stage":"c","outcome":"failed","latencies_ms":[1,2]},{"pipeline":"fuzz","queue":"q","depth":4}]}"#,
    ]

    static let hostile: [String] = [
        String(repeating: "[", count: 100_000),
        String(repeating: "{\"a\":", count: 20_000) + "1" + String(repeating: "}", count: 20_000),
        #"{"pipeline":"fuzz","stage":"s","outcome":"received","count":1e999999}"#,
        #"{"pipeline":"fuzz","stage":"s","outcome":"received","count":NaN}"#,
        #"{"pipeline":"fuzz","stage":"s","outcome":"received","count":99999999999999999999999999999}"#,
        #"{"pipeline":"fuzz","stage":"s","outcome":"received","latency_ms":-0}"#,
        #"{"pipeline":""# + String(repeating: "x", count: 200_000) + #"","stage":"s","outcome":"received"}"#,
        #"{"pipeline":"fuzz","stage":"\ud800","outcome":"received"}"#,
        #"{"pipeline":"fuzz","stage":"s","outcome":"received","count":[[[[1]]]]}"#,
        "\u{FEFF}" + #"{"pipeline":"fuzz","stage":"s","outcome":"received"}"#,
        "null", "true", "\"\"", "[null]", "[[]]", "{\"reports\":null}", "{}", " ", "\n\t",
    ]

    static func mutate(_ body: String, _ generator: inout SeededGenerator) -> [UInt8] {
        var bytes = Array(body.utf8)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: bytes[position] = UInt8.random(in: 0...255, using: &generator)
            case 1: bytes.remove(at: position)
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
            case 3: bytes = Array(bytes[..<position])
            case 4: bytes.insert(contentsOf: Array(#"{"x":[1,"#.utf8), at: position)
            default: bytes[position] = [UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "]"), UInt8(ascii: ","), 0xC0, 0x00].randomElement(using: &generator)!
            }
        }
        return bytes
    }

    static func generated(_ generator: inout SeededGenerator, depth: Int = 0) -> String {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 7), using: &generator) {
        case 0: return String(Int.random(in: -5...100, using: &generator))
        case 1: return ["\"received\"", "\"fuzz\"", "\"\"", "\"dead_lettered\"", "\"\\u0000\""].randomElement(using: &generator)!
        case 2: return ["true", "null", "1.5e3", "-0.0"].randomElement(using: &generator)!
        case 3: return "\"" + String(repeating: "s", count: Int.random(in: 0...300, using: &generator)) + "\""
        case 4: return "[" + (0..<Int.random(in: 0...3, using: &generator)).map { _ in generated(&generator, depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            let keys = ["pipeline", "stage", "outcome", "count", "event_time", "latency_ms", "latencies_ms", "queue", "depth", "reports", "zzz"]
            return "{" + (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                "\"\(keys.randomElement(using: &generator)!)\":" + generated(&generator, depth: depth + 1)
            }.joined(separator: ",") + "}"
        }
    }

    @Test func tenThousandHostileBodiesNeverBreakTheServerOrTheCounts() async throws {
        var configuration = FunnelConfiguration()
        configuration.maximumBodyBytes = 256 * 1024
        let fixture = try ServerFixture(configuration: configuration)
        defer { fixture.directory.remove() }
        try await fixture.withClient { client in
            var generator = SeededGenerator(state: 7)
            var expectedExact = 0
            var accepted = 0
            var statuses: [Int: Int] = [:]
            for round in 0..<10_000 {
                let body: [UInt8]
                var exactCount: Int?
                switch round % 5 {
                case 0:
                    let count = Int.random(in: 1...9, using: &generator)
                    body = Array(#"{"pipeline":"exact","stage":"s","outcome":"received","count":\#(count)}"#.utf8)
                    exactCount = count
                case 1: body = Array(Self.generated(&generator).utf8)
                case 2 where round % 50 == 2: body = Array(Self.hostile[(round / 50) % Self.hostile.count].utf8)
                default: body = Self.mutate(Self.templates.randomElement(using: &generator)!, &generator)
                }
                let reply = try await client.execute(uri: "/v1/reports", method: .post, body: ByteBuffer(bytes: body)) { response in
                    (Int(response.status.code), Data(response.body.readableBytesView))
                }
                statuses[reply.0, default: 0] += 1
                if reply.0 == 202 {
                    let json = try JSONSerialization.jsonObject(with: reply.1) as? [String: Any]
                    accepted += json?["accepted"] as? Int ?? 0
                    if let exactCount { expectedExact += exactCount }
                } else {
                    #expect((400..<500).contains(reply.0), "round \(round): status \(reply.0) for \(String(decoding: body.prefix(200), as: UTF8.self))")
                    let json = try? JSONSerialization.jsonObject(with: reply.1) as? [String: Any]
                    #expect(json?["error"] is String, "round \(round): a 4xx carries a JSON error")
                    #expect(exactCount == nil, "a valid request was refused in round \(round)")
                }
            }
            #expect(statuses.values.reduce(0, +) == 10_000)
            #expect(try await client.stage("s", pipeline: "exact")?["received"] as? Int == expectedExact)
            #expect(try await client.metricValue("funnel_ingest_reports_total") == Double(accepted))
            #expect(statuses[202, default: 0] >= 2000)
            #expect(statuses.keys.allSatisfy { $0 == 202 || (400..<500).contains($0) })
        }
    }
}
