import Dispatch
import FunnelServer
import Testing

@Suite struct TimeLimitTests {
    @Test func returnsAtTheLimitEvenWhenTheOperationIgnoresCancellation() async {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await TimeLimit.run(seconds: 0.2) { () -> Int in
            // Waits 20 seconds without noticing cancellation (and without holding a thread), like a hung read.
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + 20) { continuation.resume() }
            }
            return 1
        }
        let elapsed = clock.now - start
        guard case .timedOut = outcome else {
            Issue.record("expected a timeout, got \(outcome)")
            return
        }
        // The outcome alone proves it: had TimeLimit waited for the operation, the operation's 1 would have come first.
        #expect(elapsed < .seconds(20))
    }

    @Test func returnsTheResultOrErrorWithinTheLimit() async {
        let value = await TimeLimit.run(seconds: 5) { 42 }
        guard case .finished(.success(42)) = value else {
            Issue.record("expected 42, got \(value)")
            return
        }
        let failure = await TimeLimit.run(seconds: 5) { () throws -> Int in throw DLQSourceError("boom") }
        guard case .finished(.failure(let error)) = failure else {
            Issue.record("expected an error, got \(failure)")
            return
        }
        #expect(error as? DLQSourceError == DLQSourceError("boom"))
    }
}
