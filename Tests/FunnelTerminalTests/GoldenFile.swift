import Foundation
import Testing

/// Compares text with a committed file under `Tests/FunnelTerminalTests/Golden/`.
///
/// Set `FUNNEL_UPDATE_GOLDEN=1` to write the files instead (then read them by eye before committing). A recording
/// run fails every test that wrote a file, saying so, so it never passes as if it had checked anything.
enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ lines: [String], against name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = lines.joined(separator: "\n") + "\n"
        let url = self.directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["FUNNEL_UPDATE_GOLDEN"] == "1" {
            let before = try? String(contentsOf: url, encoding: .utf8)
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            let change = before == nil ? "new" : before == text ? "unchanged" : "changed"
            Issue.record(
                "wrote Golden/\(name) (\(change)) because FUNNEL_UPDATE_GOLDEN=1: read it, then run the tests again without the variable",
                sourceLocation: sourceLocation
            )
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("no golden file Golden/\(name): write it with FUNNEL_UPDATE_GOLDEN=1 and read it", sourceLocation: sourceLocation)
            return
        }
        if expected != text {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expectedLines.count, actualLines.count)
            Issue.record(
                """
                \(name) differs from line \(first + 1) (FUNNEL_UPDATE_GOLDEN=1 rewrites it):
                expected: \(first < expectedLines.count ? String(expectedLines[first]) : "<end>")
                actual:   \(first < actualLines.count ? String(actualLines[first]) : "<end>")
                """,
                sourceLocation: sourceLocation
            )
        }
    }
}
