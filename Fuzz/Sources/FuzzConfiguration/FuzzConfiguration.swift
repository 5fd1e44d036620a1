import FunnelCore
import FuzzDriver

/// Loads fuzzed bytes as a YAML configuration file.
///
/// Refusals are fine; a trap is not. Traps when an accepted configuration has a duration the server cannot turn
/// into milliseconds, or an error that names no place.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    // Keys such as `read_tokens_file: /dev/zero` read the files they name; that is the operator's business, not the parser's.
    guard !text.contains("/dev"), !text.contains("/proc"), !text.contains("/sys") else { return 0 }
    let configuration: FunnelConfiguration
    do {
        configuration = try FunnelConfiguration(yaml: text, file: "fuzz.yml")
    } catch {
        precondition(error.description.hasPrefix("fuzz.yml"), "an error that names no file: \(error)")
        return 0
    }
    var seconds: [Double] = [
        configuration.settleIntervalSeconds, configuration.alarmIntervalSeconds, configuration.webhookTimeoutSeconds,
        configuration.webhookInitialBackoffSeconds, configuration.webhookMaximumBackoffSeconds, configuration.idleTimeoutSeconds,
        configuration.bodyTimeoutSeconds, configuration.headerTimeoutSeconds, configuration.bodyGraceSeconds,
        configuration.statsd.flushIntervalSeconds,
    ]
    let wholeSeconds: [Int64] = [
        configuration.ledger.retentionSeconds, configuration.idempotencyWindowSeconds,
        configuration.ledger.maximumFutureSeconds, configuration.ledger.queueStaleAfterSeconds,
    ]
    seconds += wholeSeconds.map { Double($0) }
    for source in configuration.dlqSources { seconds += [source.intervalSeconds, source.timeoutSeconds] }
    for pipeline in configuration.ledger.pipelines {
        seconds += [Double(pipeline.settings.bucketSeconds), Double(pipeline.settings.settleAfterSeconds)]
    }
    for alarm in configuration.alarms { seconds += [Double(alarm.forSeconds), Double(alarm.repeatIntervalSeconds)] }
    for value in seconds {
        precondition(Duration.checkedSeconds(value) != nil, "an accepted duration of \(value) s is not a duration in milliseconds")
    }
    return 0
}

@main enum FuzzConfigurationMain {
    static func main() { runFuzzer(fuzz) }
}
