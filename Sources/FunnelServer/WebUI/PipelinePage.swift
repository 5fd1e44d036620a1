import FunnelCore

/// `GET /ui/pipelines/NAME`: the funnel drawn where events die, the settled loss per bucket over the range, latency
/// per stage, DLQ depths over time, active alarms, and the recovery, comparisons and label groups of the pipeline.
struct PipelinePage {
    /// One dead-letter queue: its last depth and its recent depths.
    struct Queue {
        var depth: QueueDepth
        var history: [QueueDepths.Observation]
    }

    /// The worst groups of one declared label.
    struct Groups {
        var label: String
        var grouped: GroupedFunnel
    }

    var funnel: PipelineFunnel
    var range: PageRange
    var window: LatencyWindow
    var nowMillis: Int64
    var queues: [Queue]
    var alarms: [AlarmStatus]
    var comparisons: [ComparisonReport]
    /// Every label the pipeline declares, and the groups of the one shown.
    var labels: [String]
    var groups: Groups?

    var fromMillis: Int64 {
        if let reach = self.range.millis { return self.nowMillis - reach }
        let first = self.funnel.buckets?.compactMap { EventTimestamp.parseRFC3339($0.start) }.min()
        return min(first ?? self.nowMillis - 3_600_000, self.nowMillis - 60_000)
    }

    func html() -> String {
        let sections = [
            self.header(), self.picture(), self.stageTable(), self.lossChart(), self.latency(), self.deadLetters(), self.activeAlarms(),
            self.recovery(), self.comparisonSection(), self.groupSection(),
        ]
        return WebUIPage.document(title: self.funnel.pipeline, main: sections.joined(separator: "\n"))
    }

    /// The link to this page with one parameter changed.
    func link(range: PageRange? = nil, window: LatencyWindow? = nil, by label: String? = nil) -> String {
        var query = ["range=\((range ?? self.range).rawValue)", "window=\((window ?? self.window).rawValue)"]
        if let shown = label ?? self.groups?.label { query.append("by=\(HTMLText.urlComponent(shown))") }
        return "/ui/pipelines/\(HTMLText.urlComponent(self.funnel.pipeline))?" + query.joined(separator: "&amp;")
    }

