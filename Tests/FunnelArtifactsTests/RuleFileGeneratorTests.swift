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
}
