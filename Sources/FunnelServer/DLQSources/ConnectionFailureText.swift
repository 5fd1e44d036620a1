import Foundation
import NIOCore
import NIOPosix

/// A network error in the words an operator searches for: `connection refused`, `connect timed out`.
enum ConnectionFailureText {
    /// The innermost cause of a failed connection, or the error's own description.
    static func describe(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if let last = error.connectionErrors.last { return Self.describe(last.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "cannot resolve host \(error.host)" }
            return "cannot connect to \(error.host):\(error.port)"
        }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connect timed out" }
        return String(describing: error)
    }
}