    func header() -> String {
        let totals = self.funnel.totals
        let firing = self.alarms.filter { $0.state == .firing }.count
        let ranges = PageRange.allCases.map { #"<a href="\#(self.link(range: $0))"\#($0 == self.range ? #" class="current""# : "")>\#($0.title)</a>"# }
        let windows = LatencyWindow.allCases.map { #"<a href="\#(self.link(window: $0))"\#($0 == self.window ? #" class="current""# : "")>latency \#($0.rawValue)</a>"# }
        return """
            <h1>\(HTMLText.escape(self.funnel.pipeline))</h1>
            <dl class="summary">
            <div><dt>delivery ratio (settled)</dt><dd data-field="delivery_ratio">\(FigureText.percent(totals.deliveryRatio))</dd></div>
            <div><dt>lost (settled)</dt><dd data-field="lost" data-value="\(totals.lost)"\(totals.lost > 0 ? #" class="bad""# : "")>\(FigureText.count(totals.lost))</dd></div>
            <div><dt>in flight</dt><dd data-field="in_flight" data-value="\(totals.inFlight)">\(FigureText.count(totals.inFlight))</dd></div>
            <div><dt>ingested</dt><dd>\(FigureText.count(totals.ingested))</dd></div>
            <div><dt>firing alarms</dt><dd\(firing > 0 ? #" class="bad""# : "")>\(firing)</dd></div>
            </dl>
            <nav class="pickers"><span>\(ranges.joined(separator: " "))</span><span>\(windows.joined(separator: " "))</span></nav>
            """
    }

    func picture() -> String {
        let legend = [("passed on", "--passed"), ("failed", "--failed"), ("dead-lettered", "--dead"), ("lost silently", "--lost"), ("in flight", "--flight")]
            .map { #"<span style="--c: var(\#($0.1))">\#($0.0)</span>"# }.joined()
        let picture = FunnelPicture(funnel: self.funnel)
        let caption: String
        switch picture.worst {
        case .stage(let name)?: caption = "Most events die at stage <strong>\(HTMLText.escape(name))</strong>."
        case .hop(let from, let to)?: caption = "Most events die between <strong>\(HTMLText.escape(from))</strong> and <strong>\(HTMLText.escape(to))</strong>."
        case nil: caption = self.funnel.totals.ingested == 0 ? "No events in this range yet." : "No settled event was lost in this range."
        }
        return """
            <section class="where"><h2>Where events die · \(self.range.title)</h2><p class="verdict">\(caption)</p>
            \(picture.svg())
            \(picture.svg(narrow: true))
            <div class="legend">\(legend)</div></section>
            """
    }

    func stageTable() -> String {
        var rows = ""
        for stage in self.funnel.stages {
            let name = HTMLText.escape(stage.name)
            func cell(_ field: String, _ value: UInt64, bad: Bool = false) -> String {
                #"<td data-field="\#(field)" data-value="\#(value)"\#(bad && value > 0 ? #" class="bad""# : "")>\#(FigureText.count(value))</td>"#
            }
            rows += "<tr data-stage=\"\(name)\"><td>\(name)</td>" + cell("lost", stage.lost, bad: true) + cell("in_flight", stage.inFlight)
                + cell("received", stage.received) + cell("passed", stage.passed) + cell("failed", stage.failed)
                + cell("dead_lettered", stage.deadLettered) + cell("excess", stage.excess)
                + "<td data-field=\"loss_share\">\(FigureText.percent(stage.lossShare, decimals: 1))</td></tr>\n"
        }
        var hops = ""
        for hop in self.funnel.transit {
            hops += "<tr data-from=\"\(HTMLText.escape(hop.from))\" data-to=\"\(HTMLText.escape(hop.to))\"><td>\(HTMLText.escape(hop.from)) → \(HTMLText.escape(hop.to))</td>"
                + "<td data-field=\"lost\" data-value=\"\(hop.lost)\"\(hop.lost > 0 ? #" class="bad""# : "")>\(FigureText.count(hop.lost))</td>"
                + "<td data-field=\"in_flight\" data-value=\"\(hop.inFlight)\">\(FigureText.count(hop.inFlight))</td>"
                + "<td>\(FigureText.count(hop.passed))</td><td>\(FigureText.count(hop.received))</td><td>\(FigureText.percent(hop.lossShare, decimals: 1))</td></tr>\n"
        }
        return """
            <section class="stages"><h2>Stages</h2><div class="scroll"><table class="stages">
            <thead><tr><th>stage</th><th>lost silently</th><th>in flight</th><th>received</th><th>passed on</th><th>failed</th><th>dead-lettered</th><th>excess</th><th>share of the loss</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></div>
            \(hops.isEmpty ? "" : """
            <div class="scroll"><table class="transit">
            <thead><tr><th>hop</th><th>lost in transit</th><th>in flight</th><th>passed on</th><th>received next</th><th>share of the loss</th></tr></thead>
            <tbody>
            \(hops)</tbody></table></div>
            """)
            <p class="muted">Loss counts settled buckets only (a bucket settles \(self.funnel.settleAfterSeconds) s after it ends, or when every stage's watermark has passed it); in flight is what unsettled buckets still hold.</p></section>
            """
    }

    func lossChart() -> String {
        let buckets: [BucketFunnel] = self.funnel.buckets ?? []
        var points: [TimeChart.Point] = []
        for bucket in buckets {
            guard let start = EventTimestamp.parseRFC3339(bucket.start) else { continue }
            var lost: UInt64 = 0
            for stage in bucket.stages { lost = lost.addingSaturated(stage.lost) }
            for hop in bucket.transit { lost = lost.addingSaturated(hop.lost) }
            points.append(TimeChart.Point(millis: start, value: lost, final: bucket.settled))
        }
        let chart = TimeChart(
            title: "Settled loss per bucket", style: .bars, points: points, fromMillis: self.fromMillis, toMillis: self.nowMillis,
            barMillis: max(1, self.funnel.bucketSeconds) * 1000
        )
        let lost = points.filter { $0.final }.reduce(UInt64(0)) { $0.addingSaturated($1.value) }
        let first = points.first { $0.value > 0 && $0.final }
        let since = first.map { "first loss in the range at \(FigureText.clock($0.millis, withDay: true)) UTC" } ?? "no loss in the range"
        return """
            <section class="loss-over-time"><h2>Settled loss per bucket · \(self.range.title)</h2>
            <p class="muted">\(FigureText.count(lost)) events lost (silently and in transit); \(since). Grey bars are not settled yet.</p>
            \(chart.svg())</section>
            """
    }

    func latency() -> String {
        func row(_ name: String, _ latency: LatencyQuantiles, stage: String?) -> String {
            let attribute = stage.map { " data-stage=\"\(HTMLText.escape($0))\"" } ?? ""
            return "<tr\(attribute)><td>\(HTMLText.escape(name))</td><td>\(FigureText.count(latency.count))</td><td>\(FigureText.milliseconds(latency.p50))</td>"
                + "<td>\(FigureText.milliseconds(latency.p95))</td><td>\(FigureText.milliseconds(latency.p99))</td><td>\(FigureText.milliseconds(latency.max))</td></tr>\n"
        }
        let rows = self.funnel.stages.map { row($0.name, $0.latencyMs, stage: $0.name) }.joined() + row("end to end", self.funnel.endToEndLatencyMs, stage: nil)
        return """
            <section class="latency"><h2>Latency · last \(self.window.rawValue)</h2><div class="scroll"><table class="latency">
            <thead><tr><th>stage</th><th>samples</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></div></section>
            """
    }

    func deadLetters() -> String {
        guard !self.queues.isEmpty else {
            return #"<section class="dlq"><h2>Dead-letter queues</h2><p class="muted">No DLQ depth reported for this pipeline.</p></section>"#
        }
        var parts = ""
        for queue in self.queues {
            let name = HTMLText.escape(queue.depth.queue)
            let from = min(queue.history.first?.observedMillis ?? self.nowMillis, self.nowMillis - 60_000)
            let chart = TimeChart(
                title: "Depth of \(queue.depth.queue)", style: .steps,
                points: queue.history.map { TimeChart.Point(millis: $0.observedMillis, value: $0.depth) }, fromMillis: from, toMillis: self.nowMillis
            )
            let stale = queue.depth.stale ? #" <span class="bad">(stale)</span>"# : ""
            parts += """
                <div class="queue" data-queue="\(name)"><h3>\(name): <span data-field="depth" data-value="\(queue.depth.depth)">\(FigureText.count(queue.depth.depth))</span> events\(stale)</h3>
                <p class="muted">reported \(Int(queue.depth.ageSeconds.rounded())) s ago; the chart shows the depths reported since \(FigureText.clock(from, withDay: true)) UTC</p>
                \(chart.svg())</div>

                """
        }
        return #"<section class="dlq"><h2>Dead-letter queues</h2>"# + parts + "</section>"
    }

    func activeAlarms() -> String {
        let active = self.alarms.filter { $0.state != .inactive }
        guard !active.isEmpty else { return #"<section class="alarms"><h2>Alarms</h2><p class="muted">No active alarm (\#(self.alarms.count) configured for this pipeline).</p></section>"# }
        let rows = active.map { alarm in
            "<tr class=\"alarm \(alarm.state.rawValue)\" data-alarm=\"\(HTMLText.escape(alarm.name))\"><td>\(HTMLText.escape(alarm.name))</td><td>\(alarm.state.rawValue)</td>"
                + "<td>\(HTMLText.escape(alarm.since ?? ""))</td><td style=\"text-align:left;white-space:normal\">\(HTMLText.escape(alarm.summary))</td></tr>\n"
        }.joined()
        return """
            <section class="alarms"><h2>Alarms</h2><div class="scroll"><table class="alarms">
            <thead><tr><th>alarm</th><th>state</th><th>since</th><th style="text-align:left">summary</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></div></section>
            """
    }

    func recovery() -> String {
        let totals = self.funnel.totals
        return """
            <section class="recovery"><h2>Recovery</h2><dl class="summary">
            <div><dt>recovered (redriven, replayed)</dt><dd>\(FigureText.count(totals.recovered))</dd></div>
            <div><dt>recoverable (dead-lettered, not redriven)</dt><dd>\(FigureText.count(totals.recoverable))</dd></div>
            <div><dt>net missing</dt><dd>\(FigureText.count(totals.netMissing))</dd></div>
            <div><dt>delivery ratio once redriven</dt><dd>\(FigureText.percent(totals.recoverableDeliveryRatio))</dd></div>
            </dl></section>
            """
    }

    func comparisonSection() -> String {
        guard !self.comparisons.isEmpty else { return "" }
        let rows = self.comparisons.map { report in
            "<tr data-comparison=\"\(HTMLText.escape(report.name))\"><td>\(HTMLText.escape(report.name))</td><td>\(HTMLText.escape(report.baseline.pipeline))</td>"
                + "<td>\(FigureText.percent(report.baseline.deliveryRatio))</td><td>\(HTMLText.escape(report.candidate.pipeline))</td>"
                + "<td>\(FigureText.percent(report.candidate.deliveryRatio))</td><td>\(FigureText.count(report.backfillEvents))</td>"
                + "<td>\(FigureText.count(report.inputMismatch))</td><td style=\"text-align:left;white-space:normal\">\(HTMLText.escape(report.verdict.summary))</td></tr>\n"
        }.joined()
        return """
            <section class="comparisons"><h2>Comparisons</h2><div class="scroll"><table class="comparisons">
            <thead><tr><th>comparison</th><th>baseline</th><th>delivers</th><th>candidate</th><th>delivers</th><th>backfill</th><th>input mismatch</th><th style="text-align:left">verdict</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></div></section>
            """
    }

    func groupSection() -> String {
        guard let groups = self.groups else { return "" }
        let links = self.labels.map { #"<a href="\#(self.link(by: $0))"\#($0 == groups.label ? #" class="current""# : "")>by \#(HTMLText.escape($0))</a>"# }
        let total = self.funnel.totals.lost
        let rows = groups.grouped.groups.map { group in
            let share = total > 0 ? Double(group.totals.lost) / Double(total) : nil
            let value = group.value.isEmpty ? "(none)" : group.value
            return "<tr data-value=\"\(HTMLText.escape(group.value))\"><td>\(HTMLText.escape(value))</td>"
                + "<td data-field=\"lost\" data-value=\"\(group.totals.lost)\"\(group.totals.lost > 0 ? #" class="bad""# : "")>\(FigureText.count(group.totals.lost))</td>"
                + "<td>\(FigureText.percent(share, decimals: 1))</td><td>\(FigureText.percent(group.totals.deliveryRatio))</td><td>\(FigureText.count(group.totals.ingested))</td></tr>\n"
        }.joined()
        return """
            <section class="groups"><h2>Worst \(groups.grouped.groups.count) of \(groups.grouped.groupCount) values of \(HTMLText.escape(groups.label))</h2>
            <nav class="pickers"><span>\(links.joined(separator: " "))</span></nav>
            <div class="scroll"><table class="groups">
            <thead><tr><th>\(HTMLText.escape(groups.label))</th><th>lost (settled)</th><th>share of the loss</th><th>delivery ratio</th><th>ingested</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></div></section>
            """
    }
}
