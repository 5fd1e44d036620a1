import Crypto
import Foundation

/// A set of bearer tokens, compared in constant time: only SHA-256 digests of the tokens are kept.
public struct AccessTokens: Sendable, Hashable {
    private let digests: [[UInt8]]

    public init(_ tokens: [String]) {
        self.digests = tokens.filter { !$0.isEmpty }.map { Array(SHA256.hash(data: Data($0.utf8))) }
    }

    /// True when no token is configured: the endpoints are open.
    public var isOpen: Bool { self.digests.isEmpty }

    public var count: Int { self.digests.count }

    /// Whether `token` is one of the set; takes the same time whichever token matches, or none.
    public func accepts(_ token: Substring) -> Bool {
        let candidate = Array(SHA256.hash(data: Data(token.utf8)))
        var matched = false
        for digest in self.digests {
            var difference: UInt8 = 0
            for index in 0..<candidate.count { difference |= digest[index] ^ candidate[index] }
            matched = matched || difference == 0
        }
        return matched
    }

    /// Reads tokens from a file: one per line; blank lines and lines starting with `#` are skipped.
    public static func lines(ofFile path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}
