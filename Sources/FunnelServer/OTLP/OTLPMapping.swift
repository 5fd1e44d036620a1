import FunnelCore

/// Maps an OTLP metrics export onto Funnel's entries: `funnel.events` sums to counts, `funnel.latency` histograms
/// to a stage's latencies, `funnel.dlq.depth` gauges to DLQ depths; every other metric is ignored.
///
/// Pure: the cumulative points it returns are still totals, which ``CumulativeStreams`` turns into differences.
/// A point that names a Funnel metric but cannot be taken (a missing attribute, a bad name, a value that is not a
/// count) is counted in ``OTLPMappedMetrics/rejected`` with what was wrong; the rest of the request still maps.
enum OTLPMapping {
    static let eventsMetric = "funnel.events"
    static let latencyMetric = "funnel.latency"
    static let depthMetric = "funnel.dlq.depth"
    /// The most exponential buckets of one point Funnel reads (the OTLP SDKs default to 160).
    static let maximumExponentialBuckets = 4096
    /// The most explicit buckets of one point Funnel reads.
    static let maximumExplicitBuckets = 1024

    /// The entries of `request`; `declaredLabels` holds the labels of each pipeline that declares some, read from
    /// attributes of the same names.
    static func map(_ request: OTLPExportRequest, declaredLabels: [String: [String]] = [:]) -> OTLPMappedMetrics {
        var mapped = OTLPMappedMetrics()
        for (r, resourceMetrics) in request.resourceMetrics.enumerated() {
            let resource = resourceMetrics.resource.attributes
            for (s, scopeMetrics) in resourceMetrics.scopeMetrics.enumerated() {
                for (m, metric) in scopeMetrics.metrics.enumerated() {
                    guard [Self.eventsMetric, Self.latencyMetric, Self.depthMetric].contains(metric.name) else {
                        mapped.ignored += Self.pointCount(metric)
                        continue
                    }
                    let identity = OTLPStreamIdentity(resource: resource, scope: scopeMetrics.scope, metricName: metric.name)
                    let context = MetricContext(metric: metric, resource: resource, identity: identity, resource: r, scope: s, metric: m)
                    switch metric.name {
                    case Self.eventsMetric: Self.mapEvents(context, declaredLabels: declaredLabels, into: &mapped)
                    case Self.latencyMetric: Self.mapLatency(context, into: &mapped)
                    default: Self.mapDepth(context, into: &mapped)
                    }
                }
            }
        }
        return mapped
    }

    /// What every point of one metric shares.
    private struct MetricContext {
        var metric: OTLPMetric
        var resource: [OTLPKeyValue]
        var identity: OTLPStreamIdentity
        var resourceIndex: Int
        var scopeIndex: Int
        var metricIndex: Int

        init(metric: OTLPMetric, resource: [OTLPKeyValue], identity: OTLPStreamIdentity, resource r: Int, scope s: Int, metric m: Int) {
            self.metric = metric
            self.resource = resource
            self.identity = identity
            self.resourceIndex = r
            self.scopeIndex = s
            self.metricIndex = m
        }

        /// `resource_metrics[r].scope_metrics[s].metrics[m]`.
        var location: String { "resource_metrics[\(self.resourceIndex)].scope_metrics[\(self.scopeIndex)].metrics[\(self.metricIndex)]" }

        func location(_ data: String, point: Int) -> OTLPPointLocation {
            OTLPPointLocation(
                metricName: self.metric.name, resource: self.resourceIndex, scope: self.scopeIndex, metric: self.metricIndex, data: data, point: point
            )
        }

        func attributes(_ point: [OTLPKeyValue]) -> OTLPPointAttributes {
            OTLPPointAttributes(point: point, resource: self.resource)
        }
    }

    // MARK: funnel.events

    private static func mapEvents(_ context: MetricContext, declaredLabels: [String: [String]], into mapped: inout OTLPMappedMetrics) {
        let name = context.metric.name
        guard case .sum(let sum) = context.metric.data else {
            Self.refuseAll(context, "\(name) must be a monotonic Sum (an OpenTelemetry Counter), got \(Self.kind(context.metric))", into: &mapped)
            return
        }
        guard sum.isMonotonic else {
            Self.refuseAll(context, "\(name) must be monotonic (a Counter, not an UpDownCounter)", into: &mapped)
            return
        }
        guard let temporality = Self.temporality(sum.aggregationTemporality) else {
            Self.refuseAll(context, "\(name): aggregation_temporality must be DELTA or CUMULATIVE", into: &mapped)
            return
        }
        for (index, point) in sum.dataPoints.enumerated() {
            let location = context.location("sum", point: index)
            if point.flags & 1 != 0 {
                mapped.ignored += 1
                continue
            }
            let attributes = context.attributes(point.attributes)
            do throws(OTLPPointProblem) {
                let pipeline = try attributes.name("pipeline")
                let stage = try attributes.name("stage")
                let outcomeName = try attributes.string("outcome")
                guard let outcome = Outcome(name: outcomeName) else {
                    throw OTLPPointProblem(
                        "attribute \"outcome\": \(String(reflecting: outcomeName)) is not an outcome (\(Outcome.allCases.map(\.name).joined(separator: ", ")))"
                    )
                }
                let value = try Self.count(point)
                mapped.counts.append(
                    OTLPCountPoint(
                        pipeline: pipeline, stage: stage, outcome: outcome, labels: declaredLabels[pipeline].map(attributes.labels) ?? [:],
                        eventTimeMillis: try attributes.eventTimeMillis() ?? Self.millis(point.timeUnixNano),
                        temporality: temporality, stream: context.identity.stream(attributes: point.attributes),
                        startNanos: point.startTimeUnixNano, timeNanos: point.timeUnixNano, value: value, location: location
                    )
                )
            } catch {
                mapped.rejected.add("\(location): \(error.problem)")
            }
        }
    }

