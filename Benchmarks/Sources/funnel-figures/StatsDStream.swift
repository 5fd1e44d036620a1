/// A pre-generated StatsD stream: dotted names, lines packed into datagrams of at most 1,400 bytes.
///
/// The same datagrams go to Funnel and to collectd, so both parse exactly the same bytes.
struct StatsDStream {
    /// The datagrams, sent in order and repeated from the start when the stream runs out.
    var datagrams: [[UInt8]] = []
    /// Lines in each datagram.
    var lines: [Int] = []
    /// Counter lines (each `:1|c`) in each datagram.
    var counterLines: [Int] = []

    static let pipelines = ["orders", "payments", "shipping"]
    static let stages = ["ingest", "enrich", "validate", "route", "deliver"]
    static let maximumDatagramBytes = 1400

    /// The mixed stream of the StatsD scenario: per (pipeline, stage), `received` and `passed` counters, a timer
    /// (`latency`, log-normal ms) and a DLQ depth gauge (`funnel.P.dlq.S`), `rounds` times over.
    static func mixed(rounds: Int) -> StatsDStream {
        let latencies = LatencySamples.values("lognormal", count: rounds * pipelines.count * stages.count)
        var lines: [(String, Bool)] = []
        var index = 0
        for round in 0..<rounds {
            for pipeline in pipelines {
                for stage in stages {
                    lines.append(("funnel.\(pipeline).\(stage).received:1|c", true))
                    lines.append(("funnel.\(pipeline).\(stage).passed:1|c", true))
                    lines.append(("funnel.\(pipeline).\(stage).latency:\(Self.formatted(latencies[index]))|ms", false))
                    lines.append(("funnel.\(pipeline).dlq.\(stage):\((round * 7 + index) % 500)|g", false))
                    index += 1
                }
            }
        }
        return Self(packing: lines)
    }

    /// Packs `lines` (text, whether it is a counter line) into datagrams, newline-separated, in order.
    init(packing lines: [(String, Bool)]) {
        var current: [UInt8] = []
        var currentLines = 0
        var currentCounters = 0
        for (line, isCounter) in lines {
            let bytes = Array(line.utf8)
            if !current.isEmpty && current.count + 1 + bytes.count > Self.maximumDatagramBytes {
                self.append(current, currentLines, currentCounters)
                (current, currentLines, currentCounters) = ([], 0, 0)
            }
            if !current.isEmpty { current.append(10) }
            current += bytes
            currentLines += 1
            currentCounters += isCounter ? 1 : 0
        }
        if !current.isEmpty { self.append(current, currentLines, currentCounters) }
    }

    /// Adds one packed datagram and its line counts.
    private mutating func append(_ datagram: [UInt8], _ lines: Int, _ counters: Int) {
        self.datagrams.append(datagram)
        self.lines.append(lines)
        self.counterLines.append(counters)
    }

    /// A latency in ms as sent on a line: three decimals, so the exact quantiles use the values the peers read.
    static func formatted(_ millis: Double) -> String {
        let thousandths = Int((millis * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Lines per datagram on average, to turn a line rate into a datagram rate.
    var averageLinesPerDatagram: Double { Double(self.lines.reduce(0, +)) / Double(self.lines.count) }
}
