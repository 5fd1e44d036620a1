import Synchronization

/// A rendered `/metrics` answer on its way to the client: the response writer takes its buffer once, so that
/// when the buffer goes back to ``ScrapeBuffers`` nothing else holds it and the next scrape writes over it in place.
final class RenderedScrape: Sendable {
    private let storage: Mutex<[UInt8]>
    /// Bytes of the buffer that make up the answer.
    let count: Int

    init(storage: consuming [UInt8], count: Int) {
        self.storage = Mutex(storage)
        self.count = count
    }

    /// The buffer, once; empty after that.
    func take() -> [UInt8] {
        self.storage.withLock { storage in
            let taken = storage
            storage = []
            return taken
        }
    }
}
