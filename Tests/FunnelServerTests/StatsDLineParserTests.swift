import FunnelCore
import FunnelServer
import Testing

private let tags = "#pipeline:orders,stage:ingest"

private func events(_ outcome: Outcome, _ count: UInt64, at millis: Int64? = nil, stage: String = "ingest") -> StatsDLine {
    .events(StageReport(pipeline: "orders", stage: stage, outcome: outcome, count: count, eventTimeMillis: millis))
}

private func latency(_ millis: Double, weight: UInt64 = 1, stage: String = "process") -> StatsDLine {
    .latency(LatencyObservation(pipeline: "orders", stage: stage, millis: millis, weight: weight))
}

private func depth(_ value: UInt64, at millis: Int64? = nil, queue: String = "orders-dlq") -> StatsDLine {
    .dlqDepth(QueueDepthReport(pipeline: "orders", queue: queue, depth: value, timeMillis: millis))
}

@Suite struct StatsDLineParserTests {
    let parser = StatsDLineParser()

    /// Every accepted form of Funnel's own tagged names.
    @Test(arguments: [
        ("funnel.events:5|c|\(tags),outcome:received", events(.received, 5)),
        ("funnel.events:2|c|\(tags),outcome:passed", events(.passed, 2)),
        ("funnel.events:1|c|\(tags),outcome:failed", events(.failed, 1)),
        ("funnel.events:4|c|\(tags),outcome:dead_lettered", events(.deadLettered, 4)),
        ("funnel.events:6|c|\(tags),outcome:redelivered", events(.redelivered, 6)),
        ("funnel.events:20|c|\(tags),outcome:redriven,event_time:2026-11-26T10:15:00Z", events(.redriven, 20, at: t0)),
        ("funnel.events:150|c|\(tags),outcome:replayed|T1795688100", events(.replayed, 150, at: t0)),
        ("funnel.events:7|c|#outcome:received,stage:ingest,pipeline:orders", events(.received, 7)),
        ("funnel.events:5|c|\(tags),outcome:received,env:prod,production", events(.received, 5)),
        ("funnel.events:2.0|c|\(tags),outcome:received", events(.received, 2)),
        ("funnel.events:0|c|\(tags),outcome:received", events(.received, 0)),
        ("funnel.events:3|c|\(tags),outcome:passed,event_time:2026-11-26T10:15:00Z", events(.passed, 3, at: t0)),
        ("funnel.events:3|c|\(tags),outcome:passed,event_time:1795688100.25", events(.passed, 3, at: t0 + 250)),
        ("funnel.events:3|c|\(tags),outcome:passed|T1795688100", events(.passed, 3, at: t0)),
        ("funnel.events:3|c|T1795688100|\(tags),outcome:passed|c:container-1", events(.passed, 3, at: t0)),
        ("  funnel.events:1|c|\(tags),outcome:received\r", events(.received, 1)),
        ("funnel.latency:12.5|ms|#pipeline:orders,stage:process", latency(12.5)),
        ("funnel.latency:0|ms|#pipeline:orders,stage:process", latency(0)),
        ("funnel.latency:7|h|#pipeline:orders,stage:process", latency(7)),
        ("funnel.latency:3|d|#pipeline:orders,stage:process", latency(3)),
        ("funnel.dlq_depth:42|g|#pipeline:orders,queue:orders-dlq", depth(42)),
        ("funnel.dlq_depth:0|g|#pipeline:orders,queue:orders-dlq", depth(0)),
        ("funnel.dlq_depth:7.0|g|#pipeline:orders,queue:orders-dlq|T1795688100", depth(7, at: t0)),
    ])
    func parsesTaggedLines(line: String, expected: StatsDLine) throws {
        #expect(try parser.parse(line) == expected)
    }

    /// Counts are scaled up by 1/rate and rounded to the nearest integer, at least 1; timer samples are weighted.
    @Test(arguments: [
        ("funnel.events:1|c|@0.1|\(tags),outcome:received", events(.received, 10)),
        ("funnel.events:5|c|@0.5|\(tags),outcome:received", events(.received, 10)),
        ("funnel.events:3|c|@0.4|\(tags),outcome:received", events(.received, 8)),
        ("funnel.events:1|c|@0.9|\(tags),outcome:received", events(.received, 1)),
        ("funnel.events:1|c|@1|\(tags),outcome:received", events(.received, 1)),
        ("funnel.events:1|c|\(tags),outcome:received|@0.001", events(.received, 1000)),
        ("funnel.events:0.01|c|@0.9|\(tags),outcome:received", events(.received, 1)),
        ("funnel.latency:8|ms|@0.25|#pipeline:orders,stage:process", latency(8, weight: 4)),
        ("funnel.latency:8|ms|@0.3|#pipeline:orders,stage:process", latency(8, weight: 3)),
        ("funnel.dlq_depth:9|g|@0.5|#pipeline:orders,queue:orders-dlq", depth(9)),
    ])
    func scalesBySampleRate(line: String, expected: StatsDLine) throws {
        #expect(try parser.parse(line) == expected)
    }

