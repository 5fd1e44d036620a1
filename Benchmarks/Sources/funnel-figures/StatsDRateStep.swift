/// One fixed-rate send of the StatsD stream to one peer, and whether the peer counted all of it.
struct StatsDRateStep {
    var targetLinesPerSecond: Double
    var sent: StatsDSender.Sent
    /// Lines (or counter lines) sent that the peer's `/metrics` did not show once it was quiet.
    var missing: Double
    /// Datagrams the kernel dropped at the peer's socket during the step.
    var kernelDrops: Int
    /// The peer's CPU seconds from the start of the send until its count was settled.
    var cpuSeconds: Double

    var zeroLoss: Bool { self.missing == 0 && self.kernelDrops == 0 }
    /// Whether the sender fell more than 5% short of the rate asked for: the generator, not the peer, was the limit.
    var generatorLimited: Bool { self.sent.linesPerSecond < 0.95 * self.targetLinesPerSecond }
    var cpuSecondsPerMillionLines: Double { self.cpuSeconds / (Double(self.sent.lines) / 1_000_000) }

    /// Sends `stream` to `peer` at `linesPerSecond` for `seconds`, then waits (at most 15 s) until the peer's count
    /// reaches what was sent or stops moving for its quiet time.
    static func measure(
        _ peer: StatsDPeer, _ stream: StatsDStream, linesPerSecond: Double, seconds: Double, position: inout Int
    ) throws(FigureError) -> StatsDRateStep {
        guard let before = peer.currentCount() else { throw FigureError("\(peer.name): /metrics unreadable before a step:\n\(peer.process.logTail)") }
        let dropsBefore = StatsDSender.kernelDrops(port: peer.udpPort)
        let cpuBefore = peer.process.cpuSeconds
        let sent = try StatsDSender(port: peer.udpPort).send(stream, linesPerSecond: linesPerSecond, seconds: seconds, position: &position)
        let expected = Double(peer.countsEveryLine ? sent.lines : sent.counterLines)
        var last = before
        var lastChange = Monotonic.now
        let deadline = Monotonic.now + 15
        while Monotonic.now < deadline {
            Monotonic.sleep(0.1)
            guard let now = peer.currentCount() else { continue }
            if now - before >= expected { last = now; break }
            if now != last {
                last = now
                lastChange = Monotonic.now
            } else if Monotonic.now - lastChange >= peer.quietSeconds {
                break
            }
        }
        guard peer.process.isRunning else { throw FigureError("\(peer.name) exited during a step:\n\(peer.process.logTail)") }
        return StatsDRateStep(
            targetLinesPerSecond: linesPerSecond, sent: sent, missing: max(0, expected - (last - before)),
            kernelDrops: StatsDSender.kernelDrops(port: peer.udpPort) - dropsBefore, cpuSeconds: peer.process.cpuSeconds - cpuBefore
        )
    }
}
