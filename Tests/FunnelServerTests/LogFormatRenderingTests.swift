import Foundation
import FunnelServer
import Logging
import Synchronization
import Testing

/// Log lines of each format, on exact text: time, level, message and the metadata as fields, escaped so that a
/// line stays one line and parses.
@Suite struct LogFormatRenderingTests {
    static let millis: Int64 = 1_767_322_800_000  // 2026-01-02T03:00:00Z
    static let metadata: Logger.Metadata = ["alarm": "orders-dlq", "note": "two words", "quote": "say \"hi\"\nbye", "list": ["a", "b"]]

    @Test func textPutsTimeLevelAndMessageFirstAndFieldsAfter() {
        let line = LogFormat.text.render(millis: Self.millis + 5, level: .notice, message: "alarm firing", metadata: Self.metadata)
        #expect(line == #"2026-01-02T03:00:00.005Z notice alarm firing alarm=orders-dlq list="[a, b]" note="two words" quote="say \"hi\"\nbye""#)
    }

    @Test func logfmtQuotesWhatNeedsQuoting() {
        let line = LogFormat.logfmt.render(millis: Self.millis, level: .info, message: "configuration reloaded", metadata: Self.metadata)
        #expect(line == #"ts=2026-01-02T03:00:00.000Z level=info msg="configuration reloaded" alarm=orders-dlq list="[a, b]" note="two words" quote="say \"hi\"\nbye""#)
    }

    @Test func jsonIsOneObjectPerLineWithNestedMetadata() throws {
        let line = LogFormat.json.render(
            millis: Self.millis, level: .error, message: "control \u{1} and \u{2028}", metadata: Self.metadata.merging(["msg": "shadowed"]) { $1 }
        )
        #expect(line == #"{"ts":"2026-01-02T03:00:00.000Z","level":"error","msg":"control \u0001 and \u2028","alarm":"orders-dlq","list":["a","b"],"note":"two words","quote":"say \"hi\"\nbye"}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["quote"] as? String == "say \"hi\"\nbye")
        #expect(object["list"] as? [String] == ["a", "b"])
    }

    @Test func theHandlerMergesItsMetadataWithTheCallsAndWritesOneLineEach() {
        let lines = LockedLines()
        var handler = FunnelLogHandler(format: .logfmt, level: .info, clock: { Self.millis }, output: { lines.append($0) })
        handler[metadataKey: "component"] = "statsd"
        let logger = Logger(label: "test") { _ in handler }
        logger.debug("not written")
        logger.warning("bad line", metadata: ["line": "x:1|q"])
        #expect(lines.all == ["ts=2026-01-02T03:00:00.000Z level=warning msg=\"bad line\" component=statsd line=x:1|q\n"])
    }

    @Test func theConfigurationKeyChoosesTheFormat() throws {
        #expect(try FunnelConfiguration(yaml: "log_format: json\n").logFormat == .json)
        #expect(FunnelConfiguration().logFormat == .text)
        #expect {
            try FunnelConfiguration(yaml: "log_format: xml\n", file: "funnel.yml")
        } throws: { error in
            "\(error)" == #"funnel.yml:1:13: log_format: must be text, logfmt or json; got "xml""#
        }
    }
}

/// Lines written by a handler, kept for the test.
private final class LockedLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { self.lines.withLock { $0.append(line) } }
    var all: [String] { self.lines.withLock { $0 } }
}
