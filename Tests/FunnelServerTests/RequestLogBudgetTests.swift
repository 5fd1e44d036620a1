@testable import FunnelServer
import Testing

/// The request log's budget: at most so many lines a window, and the count of those left out on the next line.
@Suite struct RequestLogBudgetTests {
    @Test func aFloodIsCutToTheBudgetAndTheNextWindowSaysHowManyWereLeftOut() {
        var budget = RequestLogBudget(linesPerWindow: 3, window: .seconds(1))
        let start = ContinuousClock.now
        let first = (0..<10).map { budget.admit(now: start + .milliseconds($0 * 10)) }
        #expect(first == [.write(suppressedBefore: 0), .write(suppressedBefore: 0), .write(suppressedBefore: 0)] + Array(repeating: .suppress, count: 7))
        #expect(budget.admit(now: start + .milliseconds(1_000)) == .write(suppressedBefore: 7))
        #expect(budget.admit(now: start + .milliseconds(1_010)) == .write(suppressedBefore: 0))
    }

    @Test func aQuietLogIsWrittenWhole() {
        var budget = RequestLogBudget(linesPerWindow: 100)
        let start = ContinuousClock.now
        let verdicts = (0..<300).map { budget.admit(now: start + .milliseconds($0 * 20)) }
        #expect(verdicts.allSatisfy { $0 == .write(suppressedBefore: 0) })
    }
}
