import Synchronization

/// The buffer the last `/metrics` answer was written into, kept for the next scrape.
///
/// A scrape of 100,000 series is about 30 MB. Written into fresh memory, every page of it is faulted in and zeroed
/// by the kernel, which costs as much as writing the text; written over the last scrape's buffer, none is. One buffer
/// is kept: a scrape that finds it taken by another writes into a new one.
final class ScrapeBuffers: Sendable {
    private let spare = Mutex<[UInt8]?>(nil)

    /// The kept buffer, or an empty one.
    func take() -> [UInt8] {
        self.spare.withLock { spare in
            defer { spare = nil }
            return spare ?? []
        }
    }

    /// Keeps `buffer` for the next scrape.
    func giveBack(_ buffer: consuming [UInt8]) {
        let buffer = buffer
        self.spare.withLock { $0 = buffer }
    }
}
