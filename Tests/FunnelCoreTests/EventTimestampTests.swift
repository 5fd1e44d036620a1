import FunnelCore
import Testing

@Suite struct EventTimestampTests {
    @Test(arguments: [Int64(0), 951_782_400_000, 1_795_688_100_250, -86_400_000, 4_102_444_799_999])
    func formatsAndParsesBackTheSameInstant(millis: Int64) {
        #expect(EventTimestamp.parseRFC3339(EventTimestamp.formatRFC3339(millis: millis)) == millis)
    }

    @Test func formatsUTCWithMillisecondsOnlyWhenPresent() {
        #expect(EventTimestamp.formatRFC3339(millis: 1_795_688_100_000) == "2026-11-26T10:15:00Z")
        #expect(EventTimestamp.formatRFC3339(millis: 1_795_688_100_007) == "2026-11-26T10:15:00.007Z")
    }

    @Test(arguments: ["2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-26T10:15:00", "2026-11-26 10:15", "2026-11-26T10:15:00+0100", "x"])
    func refusesWhatIsNotRFC3339(text: String) {
        #expect(EventTimestamp.parseRFC3339(text) == nil)
    }

    @Test func acceptsLeapDayAndOffsets() {
        #expect(EventTimestamp.parseRFC3339("2024-02-29T12:00:00Z") != nil)
        #expect(EventTimestamp.parseRFC3339("2026-11-26T05:15:00-05:00") == EventTimestamp.parseRFC3339("2026-11-26T10:15:00Z"))
    }
}
