#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// An exclusive `flock` on `funnel.lock` in a data directory, holding the PID of the process that took it, so that a
/// second Funnel process on the same directory refuses to start instead of each seeing only its own reports.
///
/// Stores opened on the same directory within one process share the lock; it is released when the last of them
/// goes, or when the process exits.
final class DataDirectoryLock: Sendable {
    /// The lock file.
    let path: String

    private struct Held {
        var descriptor: Int32
        var holders: Int
    }

    private static let held = Mutex<[String: Held]>([:])

    /// Takes the lock on `directory`, which must exist, or throws ``StoreOpeningError`` naming the directory and the
    /// process that holds it.
    init(directory: String) throws(StoreOpeningError) {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("funnel.lock").standardizedFileURL.path
        self.path = path
        let result = Self.held.withLock { held -> Result<Void, StoreOpeningError> in
            if var entry = held[path] {
                entry.holders += 1
                held[path] = entry
                return .success(())
            }
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                return .failure(StoreOpeningError(path: path, problem: "cannot open the lock file: \(String(cString: strerror(errno)))"))
            }
            guard Self.lock(descriptor) == 0 else {
                let reason = errno
                let holder = Self.pid(in: descriptor)
                close(descriptor)
                guard reason == EWOULDBLOCK else {
                    return .failure(StoreOpeningError(path: path, problem: "cannot lock: \(String(cString: strerror(reason)))"))
                }
                return .failure(
                    StoreOpeningError(
                        path: directory,
                        problem: "is in use by another Funnel process (pid \(holder.map(String.init) ?? "unknown"), lock \(path)); stop it or give this one another data_dir"
                    )
                )
            }
            let text = Array("\(getpid())\n".utf8)
            _ = ftruncate(descriptor, 0)
            _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            held[path] = Held(descriptor: descriptor, holders: 1)
            return .success(())
        }
        try result.get()
    }

    deinit {
        let path = self.path
        Self.held.withLock { held in
            guard var entry = held[path] else { return }
            entry.holders -= 1
            if entry.holders > 0 {
                held[path] = entry
            } else {
                _ = ftruncate(entry.descriptor, 0)
                close(entry.descriptor)
                held[path] = nil
            }
        }
    }

    /// `flock(LOCK_EX | LOCK_NB)`, tried again for up to a second while the lock is held: a child this process is
    /// spawning holds a copy of a just-closed descriptor until its `exec` closes it (`O_CLOEXEC`), which would
    /// otherwise make a store reopened in the same process look taken by another one.
    private static func lock(_ descriptor: Int32) -> Int32 {
        for _ in 0..<50 {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return 0 }
            guard errno == EWOULDBLOCK else { return -1 }
            usleep(20_000)
        }
        return flock(descriptor, LOCK_EX | LOCK_NB)
    }

    private static func pid(in descriptor: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
