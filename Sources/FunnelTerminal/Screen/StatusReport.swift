public import FunnelCore
/// What `funnel status` prints: a verdict line, the active alarms, and each pipeline's funnel as a plain table.
///
/// Plain text for scripts and chat: no escape codes unless `color` is asked for (the command asks only when its
/// output is a terminal and `NO_COLOR` is not set).
public struct StatusReport: Sendable {
    public var server: String
    public var funnels: [PipelineFunnel]
    public var alarms: [AlarmStatus]
    /// False when the server has no alarms API.
    public var alarmsAvailable: Bool
    public var queues: [QueueDepth]
    /// How many pipelines the server has, when the report shows fewer (`3 of 30 pipelines`).
    public var serverPipelines: Int?
    /// The funnels are in trouble order (`funnel status --worst`), and the verdict line says so.
    public var mostTroubleFirst = false
    /// Every server asked, when there are several (`--server` more than once): the verdict line counts them, and
    /// each pipeline's headline names its own.
    public var servers: [String] = []
    /// The server each pipeline came from, by pipeline name, when there are several.
    public var serverOfPipeline: [String: String] = [:]
    /// The servers that did not answer, with why; their pipelines are missing from the report.
    public var downServers: [(server: String, reason: String)] = []
    /// The label each pipeline's worst values are listed by (`funnel status --by tenant`), if any.
    public var by: String?
    /// Each pipeline's worst values of ``by``, by pipeline name; a pipeline without them does not declare the label.
    public var groups: [String: GroupedFunnel] = [:]
    /// The labels each pipeline declares, by pipeline name: what a pipeline without ``by`` says it has instead.
    public var declaredLabels: [String: [String]] = [:]
    /// Pipelines left out because they do not declare every label of `--label`, with what they declare.
    public var withoutFilterLabels: [String] = []

    public init(server: String, funnels: [PipelineFunnel], alarms: [AlarmStatus], alarmsAvailable: Bool = true, queues: [QueueDepth] = []) {
        self.server = server
        self.funnels = funnels
        self.alarms = alarms
        self.alarmsAvailable = alarmsAvailable
        self.queues = queues
    }

    /// The worst alarm's verdict; with a server down and nothing firing, unknown (that server's pipelines are not
    /// seen).
    public var verdict: StatusVerdict {
        let alarms = StatusVerdict(alarms: self.alarms)
        return !self.downServers.isEmpty && alarms != .firing ? .unknown : alarms
    }

    /// The report as lines.
    public func lines(color: Bool = false) -> [String] {
        let active = AlarmList(alarms: self.alarms).active
        let firing = active.filter { $0.state == .firing }.count
        let pending = active.count - firing
        var verdict = "\(self.verdict.label): "
        if !self.alarmsAvailable {
            verdict += "alarms not available on this server"
        } else if active.isEmpty {
            verdict += "no alarms"
        } else {
            verdict += [firing > 0 ? "\(firing) firing" : nil, pending > 0 ? "\(pending) pending" : nil].compactMap { $0 }.joined(separator: ", ")
        }
        let shown = self.funnels.count
        if let total = self.serverPipelines, total != shown {
            verdict += " · \(shown) of \(total) pipeline\(total == 1 ? "" : "s")"
        } else {
            verdict += " · \(shown) pipeline\(shown == 1 ? "" : "s")"
        }
        if self.mostTroubleFirst { verdict += ", most trouble first" }
        if self.servers.count > 1 {
            verdict += " · \(self.servers.count) servers" + (self.downServers.isEmpty ? "" : ", \(self.downServers.count) down")
        } else {
            verdict += " · \(self.server)"
        }
        let verdictColor = self.verdict == .firing ? "1;31" : self.verdict == .pending ? "1;33" : self.verdict == .unknown ? "1;35" : "1;32"
        var lines = [self.paint(verdict, verdictColor, color)]
        for down in self.downServers {
            lines.append(self.paint("DOWN     \(down.server): \(down.reason); its pipelines are not shown", "35", color))
        }
        let nameWidth = active.map(\.name.count).max() ?? 0
        for alarm in active {
            let summary = alarm.summary.hasPrefix(alarm.name + ": ") ? String(alarm.summary.dropFirst(alarm.name.count + 2)) : alarm.summary
            var line = (alarm.state == .firing ? "FIRING " : "PENDING") + "  " + alarm.name.padding(to: nameWidth) + "  " + summary
            if let since = alarm.since { line += "  (since \(since))" }
            lines.append(self.paint(line, alarm.state == .firing ? "31" : "33", color))
        }
        for funnel in self.funnels {
            lines.append("")
            lines += self.funnelLines(funnel, color: color)
        }
        if self.funnels.isEmpty, self.withoutFilterLabels.isEmpty {
            lines.append("")
            lines.append("No pipelines yet: stages report to POST \(self.server)/v1/reports.")
        }
        lines += self.filterNote()
        return lines
    }

