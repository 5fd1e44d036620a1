@testable import FunnelServer
import FunnelCore
import Logging
import Testing

@Suite struct StatsDInternalsTests {
    @Test func readsDropsOfOurSocketFromTheProcTable() {
        let table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             1021: 0100007F:1FBD 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5551 2 0000000000000000 17
             1022: 0100007F:1FBD 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 9999 2 0000000000000000 400
             1023: 0100007F:1FBE 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5552 2 0000000000000000 3
            """
        #expect(UDPSocketDrops.parse(table: table, port: 8125, inodes: [5551]) == 17, "only our socket's row, not another process's")
        #expect(UDPSocketDrops.parse(table: table, port: 8126, inodes: [5551, 5552]) == 3)
        #expect(UDPSocketDrops.parse(table: table, port: 8127, inodes: [5551]) == nil)
    }

    @Test func logsTheFirstBadLinesOfEachMinuteAndHowManyMore() {
        let messages = Locked<[String]>([])
        let clock = Locked<Int64>(1_000_000)
        let logger = Logger(label: "test") { _ in CapturingLogHandler(messages: messages) }
        let log = BadLineLog(limitPerMinute: 2, logger: logger, clock: { clock.withLock { $0 } })
        let rejection = StatsDLineRejection(.malformed, "expected name:value|type, found no '|'")
        for index in 0..<5 { Array("bad \(index)".utf8).withUnsafeBytes { log.note(rejection, line: $0, transport: "udp") } }
        #expect(messages.withLock { $0 } == [
            "bad StatsD line: expected name:value|type, found no '|' [line: bad 0]",
            "bad StatsD line: expected name:value|type, found no '|' [line: bad 1]",
        ])
        clock.withLock { $0 += 60_000 }
        Array("bad 5".utf8).withUnsafeBytes { log.note(rejection, line: $0, transport: "udp") }
        #expect(messages.withLock { Array($0.dropFirst(2)) } == [
            "3 more bad StatsD lines in the last minute were counted but not logged",
            "bad StatsD line: expected name:value|type, found no '|' [line: bad 5]",
        ])
    }
}

/// Collects log messages, with the `line` metadata when present.
private struct CapturingLogHandler: LogHandler {
    let messages: Locked<[String]>
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var text = "\(event.message)"
        if let line = event.metadata?["line"] { text += " [line: \(line)]" }
        self.messages.withLock { $0.append(text) }
    }
}
