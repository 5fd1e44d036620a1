import Foundation

/// What the shards' own APIs say, pipeline by pipeline: the figures every shard-wide query is held to.
struct ShardFigures {
    /// `GET /api/v1/funnel?pipeline=P` of the shard that owns each pipeline.
    var funnels: [String: [String: Any]]
    /// `GET /api/v1/funnel?pipeline=P&by=version`, for the pipelines that declare the label.
    var versionGroups: [String: [[String: Any]]]
    /// `GET /api/v1/comparisons/NAME`, by name.
    var comparisons: [String: [String: Any]]
    /// Each shard's `HOST:PORT`, as Prometheus labels its series `instance`.
    var instances: [String]

    var pipelines: [String] { self.funnels.keys.sorted() }

    func stages(_ pipeline: String) -> [[String: Any]] { self.funnels[pipeline]?["stages"] as? [[String: Any]] ?? [] }
    func hops(_ pipeline: String) -> [[String: Any]] { self.funnels[pipeline]?["transit"] as? [[String: Any]] ?? [] }
    func totals(_ pipeline: String) -> [String: Any] { self.funnels[pipeline]?["totals"] as? [String: Any] ?? [:] }

    /// A number of a JSON object, integer or not; NaN when it is missing, so a missing figure never matches.
    static func number(_ object: [String: Any], _ key: String) -> Double {
        if let integer = object[key] as? Int { return Double(integer) }
        return object[key] as? Double ?? .nan
    }

    /// `figure` of every stage, keyed by pipeline and stage.
    func perStage(_ figure: ([String: Any]) -> Double) -> [[String: String]: Double] {
        var values: [[String: String]: Double] = [:]
        for pipeline in self.pipelines {
            for stage in self.stages(pipeline) {
                values[["pipeline": pipeline, "stage": stage["name"] as? String ?? ""]] = figure(stage)
            }
        }
        return values
    }

    /// Each outcome's count of every stage (`settled` ones or all), keyed by pipeline, stage and outcome.
    func perOutcome(settled: Bool, outcomes: [String]) -> [[String: String]: Double] {
        var values: [[String: String]: Double] = [:]
        for pipeline in self.pipelines {
            for stage in self.stages(pipeline) {
                let counts = settled ? stage["settled"] as? [String: Any] ?? [:] : stage
                for outcome in outcomes {
                    values[["pipeline": pipeline, "stage": stage["name"] as? String ?? "", "outcome": outcome]] = Self.number(counts, outcome)
                }
            }
        }
        return values
    }

    /// `figure` of every hop, keyed by pipeline, `from_stage` and `to_stage`.
    func perHop(_ figure: ([String: Any]) -> Double) -> [[String: String]: Double] {
        var values: [[String: String]: Double] = [:]
        for pipeline in self.pipelines {
            for hop in self.hops(pipeline) {
                values[["pipeline": pipeline, "from_stage": hop["from"] as? String ?? "", "to_stage": hop["to"] as? String ?? ""]] = figure(hop)
            }
        }
        return values
    }

    /// `figure` of every pipeline's totals, keyed by pipeline.
    func perPipeline(_ figure: ([String: Any]) -> Double) -> [[String: String]: Double] {
        Dictionary(uniqueKeysWithValues: self.pipelines.map { (["pipeline": $0], figure(self.totals($0))) })
    }

    /// The sum of `figure` over every stage of every shard.
    func stageSum(_ field: String) -> Double {
        self.perStage { Self.number($0, field) }.values.reduce(0, +)
    }

    /// The sum of `figure` over every hop of every shard.
    func hopSum(_ field: String) -> Double {
        self.perHop { Self.number($0, field) }.values.reduce(0, +)
    }

    /// The sum of a totals figure over every pipeline of every shard.
    func totalSum(_ field: String) -> Double {
        self.perPipeline { Self.number($0, field) }.values.reduce(0, +)
    }
}
