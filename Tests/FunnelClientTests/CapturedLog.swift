import Logging
import Synchronization

/// The lines a reporter logged, for tests that hold it to what it says about loss.
final class CapturedLog: Sendable {
    struct Line: Sendable, Hashable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])

    /// A logger at `trace` writing here.
    var logger: Logger {
        Logger(label: "funnel-reporter-test") { _ in Handler(log: self) }
    }

    var all: [Line] { self.lines.withLock { $0 } }

    /// Lines at `warning` or above whose message contains `text`.
    func warnings(containing text: String) -> [Line] {
        self.all.filter { $0.level >= .warning && $0.message.contains(text) }
    }

    fileprivate func append(_ line: Line) {
        self.lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var metadata: [String: String] = [:]
            for (key, value) in self.metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { metadata[key] = "\(value)" }
            self.log.append(Line(level: event.level, message: "\(event.message)", metadata: metadata))
        }
    }
}