    /// A sum point's value as a count: a whole number from 0 to ``ReportBodyParser/maximumCount``.
    private static func count(_ point: OTLPNumberPoint) throws(OTLPPointProblem) -> UInt64 {
        switch point.value {
        case .asInt(let value):
            guard value >= 0, UInt64(value) <= ReportBodyParser.maximumCount else {
                throw OTLPPointProblem("value: must be a count from 0 to \(ReportBodyParser.maximumCount), got \(value)")
            }
            return UInt64(value)
        case .asDouble(let value):
            guard let whole = UInt64(exactly: value), whole <= ReportBodyParser.maximumCount else {
                throw OTLPPointProblem("value: must be a whole count from 0 to \(ReportBodyParser.maximumCount), got \(value)")
            }
            return whole
        case nil:
            throw OTLPPointProblem("value: the point has neither as_int nor as_double")
        }
    }

    // MARK: funnel.latency

    private static func mapLatency(_ context: MetricContext, into mapped: inout OTLPMappedMetrics) {
        let name = context.metric.name
        let millisPerUnit: Double
        switch context.metric.unit {
        case "ms": millisPerUnit = 1
        case "s": millisPerUnit = 1000
        default:
            Self.refuseAll(context, "\(name): unit must be \"ms\" or \"s\", got \(String(reflecting: context.metric.unit))", into: &mapped)
            return
        }
        switch context.metric.data {
        case .histogram(let histogram):
            guard let temporality = Self.temporality(histogram.aggregationTemporality) else {
                Self.refuseAll(context, "\(name): aggregation_temporality must be DELTA or CUMULATIVE", into: &mapped)
                return
            }
            for (index, point) in histogram.dataPoints.enumerated() {
                let location = context.location("histogram", point: index)
                if point.flags & 1 != 0 {
                    mapped.ignored += 1
                    continue
                }
                let attributes = context.attributes(point.attributes)
                do throws(OTLPPointProblem) {
                    let bounds = point.explicitBounds
                    guard bounds.count <= Self.maximumExplicitBuckets else {
                        throw OTLPPointProblem("explicit_bounds: at most \(Self.maximumExplicitBuckets) bounds, got \(bounds.count)")
                    }
                    guard point.bucketCounts.count == bounds.count + 1 else {
                        throw OTLPPointProblem("bucket_counts: must have one more entry than explicit_bounds (\(bounds.count + 1)), got \(point.bucketCounts.count)")
                    }
                    guard bounds.allSatisfy(\.isFinite), zip(bounds, bounds.dropFirst()).allSatisfy({ $0 < $1 }) else {
                        throw OTLPPointProblem("explicit_bounds: must be finite and increasing")
                    }
                    let buckets = OTLPLatencyBuckets.explicit(
                        bounds: bounds, counts: point.bucketCounts, min: point.hasMin ? point.min : nil, max: point.hasMax ? point.max : nil
                    )
                    mapped.latencies.append(
                        try Self.latencyPoint(
                            attributes, context, temporality: temporality, attributesList: point.attributes, start: point.startTimeUnixNano,
                            time: point.timeUnixNano, buckets: buckets, millisPerUnit: millisPerUnit, location: location
                        )
                    )
                } catch {
                    mapped.rejected.add("\(location): \(error.problem)")
                }
            }
        case .exponentialHistogram(let histogram):
            guard let temporality = Self.temporality(histogram.aggregationTemporality) else {
                Self.refuseAll(context, "\(name): aggregation_temporality must be DELTA or CUMULATIVE", into: &mapped)
                return
            }
            for (index, point) in histogram.dataPoints.enumerated() {
                let location = context.location("exponential_histogram", point: index)
                if point.flags & 1 != 0 {
                    mapped.ignored += 1
                    continue
                }
                let attributes = context.attributes(point.attributes)
                do throws(OTLPPointProblem) {
                    guard (-10...20).contains(point.scale) else { throw OTLPPointProblem("scale: must be from -10 to 20, got \(point.scale)") }
                    let counts = point.positive.bucketCounts
                    guard counts.count <= Self.maximumExponentialBuckets else {
                        throw OTLPPointProblem("positive.bucket_counts: at most \(Self.maximumExponentialBuckets) buckets, got \(counts.count)")
                    }
                    let buckets = OTLPLatencyBuckets.exponential(scale: point.scale, offset: point.positive.offset, counts: counts, zeroCount: point.zeroCount)
                    mapped.latencies.append(
                        try Self.latencyPoint(
                            attributes, context, temporality: temporality, attributesList: point.attributes, start: point.startTimeUnixNano,
                            time: point.timeUnixNano, buckets: buckets, millisPerUnit: millisPerUnit, location: location
                        )
                    )
                } catch {
                    mapped.rejected.add("\(location): \(error.problem)")
                }
            }
        default:
            Self.refuseAll(context, "\(name) must be a Histogram or an ExponentialHistogram, got \(Self.kind(context.metric))", into: &mapped)
        }
    }

