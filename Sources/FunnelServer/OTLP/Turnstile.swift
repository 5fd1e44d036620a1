import Synchronization

/// Lets one task through at a time, in the order they arrived: what a cumulative OTLP request holds from reading
/// its streams' positions until its counts are stored and the positions moved, so two requests of the same stream
/// never both count the difference from the same position.
final class Turnstile: Sendable {
    private struct State {
        var occupied = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var head = 0
    }

    private let state = Mutex(State())

    /// Runs `body` once every task that entered before has left.
    func pass<Result: Sendable>(_ body: () async throws -> Result) async rethrows -> Result {
        await self.enter()
        defer { self.leave() }
        return try await body()
    }

    private func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = self.state.withLock { state -> Bool in
                guard state.occupied else {
                    state.occupied = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if admitted { continuation.resume() }
        }
    }

    private func leave() {
        let next = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.head < state.waiting.count else {
                state.occupied = false
                state.waiting.removeAll(keepingCapacity: true)
                state.head = 0
                return nil
            }
            let next = state.waiting[state.head]
            state.head += 1
            if state.head >= 64, state.head * 2 >= state.waiting.count {
                state.waiting.removeFirst(state.head)
                state.head = 0
            }
            return next
        }
        next?.resume()
    }
}