    /// One bad line per rule, with the reason it is counted under.
    @Test(arguments: [
        ("bogus", StatsDLineRejection.Reason.malformed),
        ("funnel.events|c", .malformed),
        (":5|c|\(tags),outcome:received", .malformed),
        ("funnel.events:1:2|c|\(tags),outcome:received", .malformed),
        ("funnel.events:1|", .malformed),
        ("funnel.events:1|c|\(tags),outcome:received|#env:prod", .malformed),
        ("funnel.events:1|c|\(tags),outcome:received|@0.5|@0.5", .malformed),
        ("funnel.events:1|c|\(tags),outcome:received|x", .malformed),
        ("funnel.events:1|c|\(tags),outcome:received|", .malformed),
        ("funnel.events:1|c|Tyesterday|\(tags),outcome:received", .malformed),
        ("funnel.events:1|s|\(tags),outcome:received", .unknownType),
        ("funnel.events:1|x|\(tags),outcome:received", .unknownType),
        ("funnel.events:1|C|\(tags),outcome:received", .unknownType),
        ("funnel.events:1|g|\(tags),outcome:received", .typeMismatch),
        ("funnel.events:1|ms|\(tags),outcome:received", .typeMismatch),
        ("funnel.latency:1|c|\(tags)", .typeMismatch),
        ("funnel.dlq_depth:1|c|#pipeline:orders,queue:q", .typeMismatch),
        ("funnel.events:|c|\(tags),outcome:received", .badValue),
        ("funnel.events:abc|c|\(tags),outcome:received", .badValue),
        ("funnel.events:-1|c|\(tags),outcome:received", .badValue),
        ("funnel.events:inf|c|\(tags),outcome:received", .badValue),
        ("funnel.events:2e12|c|\(tags),outcome:received", .badValue),
        ("funnel.latency:-1|ms|\(tags)", .badValue),
        ("funnel.latency:nan|ms|\(tags)", .badValue),
        ("funnel.dlq_depth:many|g|#pipeline:orders,queue:q", .badValue),
        ("funnel.dlq_depth:2.5|g|#pipeline:orders,queue:q", .badValue),
        ("funnel.dlq_depth:+3|g|#pipeline:orders,queue:q", .badValue),
        ("funnel.dlq_depth:-2|g|#pipeline:orders,queue:q", .badValue),
        ("funnel.events:1|c|@0|\(tags),outcome:received", .badSampleRate),
        ("funnel.events:1|c|@1.5|\(tags),outcome:received", .badSampleRate),
        ("funnel.events:1|c|@-0.5|\(tags),outcome:received", .badSampleRate),
        ("funnel.events:1|c|@abc|\(tags),outcome:received", .badSampleRate),
        ("funnel.events:1|c|@|\(tags),outcome:received", .badSampleRate),
        ("funnel.events:1|c|#:orders,stage:s,outcome:received", .badTag),
        ("funnel.events:1|c|\(tags),outcome:received,,env:prod", .badTag),
        ("funnel.events:1|c|#pipeline:a,pipeline:b,stage:s,outcome:received", .badTag),
        ("funnel.events:1|c|#pipeline,stage:s,outcome:received", .badTag),
        ("funnel.events:1|c|#pipeline:,stage:s,outcome:received", .badTag),
        ("funnel.events:1|c|\(tags),outcome:received,event_time:yesterday", .badTag),
        ("funnel.events:1|c|\(tags),outcome:received,event_time:1795688100000", .badTag),
        ("funnel.events:1|c|\(tags)", .missingTag),
        ("funnel.events:1|c|#pipeline:orders,outcome:received", .missingTag),
        ("funnel.events:1|c", .missingTag),
        ("funnel.latency:1|ms|#pipeline:orders", .missingTag),
        ("funnel.dlq_depth:1|g|#pipeline:orders", .missingTag),
        ("funnel.events:1|c|#pipeline:or ders,stage:s,outcome:received", .badName),
        ("funnel.events:1|c|#pipeline:orders,stage:st/age,outcome:received", .badName),
        ("funnel.dlq_depth:1|g|#pipeline:orders,queue:dlq#1", .badName),
        ("funnel.events:1|c|\(tags),outcome:lost", .unknownOutcome),
        ("funnel.events:1|c|\(tags),outcome:Received", .unknownOutcome),
        ("app.requests:1|c", .unmapped),
        ("app.requests:1|c|\(tags),outcome:received", .unmapped),
        ("funnel.event:1|c|\(tags),outcome:received", .unmapped),
    ])
    func rejectsMalformedLines(line: String, reason: StatsDLineRejection.Reason) {
        #expect(throws: StatsDLineRejection.self) { try parser.parse(line) }
        do {
            _ = try parser.parse(line)
        } catch {
            #expect(error.reason == reason, "\(line): \(error.message)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func rejectionsNameTheOffendingPart() {
        #expect(throws: StatsDLineRejection(.badSampleRate, "sample rate must be a number from 0.000001 to 1, got \"1.5\"")) {
            try parser.parse("funnel.events:1|c|@1.5|\(tags),outcome:received")
        }
        #expect(throws: StatsDLineRejection(.unknownOutcome, "outcome must be one of received, passed, failed, dead_lettered, redelivered, redriven or replayed; got \"lost\"")) {
            try parser.parse("funnel.events:1|c|\(tags),outcome:lost")
        }
        #expect(throws: StatsDLineRejection(.missingTag, "no outcome: a counter needs pipeline, stage and outcome, from tags (outcome:NAME) or a mapping rule")) {
            try parser.parse("funnel.events:1|c|\(tags)")
        }
    }

    @Test func blankLinesAreNothing() throws {
        #expect(try parser.parse("") == nil)
        #expect(try parser.parse(" \r") == nil)
    }

    @Test func splitsCRLFLinesToo() {
        var parsed: [StatsDLine] = []
        parser.forEachLine(in: "funnel.events:2|c|\(tags),outcome:passed\r\nfunnel.events:1|c|\(tags),outcome:failed\r\n"[...]) { _, result in
            if case .success(let line) = result { parsed.append(line) }
        }
        #expect(parsed == [events(.passed, 2), events(.failed, 1)])
    }

    @Test func splitsAPacketIntoLinesAndKeepsGoingPastBadOnes() {
        let packet = """
            funnel.events:5|c|\(tags),outcome:received

            bogus
            funnel.latency:2|ms|#pipeline:orders,stage:process
            funnel.events:1|s|x
            funnel.dlq_depth:1|g|#pipeline:orders,queue:orders-dlq
            """
        var accepted: [StatsDLine] = []
        var rejected: [(String, StatsDLineRejection.Reason)] = []
        parser.forEachLine(in: packet[...]) { line, result in
            switch result {
            case .success(let parsed): accepted.append(parsed)
            case .failure(let rejection): rejected.append((String(line), rejection.reason))
            }
        }
        #expect(accepted == [events(.received, 5), latency(2), depth(1)])
        #expect(rejected.map(\.0) == ["bogus", "funnel.events:1|s|x"])
        #expect(rejected.map(\.1) == [.malformed, .unknownType])
    }
}

