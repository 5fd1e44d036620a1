import FunnelCore

/// `GET /`: every pipeline with its delivery ratio, settled loss, events in flight and firing alarms, each linking to
/// its page.
struct PipelineListPage {
    /// One pipeline's line.
    struct Row {
        var funnel: PipelineFunnel
        var firingAlarms: Int
    }

    var rows: [Row]

    func html() -> String {
        guard !self.rows.isEmpty else {
            return WebUIPage.document(
                title: "Pipelines",
                main: """
                    <h1>Pipelines</h1>
                    <section class="empty"><p>No pipeline has reported yet. Declare pipelines in the configuration, or send a first report:</p>
                    <pre>curl -X POST http://HOST:PORT/v1/reports -H 'Content-Type: application/json' \\
                      -d '{"pipeline":"orders","stage":"ingest","outcome":"received","count":1}'</pre></section>
                    """
            )
        }
        var rows = ""
        for row in self.rows {
            let funnel = row.funnel
            let name = HTMLText.escape(funnel.pipeline)
            let lostClass = funnel.totals.lost > 0 ? " bad" : ""
            rows += """
                <tr data-pipeline="\(name)"><td><a href="/ui/pipelines/\(HTMLText.urlComponent(funnel.pipeline))">\(name)</a></td>\
                <td data-field="delivery_ratio">\(FigureText.percent(funnel.totals.deliveryRatio))</td>\
                <td data-field="lost" data-value="\(funnel.totals.lost)" class="\(lostClass)">\(FigureText.count(funnel.totals.lost))</td>\
                <td data-field="in_flight" data-value="\(funnel.totals.inFlight)">\(FigureText.count(funnel.totals.inFlight))</td>\
                <td data-field="firing_alarms" data-value="\(row.firingAlarms)" class="\(row.firingAlarms > 0 ? "bad" : "")">\(row.firingAlarms)</td></tr>

                """
        }
        return WebUIPage.document(
            title: "Pipelines",
            main: """
                <h1>Pipelines</h1>
                <section><div class="scroll"><table class="pipelines">
                <thead><tr><th>pipeline</th><th>delivery ratio (settled)</th><th>lost (settled)</th><th>in flight</th><th>firing alarms</th></tr></thead>
                <tbody>
                \(rows)</tbody></table></div></section>
                """
        )
    }
}
