import Foundation
public import Logging
import Synchronization

/// Writes log lines in a ``LogFormat`` to standard error, one `write` per line so lines of different threads never mix.
public struct FunnelLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let format: LogFormat
    private let clock: @Sendable () -> Int64
    private let output: @Sendable (String) -> Void

    /// A handler writing `format` lines at `level` and above; `output` takes each line with its newline.
    public init(
        format: LogFormat, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil,
        clock: @escaping @Sendable () -> Int64 = wallClockMillis, output: @escaping @Sendable (String) -> Void = FunnelLogHandler.standardError
    ) {
        self.format = format
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.clock = clock
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let metadata = event.metadata { merged.merge(metadata) { $1 } }
        if let error = event.error { merged["error"] = "\(error)" }
        let line = self.format.render(millis: self.clock(), level: event.level, message: event.message.description, metadata: merged)
        self.output(line + "\n")
    }

    /// Writes `line` to standard error in one call (retrying the rest of a partial write).
    public static let standardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
