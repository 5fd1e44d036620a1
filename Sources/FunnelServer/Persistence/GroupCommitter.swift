import Synchronization

/// Group commit: requests that arrive while a transaction is being written wait and are written together in the
/// next one, so many concurrent requests share one sync to disk.
final class GroupCommitter: Sendable {
    private struct Waiting {
        var commit: PendingCommit
        var continuation: CheckedContinuation<CommitOutcome, any Error>
    }

    private struct State {
        var queue: [Waiting] = []
        var writing = false
    }

    private let store: FunnelStore
    private let state = Mutex(State())
    /// The most requests written in one transaction.
    private let maximumGroup: Int

    init(store: FunnelStore, maximumGroup: Int = 256) {
        self.store = store
        self.maximumGroup = maximumGroup
    }

    /// Writes the batch (in a group with others waiting) and returns its outcome once it is stored.
    func commit(_ commit: PendingCommit) async throws -> CommitOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let startWriter = self.state.withLock { state -> Bool in
                state.queue.append(Waiting(commit: commit, continuation: continuation))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if startWriter {
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while true {
            let group = self.state.withLock { state -> [Waiting] in
                let group = Array(state.queue.prefix(self.maximumGroup))
                state.queue.removeFirst(group.count)
                if group.isEmpty { state.writing = false }
                return group
            }
            guard !group.isEmpty else { return }
            do {
                let outcomes = try await self.store.commit(group.map(\.commit))
                for (waiting, outcome) in zip(group, outcomes) { waiting.continuation.resume(returning: outcome) }
            } catch {
                let failure = StorageError(error, path: self.store.path)
                for waiting in group { waiting.continuation.resume(throwing: failure) }
            }
        }
    }
}
