import Foundation
import NIOCore

/// The HTTP listener could not start on its address: what is wrong and what to do, instead of the socket call's error.
public struct ListenerStartError: Error, CustomStringConvertible {
    /// The address asked for, `HOST:PORT`.
    public var address: String
    /// What went wrong, with what to do about it.
    public var problem: String

    /// The explanation of `error` when it is a failed bind of `address`, or nil for anything else; `flag` is how the
    /// user chooses another address.
    public init?(_ error: any Error, address: String, flag: String = "--listen") {
        guard let code = (error as? IOError)?.errnoCode else { return nil }
        self.address = address
        if code == EADDRINUSE {
            self.problem = "is already in use (another funnel serve?); choose another with \(flag)"
        } else if code == EACCES {
            self.problem = "needs privileges to bind (ports below 1024 need root or CAP_NET_BIND_SERVICE); choose another with \(flag)"
        } else if code == EADDRNOTAVAIL {
            self.problem = "is not an address of this machine; choose another with \(flag)"
        } else {
            return nil
        }
    }

    public var description: String { "\(self.address) \(self.problem)" }
}
