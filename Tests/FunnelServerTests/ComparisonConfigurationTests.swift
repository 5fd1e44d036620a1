import FunnelCore
import FunnelServer
import Testing

@Suite struct ComparisonConfigurationTests {
    static let comparison = """
        comparisons:
          - name: orders-migration
            baseline: orders-v1
            candidate: orders-v2

        """

    @Test func readsTheIssuesExample() throws {
        let configuration = try FunnelConfiguration(yaml: Self.comparison)
        #expect(configuration.comparisons == [Comparison(name: "orders-migration", baseline: "orders-v1", candidate: "orders-v2")])
    }

    @Test(arguments: [
        ("comparisons:\n  - name: self\n    baseline: orders\n    candidate: orders\n", 4, "comparisons[0].candidate", "compares orders with itself"),
        ("comparisons:\n  - name: m\n    baseline: a\n    candidate: b\n    shadow: true\n", 5, "comparisons[0].shadow", "unknown key"),
        ("comparisons:\n  - baseline: a\n    candidate: b\n", 2, "comparisons[0]", "needs a name"),
        ("comparisons:\n  - name: m\n    candidate: b\n", 2, "comparisons[0]", "needs a baseline"),
        ("comparisons:\n  - name: m\n    baseline: a\n", 2, "comparisons[0]", "needs a candidate"),
        ("comparisons:\n  - name: m\n    baseline: a\n    candidate: 'b c'\n", 4, "comparisons[0].candidate", "may only contain"),
        ("comparisons:\n  - {name: m, baseline: a, candidate: b}\n  - {name: m, baseline: c, candidate: d}\n", 3, "comparisons[1].name", "declared twice"),
        (
            comparison + "alarms:\n  - name: worse\n    kind: comparison\n    comparison: nope\n    below_baseline_by: 0.01\n", 8,
            "alarms[0].comparison", "no comparison named \"nope\""
        ),
        (
            comparison + "alarms:\n  - name: worse\n    kind: comparison\n    comparison: orders-migration\n", 6, "alarms[0]",
            "needs below_baseline_by (a ratio) or input_mismatch_above"
        ),
        (
            comparison + "alarms:\n  - name: worse\n    kind: comparison\n    comparison: orders-migration\n    below_baseline_by: 0.01\n    input_mismatch_above: 10\n",
            6, "alarms[0]", "takes one of below_baseline_by and input_mismatch_above"
        ),
        (
            comparison + "alarms:\n  - name: worse\n    kind: comparison\n    comparison: orders-migration\n    below_baseline_by: 5\n", 9,
            "alarms[0].below_baseline_by", "must be a ratio"
        ),
        (
            comparison + "alarms:\n  - name: worse\n    kind: comparison\n    pipeline: orders-v2\n    comparison: orders-migration\n    below_baseline_by: 0.01\n", 8,
            "alarms[0].pipeline", "unknown key"
        ),
    ])
    func errorsNameTheLineAndKey(yaml: String, line: Int, key: String, message: String) {
        #expect {
            _ = try FunnelConfiguration(yaml: yaml, file: "funnel.yml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == line && error.key == key && error.message.contains(message)
        }
    }

    @Test func aComparisonAlarmTakesTheGapOrTheMismatchBound() throws {
        let configuration = try FunnelConfiguration(yaml: Self.comparison + """
            alarms:
              - name: candidate-worse
                kind: comparison
                comparison: orders-migration
                below_baseline_by: 0.001
                window: 30m
              - name: duplication-broken
                kind: comparison
                comparison: orders-migration
                input_mismatch_above: 100
            """)
        let comparison = configuration.comparisons[0]
        #expect(configuration.alarms.map(\.kind) == [
            .comparison(comparison, measure: .deliveryGap, windowSeconds: 1800), .comparison(comparison, measure: .inputMismatch, windowSeconds: 3600),
        ])
        #expect(configuration.alarms.map(\.condition) == [AlarmCondition(.above, 0.001), AlarmCondition(.above, 100)])
        #expect(configuration.alarms[0].notificationLabels == [
            "alertname": "candidate-worse", "kind": "comparison", "pipeline": "orders-v2", "comparison": "orders-migration", "baseline": "orders-v1",
            "severity": "warning",
        ])
    }
}
