import FunnelCore

/// A row per comparison at the end of the dashboard: both delivery ratios over time, and the backfill with the input
/// mismatch beside it.
extension DashboardGenerator {
    /// `text` (the dashboard) with a row per comparison appended to its panels, below every other panel.
    static func appendingComparisonRows(_ comparisons: [Comparison], to text: String) -> String {
        guard !comparisons.isEmpty, let panels = text.firstRange(of: "\n  \"panels\": ["),
            let end = text[panels.upperBound...].firstRange(of: "\n    }\n  ],")
        else { return text }
        let ids = text.matches(of: /"id": (\d+)/).compactMap { Int($0.output.1) }
        let bottoms = text.matches(of: /"h": (\d+),\s+"w": \d+,\s+"x": \d+,\s+"y": (\d+)/).compactMap { match in
            Int(match.output.1).flatMap { height in Int(match.output.2).map { $0 + height } }
        }
        var id = (ids.max() ?? 0) + 1
        var y = bottoms.max() ?? 0
        var added = ""
        for comparison in comparisons {
            let selector = "{comparison=\\\"" + Self.promQLValue(comparison.name) + "\\\"}"
            let row = "Comparison " + comparison.name + ": " + comparison.baseline + " (baseline) against " + comparison.candidate + " (candidate)"
            added += ",\n" + Self.rowPanel(id: id, title: row, y: y)
            added += ",\n" + Self.timeseriesPanel(
                id: id + 1, title: "Delivery ratio, baseline and candidate",
                description: "Delivered over ingested of each pipeline, over the buckets both have settled, within retention.",
                unit: "percentunit", x: 0, y: y + 1,
                targets: [("funnel_comparison_delivery_ratio" + selector, "{{side}}")]
            )
            added += ",\n" + Self.timeseriesPanel(
                id: id + 2, title: "Backfill and input mismatch",
                description: "Events the candidate delivered and the baseline did not (what a backfill replays), and events of input the two did not share.",
                unit: "short", x: 12, y: y + 1,
                targets: [
                    ("funnel_comparison_backfill_events" + selector, "backfill"),
                    ("funnel_comparison_input_mismatch_events" + selector, "input mismatch"),
                ]
            )
            id += 3
            y += 9
        }
        var result = text
        result.insert(contentsOf: added, at: text.index(end.lowerBound, offsetBy: "\n    }".count))
        return result
    }

    /// `value` escaped for a PromQL string inside a JSON string.
    private static func promQLValue(_ value: String) -> String {
        let promQL = value.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
        return String(Self.jsonString(promQL).dropFirst().dropLast())
    }

    private static func rowPanel(id: Int, title: String, y: Int) -> String {
        """
            {
              "type": "row",
              "id": \(id),
              "title": \(Self.jsonString(title)),
              "collapsed": false,
              "gridPos": {
                "h": 1,
                "w": 24,
                "x": 0,
                "y": \(y)
              },
              "panels": []
            }
        """
    }

    private static func timeseriesPanel(id: Int, title: String, description: String, unit: String, x: Int, y: Int, targets: [(String, String)]) -> String {
        let refIds = ["A", "B", "C", "D"]
        let queries = targets.enumerated().map { index, target in
            """
                    {
                      "datasource": {
                        "type": "prometheus",
                        "uid": "${DS_PROMETHEUS}"
                      },
                      "refId": "\(refIds[index % refIds.count])",
                      "expr": "\(target.0)",
                      "legendFormat": \(Self.jsonString(target.1)),
                      "range": true,
                      "instant": false,
                      "editorMode": "code"
                    }
            """
        }
        return """
                {
                  "type": "timeseries",
                  "id": \(id),
                  "title": \(Self.jsonString(title)),
                  "description": \(Self.jsonString(description)),
                  "datasource": {
                    "type": "prometheus",
                    "uid": "${DS_PROMETHEUS}"
                  },
                  "gridPos": {
                    "h": 8,
                    "w": 12,
                    "x": \(x),
                    "y": \(y)
                  },
                  "fieldConfig": {
                    "defaults": {
                      "unit": "\(unit)",
                      "min": 0,
                      "color": {
                        "mode": "palette-classic"
                      },
                      "custom": {
                        "drawStyle": "line",
                        "lineWidth": 1,
                        "fillOpacity": 10,
                        "showPoints": "never",
                        "spanNulls": false
                      }
                    },
                    "overrides": []
                  },
                  "options": {
                    "legend": {
                      "displayMode": "table",
                      "placement": "bottom",
                      "showLegend": true,
                      "calcs": [
                        "lastNotNull",
                        "min",
                        "max"
                      ]
                    },
                    "tooltip": {
                      "mode": "multi",
                      "sort": "desc"
                    }
                  },
                  "targets": [
            \(queries.joined(separator: ",\n"))
                  ]
                }
            """
    }
}
