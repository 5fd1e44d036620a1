import FunnelCore
public import ServiceLifecycle
import Synchronization

/// Group commit: batches that arrive while a transaction is being written wait and are written together in the
/// next one, so many concurrent ingests share one sync to disk; once a transaction is durable, its batches are
/// applied to the ledger in the order they were written.
///
/// Writing and applying in one place keeps the ledger's order of new pipelines and stages the order the database
/// stores them in, so a restart restores the same order. A `Service`: it writes until graceful shutdown, then
/// writes what is still queued and refuses what comes later.
public final class GroupCommitter: Service {
    private struct Waiting {
        var commit: PendingCommit
        var continuation: CheckedContinuation<CommitOutcome, any Error>
    }

    private struct State {
        var queue: CommitQueue<Waiting>
        /// The run loop, waiting for work.
        var idle: CheckedContinuation<Void, Never>?
    }

    private let store: FunnelStore
    private let ledger: LiveLedger
    private let state: Mutex<State>

    /// `maximumGroup` is the most batches written in one transaction.
    init(store: FunnelStore, ledger: LiveLedger, maximumGroup: Int = 256) {
        self.store = store
        self.ledger = ledger
        self.state = Mutex(State(queue: CommitQueue(maximumGroup: maximumGroup)))
    }

    /// Writes the batch (in a group with others waiting), applies it once it is durable and returns its outcome.
    ///
    /// The batch must be held in the ``LiveLedger``'s pending admissions: it is applied and released, or released
    /// when the write fails (the error is a ``StorageError``).
    func commit(_ commit: PendingCommit) async throws -> CommitOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let wake = self.state.withLock { state -> (refused: Bool, idle: CheckedContinuation<Void, Never>?) in
                guard state.queue.enqueue(Waiting(commit: commit, continuation: continuation)) else { return (true, nil) }
                defer { state.idle = nil }
                return (false, state.idle)
            }
            if wake.refused {
                self.ledger.release([commit.batch])
                continuation.resume(throwing: StorageError(kind: .unavailable, path: self.store.path, detail: "the server is shutting down"))
            }
            wake.idle?.resume()
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                while let group = await self.nextGroup() {
                    await self.write(group)
                }
            } onCancel: {
                self.close()
            }
        } onGracefulShutdown: {
            self.close()
        }
    }

    /// The next group to write, waiting for one; nil once closed with nothing left.
    private func nextGroup() async -> [Waiting]? {
        while true {
            switch self.state.withLock({ $0.queue.next() }) {
            case .write(let group): return group
            case .finished: return nil
            case .wait:
                await withCheckedContinuation { (idle: CheckedContinuation<Void, Never>) in
                    let ready = self.state.withLock { state -> Bool in
                        guard !state.queue.isReady else { return true }
                        state.idle = idle
                        return false
                    }
                    if ready { idle.resume() }
                }
            }
        }
    }

    private func close() {
        let idle = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.queue.close()
            defer { state.idle = nil }
            return state.idle
        }
        idle?.resume()
    }

    private func write(_ group: [Waiting]) async {
        let outcomes: [CommitOutcome]
        do {
            outcomes = try await self.store.commit(group.map(\.commit))
        } catch {
            self.ledger.release(group.map(\.commit.batch))
            let failure = StorageError(error, path: self.store.path)
            for waiting in group { waiting.continuation.resume(throwing: failure) }
            return
        }
        var committed: [(batch: ReportBatch, nowMillis: Int64)] = []
        var dropped: [ReportBatch] = []
        for (waiting, outcome) in zip(group, outcomes) {
            if outcome == .committed {
                committed.append((waiting.commit.batch, waiting.commit.nowMillis))
            } else {
                dropped.append(waiting.commit.batch)
            }
        }
        self.ledger.apply(committed, releasing: dropped)
        for (waiting, outcome) in zip(group, outcomes) { waiting.continuation.resume(returning: outcome) }
    }
}
