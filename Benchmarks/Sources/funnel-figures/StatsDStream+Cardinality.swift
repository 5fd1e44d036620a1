/// The streams of the cardinality scenario (issue #26): the same series sent untagged, tagged by a few hosts, and
/// tagged by enough hosts to make 100,000 distinct lines; and 100,000 distinct series.
extension StatsDStream {
    /// Per stage of `pipelines` x `stages` dotted series: `received` and `passed` counters, and a timer every other
    /// stage (log-normal ms), each line sent by every host in `hosts` with `|#env:prod,host:web-N` (untagged when 0).
    /// 30 x 100 stages make 7,500 series; one round of the stream sends each series once per host.
    static func fleet(pipelines: Int, stages: Int, hosts: Int) -> StatsDStream {
        let seriesPerRound = pipelines * stages * 2 + pipelines * ((stages + 1) / 2)
        let latencies = LatencySamples.values("lognormal", count: seriesPerRound * max(1, hosts))
        var lines: [(String, Bool)] = []
        lines.reserveCapacity(latencies.count)
        var index = 0
        for host in 0..<max(1, hosts) {
            let tags = hosts == 0 ? "" : "|#env:prod,host:web-\(host + 1)"
            for pipeline in 0..<pipelines {
                for stage in 0..<stages {
                    let name = "funnel.fleet-\(pipeline).stage-\(stage)"
                    lines.append(("\(name).received:1|c\(tags)", true))
                    lines.append(("\(name).passed:1|c\(tags)", true))
                    if stage % 2 == 0 {
                        lines.append(("\(name).latency:\(Self.formatted(latencies[index]))|ms\(tags)", false))
                    }
                    index += 1
                }
            }
        }
        return Self(packing: lines)
    }

    /// Distinct lines in one round of the stream (what the receiver sees as different lines).
    var distinctLines: Int { self.lines.reduce(0, +) }
}