/// Values are read byte by byte with a fast path for plain decimals; whatever the path, the result is the standard library's.
@Suite struct StatsDValueReadingTests {
    let parser = StatsDLineParser()

    @Test(arguments: [
        "0", "5", "12.5", "0.001", ".5", "5.", "1e3", "+5", "-1", "inf", "nan", "0x10", "007", "123456789012345",
        "1234567890123456", "123456789012345.5", "1.000000000000001", "99999999999999.9", "", "1..2", "1.2.3", "12a",
    ])
    func latencyValuesReadAsTheStandardLibraryReadsThem(text: String) {
        let line = "funnel.latency:\(text)|ms|#pipeline:orders,stage:process"
        let expected = Double(text).flatMap { $0.isFinite && $0 >= 0 && $0 <= ReportBodyParser.maximumLatencyMillis ? $0 : nil }
        do {
            let parsed = try parser.parse(line)
            #expect(parsed == .latency(LatencyObservation(pipeline: "orders", stage: "process", eventTimeMillis: nil, millis: expected ?? -1, weight: 1)), "\(text)")
        } catch {
            #expect(expected == nil, "\(text) refused: \(error)")
            #expect(error.reason == .badValue || text.isEmpty || text.contains(":"), "\(text): \(error.reason)")
        }
    }

    @Test func aTrailingBarIsAnEmptyFieldAsBefore() {
        #expect { try parser.parse("funnel.latency:5|ms|") } throws: { ($0 as? StatsDLineRejection)?.reason == .malformed }
        #expect { try parser.parse("funnel.latency:5|ms|#") } throws: { ($0 as? StatsDLineRejection)?.reason == .badTag }
    }
}
