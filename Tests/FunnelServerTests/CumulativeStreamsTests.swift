@testable import FunnelServer
import FunnelCore
import Testing

/// Cumulative OTLP points to differences, without sockets.
@Suite struct CumulativeStreamsTests {
    static let stream = CumulativeStreamID(high: 1, low: 2)

    static func point(start: UInt64 = 100, time: UInt64, value: UInt64) -> OTLPCountPoint {
        OTLPCountPoint(
            pipeline: "orders", stage: "ingest", outcome: .received, eventTimeMillis: nil, temporality: .cumulative, stream: Self.stream,
            startNanos: start, timeNanos: time, value: value,
            location: OTLPPointLocation(metricName: "funnel.events", resource: 0, scope: 0, metric: 0, data: "sum", point: 0)
        )
    }

    /// Advances and keeps each point in turn; returns what each added.
    static func added(_ points: [OTLPCountPoint], streams: inout CumulativeStreams) -> [CumulativeStreams.CountAdvance] {
        points.map { point in
            var changes = CumulativeStreams.Changes()
            let advance = streams.advance(point, seenMillis: 0, changes: &changes)
            streams.keep(changes)
            return advance
        }
    }

    @Test func pointsAddTheirDifferenceAndRepeatsOrOlderPointsAddNothing() {
        var streams = CumulativeStreams(restoring: [], maximumStreams: 10, trackingSinceNanos: 0)
        let advances = Self.added(
            [
                Self.point(time: 200, value: 10), Self.point(time: 200, value: 10), Self.point(time: 300, value: 15),
                Self.point(time: 250, value: 12), Self.point(time: 400, value: 15),
            ],
            streams: &streams
        )
        #expect(advances == [.add(10), .seen, .add(5), .seen, .add(0)])
    }

    @Test func aLaterStartOrALowerTotalIsAResetCountedInFull() {
        var streams = CumulativeStreams(restoring: [], maximumStreams: 10, trackingSinceNanos: 0)
        let advances = Self.added(
            [
                Self.point(time: 200, value: 10), Self.point(start: 250, time: 300, value: 4), Self.point(start: 100, time: 350, value: 50),
                Self.point(start: 250, time: 400, value: 2), Self.point(start: 0, time: 500, value: 7),
            ],
            streams: &streams
        )
        #expect(advances == [.add(10), .add(4), .seen, .add(2), .add(5)])
    }

    @Test func restoredPositionsAreWhereTheNextPointCountsFrom() {
        let position = CumulativePosition(stream: Self.stream, startNanos: 100, timeNanos: 200, value: 10, seenMillis: 0)
        var streams = CumulativeStreams(restoring: [position], maximumStreams: 10, trackingSinceNanos: 0)
        #expect(Self.added([Self.point(time: 200, value: 10), Self.point(time: 300, value: 13)], streams: &streams) == [.seen, .add(3)])
    }

    @Test func unkeptChangesLeaveThePositionWhereItWas() {
        let streams = CumulativeStreams(restoring: [], maximumStreams: 10, trackingSinceNanos: 0)
        var changes = CumulativeStreams.Changes()
        #expect(streams.advance(Self.point(time: 200, value: 10), seenMillis: 0, changes: &changes) == .add(10))
        var retry = CumulativeStreams.Changes()
        #expect(streams.advance(Self.point(time: 200, value: 10), seenMillis: 0, changes: &retry) == .add(10))
    }

    @Test func newStreamsPastTheLimitAreRefused() {
        var streams = CumulativeStreams(restoring: [], maximumStreams: 1, trackingSinceNanos: 0)
        var other = Self.point(time: 200, value: 1)
        other.stream = CumulativeStreamID(high: 9, low: 9)
        #expect(Self.added([Self.point(time: 200, value: 1), other], streams: &streams) == [.add(1), .tooManyStreams])
    }

    @Test func exponentialBucketsAreDifferencedAcrossALowerScale() {
        // Scale 1 buckets 4 and 5 merge into scale 0 bucket 2.
        let earlier = OTLPLatencyBuckets.exponential(scale: 1, offset: 4, counts: [3, 2], zeroCount: 1)
        let current = OTLPLatencyBuckets.exponential(scale: 0, offset: 2, counts: [7, 4], zeroCount: 1)
        #expect(CumulativeStreams.difference(current, since: earlier) == .exponential(scale: 0, offset: 2, counts: [2, 4], zeroCount: 0))
        #expect(CumulativeStreams.difference(earlier, since: current) == nil)
    }

    @Test func explicitBucketsAreDifferencedUnderTheSameBounds() {
        let earlier = OTLPLatencyBuckets.explicit(bounds: [5, 10], counts: [1, 2, 0], min: nil, max: nil)
        let current = OTLPLatencyBuckets.explicit(bounds: [5, 10], counts: [1, 5, 1], min: nil, max: nil)
        #expect(CumulativeStreams.difference(current, since: earlier) == .explicit(bounds: [5, 10], counts: [0, 3, 1], min: nil, max: nil))
        #expect(CumulativeStreams.difference(.explicit(bounds: [5, 20], counts: [1, 5, 1], min: nil, max: nil), since: earlier) == nil)
    }

    @Test func anExponentialBucketStandsWithinItsRelativeBound() {
        var observations = LatencyObservations()
        // Scale 3: base 2^(1/8); bucket 24 is (8, 8·2^(1/8)] ms.
        OTLPLatencyBuckets.exponential(scale: 3, offset: 24, counts: [5], zeroCount: 0).record(into: &observations, millisPerUnit: 1)
        let base = 1.0905077326652577
        #expect(observations.sketch.count == 5)
        let value = observations.sketch.max
        #expect(value > 8 && value < 8 * base)
        #expect(abs(value - 8) / value <= (base - 1) / (base + 1) + 1e-12)
    }
}
