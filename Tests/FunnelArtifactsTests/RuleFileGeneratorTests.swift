import Foundation
import FunnelArtifacts
import FunnelCore
import Testing

@Suite struct RuleFileGeneratorTests {
    static let orders = PipelineDefinition(name: "orders", stages: ["ingest", "process", "deliver"])

    @Test func transitLossAlarmWithoutToCoversTheHopToTheNextStage() {
        let alarm = AlarmRule(
            name: "hop", kind: .transitLoss(pipeline: "orders", from: "process", to: nil, windowSeconds: 3600),
            condition: AlarmCondition(.above, 0.005)
        )
        let rules = RuleFileGenerator(pipelines: [Self.orders], alarms: [alarm]).render()
        #expect(rules.contains(#"funnel:transit_loss_ratio:1h{pipeline="orders",from_stage="process",to_stage="deliver"} > 0.005"#))
        #expect(rules.contains(#"funnel:transit_loss_ratio:1h{pipeline="orders",from_stage!~"process"} > 0.001"#))
        #expect(rules.contains("(threshold 0.5%)"))
    }

    @Test func alarmsOfOtherPipelinesAndKindsLeaveThresholdsAlone() {
        let alarms = [
            AlarmRule(name: "b", kind: .silentLoss(pipeline: "billing", stage: "charge", windowSeconds: 3600), condition: AlarmCondition(.above, 0.5)),
            AlarmRule(name: "s", kind: .stalled(pipeline: "orders", stage: "deliver", windowSeconds: 300), condition: AlarmCondition(.above, 0)),
        ]
        let rules = RuleFileGenerator(pipelines: [Self.orders], alarms: alarms).render()
        #expect(rules.contains(#"funnel:stage_silent_loss_ratio:1h{pipeline="orders"} > 0.001"#))
        #expect(!rules.contains("> 0.5"))
    }

    @Test(arguments: [(0.001, "0.1%"), (0.99, "99%"), (0.025, "2.5%"), (1, "100%")])
    func thresholdsReadAsPercentages(ratio: Double, text: String) {
        #expect(RuleFileGenerator.percent(ratio) == text)
    }

    @Test func regexAlternativesEscapeNames() {
        #expect(RuleFileGenerator.alternatives(["a.b", "c"]) == #"a\.b|c"#)
        #expect(RuleFileGenerator.matcher("stage", "!~", #"a\.b"#) == #"stage!~"a\\.b""#)
    }

