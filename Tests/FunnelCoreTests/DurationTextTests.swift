import FunnelCore
import Testing

@Suite struct DurationTextTests {
    @Test(arguments: [("500ms", 0.5), ("30s", 30), ("5m", 300), ("1h30m", 5400), ("72h", 259_200), ("1d", 86_400), ("0", 0)])
    func parsesPrometheusDurations(text: String, seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "5", "5x", "m", "-5s", "1h 5"])
    func refusesOtherText(text: String) {
        #expect(DurationText.seconds(text) == nil)
    }

    @Test func formatsCompactly() {
        #expect(DurationText.format(seconds: 90) == "1m30s")
        #expect(DurationText.format(seconds: 259_200) == "72h")
    }
}
