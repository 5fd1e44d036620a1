import FunnelCore
import Testing

@Suite struct TimeParameterTests {
    @Test(arguments: [
        ("0", 0),
        ("1764000000", 1_764_000_000_000),
        ("1764000000.2509", 1_764_000_000_250),
        ("253402300799.999", 253_402_300_799_999),
        ("2026-11-26T10:15:00.250Z", 1_795_688_100_250),
        ("2026-11-26T11:15:00+01:00", 1_795_688_100_000),
        ("1970-01-01T00:00:00Z", 0),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
    ] as [(String, Int64)])
    func readsRFC3339AndUnixSeconds(text: String, millis: Int64) throws {
        #expect(try TimeParameter.millis(text, name: "from") == millis)
    }

    @Test(arguments: [
        "1e16", "1e308", "-1", "nan", "inf", "0x10", "+1", " 1", "1.", ".", "", "9223372036854775807",
        String(repeating: "1", count: 100), "253402300800", "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:59-00:01",
        "0000-01-01T00:00:00+23:59", "10000-01-01T00:00:00Z",
    ])
    func refusesOthersNamingTheParameter(text: String) {
        #expect(throws: TimeParameterError(name: "to", value: text)) { try TimeParameter.millis(text, name: "to") }
        #expect(TimeParameterError(name: "to", value: text).description.hasPrefix("to: "))
    }

    @Test(arguments: [0, 1, 999, 1_795_688_100_250, 253_402_300_799_999] as [Int64])
    func writtenTimesReadBack(millis: Int64) throws {
        #expect(try TimeParameter.millis(EventTimestamp.formatRFC3339(millis: millis), name: "from") == millis)
    }
}
