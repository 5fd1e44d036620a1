import Foundation

/// Paths of files in this repository, found from this source file's location.
enum RepositoryPaths {
    static let root: String = String(#filePath.prefix(upTo: #filePath.range(of: "/Tests/")!.lowerBound))

    static func file(_ relative: String) -> String { root + "/" + relative }
}

/// Unix milliseconds now.
func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

/// A JSON report for request bodies, with an RFC 3339 event time.
func report(_ stage: String, _ outcome: String, _ count: Int, eventTime: Int64, pipeline: String = "orders") -> String {
    let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(eventTime) / 1000))
    return #"{"pipeline":"\#(pipeline)","stage":"\#(stage)","outcome":"\#(outcome)","count":\#(count),"event_time":"\#(time)"}"#
}
