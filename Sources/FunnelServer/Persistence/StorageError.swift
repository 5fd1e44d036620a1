public import FunnelCore
import GRDB

/// A database write or read that failed for a reason of the storage, not of the request: the disk is full, or the
/// database cannot be used. The HTTP API answers `507 storage_full` or `503 storage_unavailable`.
public struct StorageError: Error, CustomStringConvertible {
    /// What went wrong, as the refusal's reason.
    public enum Kind: Sendable, Hashable {
        /// SQLite ran out of room (`SQLITE_FULL`): a full disk or `max_page_count` reached.
        case full
        /// Any other database failure (I/O error, read-only file, locked, corrupt).
        case unavailable
    }

    public var kind: Kind
    /// The database file.
    public var path: String
    /// SQLite's or the system's own words.
    public var detail: String

    public init(kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    /// Classifies `error` from a database operation on the file at `path`; a ``StorageError`` is kept as it is.
    public init(_ error: any Error, path: String) {
        if let error = error as? StorageError {
            self = error
        } else if let error = error as? DatabaseError {
            self.init(kind: error.resultCode == .SQLITE_FULL ? .full : .unavailable, path: path, detail: error.message ?? "\(error.resultCode)")
        } else {
            self.init(kind: .unavailable, path: path, detail: "\(error)")
        }
    }

    /// The rejection reason it is counted under.
    public var reason: ReportRejection.Reason {
        switch self.kind {
        case .full: .storageFull
        case .unavailable: .storageUnavailable
        }
    }

    public var description: String {
        switch self.kind {
        case .full: "storage is full: cannot write to \(self.path): \(self.detail)"
        case .unavailable: "storage is unavailable: \(self.path): \(self.detail)"
        }
    }
}
