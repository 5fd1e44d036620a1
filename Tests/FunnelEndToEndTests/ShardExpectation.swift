import Foundation
import FunnelTesting

/// What one query of the shipped dashboard or rules must answer over three shards behind one Prometheus.
enum ShardExpectation {
    /// Exactly the shards' API figures, series by series on `labels`.
    case values(labels: [String], (ShardFigures) -> [[String: String]: Double])
    /// The shards' API counts times one factor per pipeline: Prometheus extrapolates every `increase` and `rate` of one
    /// scrape target alike, so the proportions must be the API's exactly (and the factor above zero).
    case proportional(labels: [String], (ShardFigures) -> [[String: String]: Double])
    /// The union of the same query asked of each shard alone (the dashboard's `instance` variable, or the rule's
    /// expression with `instance` pinned): no two shards' series collide, none goes missing.
    case unionOfShards
    /// The same query asked of each shard alone, summed series by series: what several shards share adds up.
    case sumOfShards
    /// `numerator` summed over the shards, over `denominator` summed over the shards (`$instance` pinned to each).
    case ratioOfShardSums(numerator: String, denominator: String)
}

/// One query to prove: the shard-wide expression, and the same pinned to each shard when it can be.
struct ShardQuery {
    var name: String
    var expression: String
    /// The expression as each shard alone answers it; nil when the query cannot be pinned (it reads recorded series).
    var perShard: [String]?
}

/// A Prometheus at a fixed evaluation time, and the shards' figures.
struct ShardProofContext {
    var prometheus: PrometheusProcess
    /// Evaluation times to try, newest first: a recorded series is compared at one evaluation of its group, and a
    /// scrape that landed while the group ran is seen by a later query but not by the rule, so an older one may be
    /// needed.
    var times: [Double]
    var figures: ShardFigures
    var instances: [String]

    /// Every mismatch of `query` against `expectation`, at the first of `times` where there is none.
    func mismatches(_ query: ShardQuery, _ expectation: ShardExpectation) async throws -> [String] {
        var first: [String]?
        for time in self.times {
            let problems = try await self.mismatches(query, expectation, at: time)
            if problems.isEmpty { return [] }
            first = first ?? problems
        }
        return first ?? []
    }

    private func mismatches(_ query: ShardQuery, _ expectation: ShardExpectation, at time: Double) async throws -> [String] {
        let actual = try await self.prometheus.query(query.expression, at: time)
        switch expectation {
        case .values(let labels, let figures):
            return Self.mismatches(query, actual, expected: figures(self.figures), labels: labels)
        case .proportional(let labels, let figures):
            return Self.proportionalMismatches(query, actual, expected: figures(self.figures), labels: labels)
        case .unionOfShards, .sumOfShards:
            guard let perShard = query.perShard else { return ["\(query.name) cannot be asked of one shard alone: \(query.expression)"] }
            var expected: [[String: String]: Double] = [:]
            var problems: [String] = []
            for expression in perShard {
                for sample in try await self.prometheus.query(expression, at: time) {
                    let labels = sample.labels.filter { $0.key != "__name__" }
                    if case .unionOfShards = expectation, expected[labels] != nil {
                        problems.append("\(query.name): series \(labels) comes from more than one shard (\(expression))")
                    }
                    expected[labels, default: 0] += sample.value
                }
            }
            return problems + Self.mismatches(query, actual, expected: expected, labels: nil)
        case .ratioOfShardSums(let numerator, let denominator):
            var sums = (numerator: 0.0, denominator: 0.0)
            for instance in self.instances {
                sums.numerator += try await self.prometheus.query(DashboardProof.substitute(numerator, instance: instance), at: time).map(\.value).reduce(0, +)
                sums.denominator += try await self.prometheus.query(DashboardProof.substitute(denominator, instance: instance), at: time).map(\.value).reduce(0, +)
            }
            guard sums.denominator > 0 else { return ["\(query.name): the shards' denominator is 0 (\(denominator))"] }
            return Self.mismatches(query, actual, expected: [[:]: sums.numerator / sums.denominator], labels: [])
        }
    }

    /// Samples keyed by `labels` (every label when nil); a key two samples share is a collision.
    static func keyed(_ query: ShardQuery, _ samples: [PrometheusProcess.Sample], labels: [String]?) -> ([[String: String]: Double], [String]) {
        var values: [[String: String]: Double] = [:]
        var problems: [String] = []
        for sample in samples {
            let key = labels.map { names in Dictionary(uniqueKeysWithValues: names.map { ($0, sample.labels[$0] ?? "") }) }
                ?? sample.labels.filter { $0.key != "__name__" }
            if values[key] != nil { problems.append("\(query.name): two series collide on \(key) (\(query.expression))") }
            values[key] = sample.value
        }
        return (values, problems)
    }

    static func same(_ left: Double, _ right: Double) -> Bool {
        (left.isNaN && right.isNaN) || abs(left - right) <= 1e-9 * max(1, abs(left), abs(right))
    }

    static func mismatches(_ query: ShardQuery, _ samples: [PrometheusProcess.Sample], expected: [[String: String]: Double], labels: [String]?) -> [String] {
        let (actual, collisions) = keyed(query, samples, labels: labels)
        guard Set(actual.keys) == Set(expected.keys) else {
            return collisions + ["\(query.name): series \(actual.sorted { "\($0.key)" < "\($1.key)" }) but expected \(expected.sorted { "\($0.key)" < "\($1.key)" }) (\(query.expression))"]
        }
        return collisions + expected.compactMap { key, value in
            Self.same(actual[key] ?? .nan, value) ? nil : "\(query.name) \(key): Prometheus \(actual[key] ?? .nan), expected \(value) (\(query.expression))"
        }
    }

    static func proportionalMismatches(
        _ query: ShardQuery, _ samples: [PrometheusProcess.Sample], expected: [[String: String]: Double], labels: [String]
    ) -> [String] {
        let (actual, collisions) = keyed(query, samples, labels: labels)
        guard Set(actual.keys) == Set(expected.keys) else {
            return collisions + ["\(query.name): series \(actual.keys.map { "\($0)" }.sorted()) but the API has \(expected.keys.map { "\($0)" }.sorted()) (\(query.expression))"]
        }
        var problems = collisions
        for pipeline in Set(expected.keys.compactMap { $0["pipeline"] }).sorted() {
            let keys = expected.keys.filter { $0["pipeline"] == pipeline }
            let counts = keys.map { expected[$0] ?? 0 }.reduce(0, +)
            let measured = keys.map { actual[$0] ?? 0 }.reduce(0, +)
            guard counts > 0 else {
                if measured != 0 { problems.append("\(query.name): pipeline \(pipeline) has \(measured), the API has nothing") }
                continue
            }
            let factor = measured / counts
            if !(factor > 0) { problems.append("\(query.name): pipeline \(pipeline) has no increase at all (\(query.expression))") }
            for key in keys where !Self.same(actual[key] ?? .nan, (expected[key] ?? .nan) * factor) {
                problems.append(
                    "\(query.name) \(key): Prometheus \(actual[key] ?? .nan), the API's \(expected[key] ?? .nan) times the pipeline's factor \(factor)"
                )
            }
        }
        return problems
    }
}