    func funnelLines(_ funnel: PipelineFunnel, color: Bool) -> [String] {
        let totals = funnel.totals
        var headline = "\(funnel.pipeline)\(Self.labelText(funnel.labels)): delivery \(totals.deliveryRatio.map { NumberText.percent($0, digits: 2) } ?? "n/a")"
        headline += ", ingested \(totals.ingested), delivered \(totals.delivered), lost \(totals.lost), in flight \(totals.inFlight)"
        if totals.excess > 0 { headline += ", excess \(totals.excess)" }
        headline += ", e2e p95 \(NumberText.latency(funnel.endToEndLatencyMs.p95)) (\(funnel.latencyWindow.rawValue))"
        if self.servers.count > 1, let server = self.serverOfPipeline[funnel.pipeline] { headline += " · \(server)" }
        let recovery = funnel.stages.contains { $0.redelivered > 0 || $0.redriven > 0 || $0.replayed > 0 }
        let recoveryHeaders = recovery ? ["REDELIVERED", "REDRIVEN", "REPLAYED"] : []
        var table = TextTable(
            headers: ["STAGE", "RECEIVED", "PASSED", "FAILED", "DEAD_LETTERED"] + recoveryHeaders + ["LOST", "LOSS_SHARE", "IN_FLIGHT", "P50", "P95", "P99"],
            rightAligned: [false] + Array(repeating: true, count: 10 + recoveryHeaders.count)
        )
        for (index, stage) in funnel.stages.enumerated() {
            if index > 0, index - 1 < funnel.transit.count {
                let hop = funnel.transit[index - 1]
                table.append(
                    ["\(hop.from)->\(hop.to)", String(hop.received), String(hop.passed), "-", "-"] + recoveryHeaders.map { _ in "-" }
                        + [String(hop.lost), NumberText.percent(hop.lossShare), String(hop.inFlight), "-", "-", "-"]
                )
            }
            let recoveryCells = recovery ? [String(stage.redelivered), String(stage.redriven), String(stage.replayed)] : []
            table.append(
                [stage.name, String(stage.received), String(stage.passed), String(stage.failed), String(stage.deadLettered)] + recoveryCells + [
                    String(stage.lost), NumberText.percent(stage.lossShare), String(stage.inFlight),
                    NumberText.latency(stage.latencyMs.p50), NumberText.latency(stage.latencyMs.p95), NumberText.latency(stage.latencyMs.p99),
                ]
            )
        }
        var lines = [self.paint(headline, "1", color)]
        if let budget = funnel.errorBudget { lines.append("  " + Self.budgetLine(budget)) }
        if let recoveryLine = Self.recoveryLine(funnel) { lines.append("  " + recoveryLine) }
        lines += table.lines(indent: "  ")
        for queue in self.queues where queue.pipeline == funnel.pipeline {
            var line = "  dead-letter queue \(queue.queue): depth \(queue.depth), updated \(NumberText.age(queue.ageSeconds)) ago"
            if queue.stale { line += " (stale)" }
            lines.append(line)
        }
        lines += self.groupLines(funnel.pipeline)
        return lines
    }

    /// `RECOVERABLE 20 in dead-letter queues · RECOVERED 170 (redriven 20, replayed 150) · net missing 0 · retries 12
    /// (1.2% of received)`, for a pipeline that has redelivered, redriven, replayed or left events in a dead-letter
    /// queue; nil otherwise.
    static func recoveryLine(_ funnel: PipelineFunnel) -> String? {
        let totals = funnel.totals
        let redriven = funnel.stages.lazy.map(\.settled.redriven).saturatingSum()
        let replayed = funnel.stages.lazy.map(\.settled.replayed).saturatingSum()
        let redelivered = funnel.stages.lazy.map(\.redelivered).saturatingSum()
        let received = funnel.stages.lazy.map(\.received).saturatingSum()
        guard totals.recovered > 0 || totals.recoverable > 0 || redelivered > 0 else { return nil }
        var parts = [
            "RECOVERABLE \(totals.recoverable) in dead-letter queues",
            "RECOVERED \(totals.recovered) (redriven \(redriven), replayed \(replayed))",
            "net missing \(totals.netMissing)",
        ]
        if let ratio = totals.recoverableDeliveryRatio { parts.append("delivery once redriven \(NumberText.percent(ratio, digits: 2))") }
        if redelivered > 0 {
            parts.append("retries \(redelivered)" + (received > 0 ? " (\(NumberText.percent(Double(redelivered) / Double(received))) of received)" : ""))
        }
        return parts.joined(separator: " · ")
    }

    /// `ERROR BUDGET 37.5% left · objective 99.99% over 30d · last 72h settled: 40000 ingested, 3 undelivered of 4.0 allowed`.
    static func budgetLine(_ budget: ErrorBudget) -> String {
        let undelivered = budget.ingested > budget.delivered ? budget.ingested - budget.delivered : 0
        let allowed = (1 - budget.objective) * Double(budget.ingested)
        let left = budget.remainingRatio < 0 ? "overspent by \(NumberText.percent(-budget.remainingRatio))" : "\(NumberText.percent(budget.remainingRatio)) left"
        let objective = ((budget.objective * 100) * 1e6).rounded() / 1e6
        return "ERROR BUDGET \(left) · objective \(objective)% over \(Self.span(budget.windowSeconds))"
            + " · last \(Self.span(budget.coveredSeconds)) settled: \(budget.ingested) ingested,"
            + " \(undelivered) undelivered of \(NumberText.fixed(allowed, digits: allowed < 10 ? 1 : 0)) allowed"
    }

    /// `30d` for whole days, else `72h`, `90m`.
    static func span(_ seconds: Int64) -> String {
        seconds > 0 && seconds % 86_400 == 0 && seconds > 3 * 86_400 ? "\(seconds / 86_400)d" : DurationText.format(seconds: seconds)
    }

    func paint(_ text: String, _ codes: String, _ color: Bool) -> String {
        color ? "\u{1B}[\(codes)m\(text)\u{1B}[0m" : text
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        self.count >= width ? self : self + String(repeating: " ", count: width - self.count)
    }
}