    @Test func configAlarmsKeepTheirForLabelsAndRunbook() {
        let alarm = AlarmRule(
            name: "process-loss", kind: .silentLoss(pipeline: "orders", stage: "process", windowSeconds: 3600), condition: AlarmCondition(.above, 0.02),
            forSeconds: 90, labels: ["severity": "critical", "team": "payments", "stage": "ignored"],
            annotations: ["runbook_url": "https://wiki.example.com/orders#loss"]
        )
        let rules = RuleFileGenerator(pipelines: [Self.orders], alarms: [alarm]).render()
        let block = Self.alert("FunnelStageSilentLoss", containing: #"stage="process"} > 0.02"#, in: rules)
        #expect(block.contains("for: 1m30s\n"))
        #expect(block.contains("severity: \"critical\"\n"))
        #expect(block.contains("team: \"payments\"\n"))
        #expect(block.contains("alarm: \"process-loss\"\n"))
        #expect(block.contains("stage: \"process\"\n"), "the scope's own label wins over the alarm's")
        #expect(!block.contains("ignored"))
        #expect(block.contains("runbook_url: \"https://wiki.example.com/orders#loss\""))
        let generic = Self.alert("FunnelStageSilentLoss", containing: #"stage!~"process"} > 0.001"#, in: rules)
        #expect(generic.contains("for: 10m\n") && generic.contains("severity: page\n") && !generic.contains("team"))
    }

    @Test func deliveryAlarmKeepsItsForAndLabels() {
        let alarm = AlarmRule(
            name: "orders-delivery", kind: .deliveryRatio(pipeline: "orders", windowSeconds: 3600), condition: AlarmCondition(.below, 0.95),
            forSeconds: 300, labels: ["team": "orders"]
        )
        let rules = RuleFileGenerator(pipelines: [Self.orders], alarms: [alarm]).render()
        let block = Self.alert("FunnelDeliveryRatioLow", containing: "< 0.95", in: rules)
        #expect(block.contains("for: 5m\n") && block.contains("team: \"orders\"") && block.contains("severity: ticket\n"))
        #expect(!Self.alert("FunnelStageStalled", containing: "orders", in: rules).contains("team"), "other alerts keep the template's labels")
    }

    @Test(arguments: [("process", "FunnelStageLatencyHigh", "funnel_stage_latency_seconds_bucket"), (nil, "FunnelEndToEndLatencyHigh", "funnel_pipeline_end_to_end_latency_seconds_bucket")])
    func latencyAlarmsBecomeAlertsOnTheirPercentileAndWindow(stage: String?, alert: String, family: String) {
        let alarm = AlarmRule(
            name: "slow", kind: .latency(pipeline: "orders", stage: stage, percentile: 99.9, window: .oneHour), condition: AlarmCondition(.above, 250),
            forSeconds: 120
        )
        let rules = RuleFileGenerator(pipelines: [Self.orders], alarms: [alarm]).render()
        let selector = stage.map { #"{pipeline="orders",stage="\#($0)"}"# } ?? #"{pipeline="orders"}"#
        let block = Self.alert(alert, containing: "histogram_quantile(0.999", in: rules)
        #expect(block.contains("\(family)\(selector)[1h]))) > 0.25\n"), "\(block)")
        #expect(block.contains("for: 2m\n") && block.contains("alarm: \"slow\""))
    }

    @Test func jobAndRunbookBaseURLReplaceTheDefaults() {
        let rules = RuleFileGenerator(pipelines: [Self.orders], job: "funnel-eu", runbookBaseURL: "https://runbooks.example.com/funnel").render()
        #expect(rules.contains(#"expr: up{job="funnel-eu"} == 0"#))
        #expect(rules.contains(#"expr: absent(up{job="funnel-eu"})"#))
        #expect(rules.contains(#"job="funnel-eu" for 10 minutes"#))
        #expect(!rules.contains(#"job="funnel""#))
        #expect(!rules.contains("github.com"))
        #expect(rules.contains("runbook_url: https://runbooks.example.com/funnel#funnelstagesilentloss"))
        #expect(rules.contains("runbook_url: https://runbooks.example.com/funnel#funneldown"))
    }

    @Test func pipelinesWithAnObjectiveGetFourBurnRatePairs() {
        var orders = Self.orders
        orders.slo = DeliverySLO(deliveryRatio: 0.9999, windowSeconds: 30 * 86_400)
        let rules = RuleFileGenerator(pipelines: [orders, PipelineDefinition(name: "clicks", stages: ["a"])]).render()
        #expect(rules.contains(#"increase(funnel_stage_settled_events_total{pipeline=~"orders",outcome="received"}[3d])"#))
        for (long, short, threshold, severity) in [("1h", "5m", "0.00144", "page"), ("6h", "30m", "0.0006", "page"), ("1d", "2h", "0.0003", "ticket"), ("3d", "6h", "0.0001", "ticket")] {
            let block = Self.alert("FunnelErrorBudgetBurn", containing: "long_window: \(long)\n", in: rules)
            #expect(block.contains(#"funnel:pipeline_undelivered_ratio:\#(long){pipeline="orders"} > \#(threshold)"#), "\(block)")
            #expect(block.contains(#"funnel:pipeline_undelivered_ratio:\#(short){pipeline="orders"} > \#(threshold)"#))
            #expect(block.contains("severity: \(severity)\n") && block.contains("short_window: \(short)\n"))
        }
        #expect(!rules.contains(#"{pipeline="clicks"} > 0.0001"#))
        #expect(!RuleFileGenerator(pipelines: [Self.orders]).render().contains("funnel-slo-recording"), "no objective, no SLO rules")
    }

    @Test func stalledAlarmComparesThePreviousStagesPassedWithTheStagesReceived() {
        let alarms = [
            AlarmRule(
                name: "stuck", kind: .stalled(pipeline: "orders", stage: "deliver", windowSeconds: 900), condition: AlarmCondition(.above, 0),
                forSeconds: 60, labels: ["team": "orders"]
            ),
            AlarmRule(name: "first", kind: .stalled(pipeline: "orders", stage: "ingest", windowSeconds: 300), condition: AlarmCondition(.above, 0)),
        ]
        let rules = RuleFileGenerator(pipelines: [Self.orders], alarms: alarms).render()
        let block = Self.alert("FunnelStageStalled", containing: "alarm: \"stuck\"", in: rules)
        #expect(block.contains(#"increase(funnel_stage_events_total{pipeline="orders",stage="process",outcome="passed"}[15m])) > 0"#), "\(block)")
        #expect(block.contains(#"increase(funnel_stage_events_total{pipeline="orders",stage="deliver",outcome="received"}[15m])) > 0"#))
        #expect(block.contains("for: 1m\n") && block.contains("stage: \"deliver\"\n") && block.contains("team: \"orders\"\n"))
        #expect(!rules.contains("alarm: \"first\""), "the first stage has no stage before it to compare with")
        #expect(rules.contains(#"funnel:transit_edge:info{pipeline="orders",to_stage!~"deliver"}"#), "the pipeline's own stall alert leaves deliver out")
    }

    @Test(arguments: [
        (AlarmKind.dlqGrowth(pipeline: "orders", stage: "process", windowSeconds: 300), 5.0, "FunnelDeadLetteringHigh",
         #"expr: sum by (pipeline) (rate(funnel_stage_events_total{pipeline="orders",stage="process",outcome="dead_lettered"}[5m])) * 60 > 5\#n"#),
        (.dlqGrowth(pipeline: "orders", stage: nil, windowSeconds: 60), 50, "FunnelDeadLetteringHigh",
         #"expr: sum by (pipeline) (rate(funnel_stage_events_total{pipeline="orders",outcome="dead_lettered"}[1m])) * 60 > 50\#n"#),
        (.dlqSourceDown(pipeline: "orders", queue: nil, source: "orders-sqs"), 0, "FunnelDLQSourceDown",
         #"expr: max by (source, kind, pipeline, queue) (funnel_dlq_source_up{pipeline="orders",source="orders-sqs"}) == 0\#n"#),
        (.watermarkLag(pipeline: "orders", stage: "deliver"), 90, "FunnelWatermarkLagHigh",
         #"expr: time() - max by (pipeline, stage) (last_over_time(funnel_stage_watermark_timestamp_seconds{pipeline="orders",stage="deliver"}[1h1m30s])) > 90\#n"#),
        (.watermarkLag(pipeline: "orders", stage: nil), 600, "FunnelWatermarkLagHigh",
         #"expr: time() - min by (pipeline) (max by (pipeline, stage) (last_over_time(funnel_stage_watermark_timestamp_seconds{pipeline="orders"}[1h10m]))) > 600\#n"#),
    ])
    func alarmKindsWithoutAGenericThresholdBecomeAlertsOfTheirOwn(kind: AlarmKind, threshold: Double, alert: String, expression: String) {
        let alarm = AlarmRule(
            name: "own", kind: kind, condition: AlarmCondition(.above, threshold), forSeconds: 120,
            labels: ["severity": "critical"], annotations: ["runbook_url": "https://wiki.example.com/own"]
        )
        let rules = RuleFileGenerator(pipelines: [Self.orders], alarms: [alarm]).render()
        let block = Self.alert(alert, containing: "alarm: \"own\"", in: rules)
        #expect(block.contains(expression), "\(block)")
        #expect(block.contains("for: 2m\n") && block.contains("severity: \"critical\"\n"))
        #expect(block.contains("runbook_url: \"https://wiki.example.com/own\""))
    }

    @Test func comparisonAlarmsMeasureBothPipelinesOverTheirWindow() {
        let migration = Comparison(name: "migration", baseline: "orders", candidate: "orders-v2")
        let candidate = PipelineDefinition(name: "orders-v2", stages: ["read", "write"])
        let alarms = [
            AlarmRule(name: "gap", kind: .comparison(migration, measure: .deliveryGap, windowSeconds: 1800), condition: AlarmCondition(.above, 0.05)),
            AlarmRule(name: "input", kind: .comparison(migration, measure: .inputMismatch, windowSeconds: 3600), condition: AlarmCondition(.above, 100)),
        ]
        let rules = RuleFileGenerator(pipelines: [Self.orders, candidate], alarms: alarms).render()
        let gap = Self.alert("FunnelComparisonDeliveryGap", containing: "alarm: \"gap\"", in: rules)
        #expect(gap.contains(#"funnel_stage_settled_events_total{pipeline="orders",stage="deliver",outcome="passed"}[30m]"#), "\(gap)")
        #expect(gap.contains(#"funnel_stage_settled_events_total{pipeline="orders-v2",stage="read",outcome="received"}[30m]"#))
        #expect(gap.contains("> 0.05\n") && gap.contains("comparison: \"migration\"") && gap.contains("baseline: \"orders\""))
        let input = Self.alert("FunnelComparisonInputMismatch", containing: "alarm: \"input\"", in: rules)
        #expect(input.contains(#"expr: max(funnel_comparison_window_input_mismatch_events{comparison="migration",window="1h"}) > 100\#n"#), "\(input)")
        #expect(input.contains("pipeline: \"orders-v2\""))
        let undeclared = RuleFileGenerator(pipelines: [candidate], alarms: alarms).render()
        #expect(!undeclared.contains("FunnelComparison"), "without the baseline's stages there is nothing to compare")
    }

    /// The alert rule named `name` whose text contains `text`.
    static func alert(_ name: String, containing text: String, in rules: String) -> String {
        let blocks = rules.components(separatedBy: "      - alert: ").dropFirst()
        return blocks.first { $0.hasPrefix(name + "\n") && $0.contains(text) }.map { "- alert: " + $0 } ?? "(no \(name) containing \(text))"
    }
}
