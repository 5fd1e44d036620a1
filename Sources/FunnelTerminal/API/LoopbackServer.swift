import Foundation

/// Checks that a server URL points at this machine, for commands that generate traffic (`funnel demo`).
public enum LoopbackServer {
    /// Why `url` was refused, naming it.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var url: String
        public var reason: String

        public var description: String { "--server: \(self.reason), got \(String(reflecting: self.url))" }
    }

    /// Accepts `http://` URLs whose host is `localhost`, in 127.0.0.0/8, or `::1`.
    public static func validate(_ url: String) throws(Refusal) {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host, !host.isEmpty else {
            throw Refusal(url: url, reason: "expected an http:// URL such as http://127.0.0.1:9470")
        }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        let isIPv4Loopback = octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
        guard bare == "localhost" || bare == "::1" || isIPv4Loopback else {
            throw Refusal(url: url, reason: "funnel demo only sends to a server on this machine (localhost, 127.0.0.0/8 or ::1)")
        }
    }
}