    private static func latencyPoint(
        _ attributes: OTLPPointAttributes, _ context: MetricContext, temporality: OTLPTemporality, attributesList: [OTLPKeyValue],
        start: UInt64, time: UInt64, buckets: OTLPLatencyBuckets, millisPerUnit: Double, location: OTLPPointLocation
    ) throws(OTLPPointProblem) -> OTLPLatencyPoint {
        OTLPLatencyPoint(
            pipeline: try attributes.name("pipeline"), stage: try attributes.name("stage"),
            eventTimeMillis: try attributes.eventTimeMillis() ?? Self.millis(time), temporality: temporality,
            stream: context.identity.stream(attributes: attributesList), startNanos: start, timeNanos: time,
            buckets: buckets, millisPerUnit: millisPerUnit, location: location
        )
    }

    // MARK: funnel.dlq.depth

    private static func mapDepth(_ context: MetricContext, into mapped: inout OTLPMappedMetrics) {
        let name = context.metric.name
        let points: [OTLPNumberPoint]
        let kind: String
        switch context.metric.data {
        case .gauge(let gauge):
            points = gauge.dataPoints
            kind = "gauge"
        case .sum(let sum) where !sum.isMonotonic && sum.aggregationTemporality == .cumulative:
            points = sum.dataPoints
            kind = "sum"
        default:
            Self.refuseAll(context, "\(name) must be a Gauge (or a cumulative UpDownCounter), got \(Self.kind(context.metric))", into: &mapped)
            return
        }
        for (index, point) in points.enumerated() {
            let location = context.location(kind, point: index)
            if point.flags & 1 != 0 {
                mapped.ignored += 1
                continue
            }
            let attributes = context.attributes(point.attributes)
            do throws(OTLPPointProblem) {
                let depth: UInt64
                switch point.value {
                case .asInt(let value) where value >= 0 && UInt64(value) <= ReportBodyParser.maximumDepth: depth = UInt64(value)
                case .asDouble(let value) where UInt64(exactly: value).map({ $0 <= ReportBodyParser.maximumDepth }) == true: depth = UInt64(value)
                default: throw OTLPPointProblem("value: must be a whole depth from 0 to \(ReportBodyParser.maximumDepth)")
                }
                let report = QueueDepthReport(
                    pipeline: try attributes.name("pipeline"), queue: try attributes.name("queue"), depth: depth,
                    timeMillis: Self.millis(point.timeUnixNano)
                )
                mapped.depths.append((report, location))
            } catch {
                mapped.rejected.add("\(location): \(error.problem)")
            }
        }
    }

    // MARK: Helpers

    private static func temporality(_ temporality: Opentelemetry_Proto_Metrics_V1_AggregationTemporality) -> OTLPTemporality? {
        switch temporality {
        case .delta: .delta
        case .cumulative: .cumulative
        default: nil
        }
    }

    /// Unix milliseconds of a point's time, or nil when it is unset.
    private static func millis(_ nanos: UInt64) -> Int64? {
        nanos == 0 ? nil : Int64(nanos / 1_000_000)
    }

    private static func refuseAll(_ context: MetricContext, _ problem: @autoclosure () -> String, into mapped: inout OTLPMappedMetrics) {
        mapped.rejected.add("\(context.location): \(problem())", times: Self.pointCount(context.metric))
    }

    private static func pointCount(_ metric: OTLPMetric) -> Int {
        switch metric.data {
        case .gauge(let gauge): gauge.dataPoints.count
        case .sum(let sum): sum.dataPoints.count
        case .histogram(let histogram): histogram.dataPoints.count
        case .exponentialHistogram(let histogram): histogram.dataPoints.count
        case .summary(let summary): summary.dataPoints.count
        case nil: 0
        }
    }

    private static func kind(_ metric: OTLPMetric) -> String {
        switch metric.data {
        case .gauge: "a Gauge"
        case .sum(let sum): sum.isMonotonic ? "a monotonic Sum" : "a non-monotonic Sum"
        case .histogram: "a Histogram"
        case .exponentialHistogram: "an ExponentialHistogram"
        case .summary: "a Summary"
        case nil: "a metric without data"
        }
    }
}
