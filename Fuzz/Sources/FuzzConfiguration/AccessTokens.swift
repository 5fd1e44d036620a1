import Foundation

/// The one part of FunnelServer's `AccessTokens` the loader calls, without the digests (and so without swift-crypto).
///
/// Kept to the same reading rules as `Sources/FunnelServer/HTTP/AccessTokens.swift`.
enum AccessTokens {
    /// Reads tokens from a file: one per line; blank lines and lines starting with `#` are skipped.
    static func lines(ofFile path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}
