import Crypto
public import Foundation

/// Signs HTTP requests with AWS Signature Version 4 (header form), with swift-crypto's HMAC-SHA256.
///
/// Pure: the time and credentials are passed in. Covers what Funnel sends (a path without dots, query parameters,
/// any headers, a body); unit-tested against the published aws-sig-v4-test-suite vectors.
public struct SigV4Signer: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    public let service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// What signing adds to a request: the headers to send and the intermediate strings, for tests and debugging.
    public struct Signature: Sendable {
        /// `Authorization`, `X-Amz-Date`, and `X-Amz-Security-Token` with temporary credentials.
        public var headers: [(name: String, value: String)]
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
    }

    /// Signs a request made at `date`. `headers` must include `host`; `X-Amz-Date` (and the session token, if any) are added.
    public func sign(
        method: String, path: String, query: [(String, String)] = [], headers: [(String, String)], body: [UInt8] = [], date: Date
    ) -> Signature {
        let amzDate = Self.amzDate(date)
        let day = String(amzDate.prefix(8))
        var all = headers.map { (name: $0.0.lowercased(), value: Self.trimmed($0.1)) }
        all.append((name: "x-amz-date", value: amzDate))
        var added = [(name: "X-Amz-Date", value: amzDate)]
        if let token = self.credentials.sessionToken {
            all.append((name: "x-amz-security-token", value: token))
            added.append((name: "X-Amz-Security-Token", value: token))
        }
        // Headers of the same name are joined with commas, in order.
        var merged: [String: String] = [:]
        for header in all { merged[header.name] = merged[header.name].map { $0 + "," + header.value } ?? header.value }
        let names = merged.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        let canonicalHeaders = names.map { "\($0):\(merged[$0]!)\n" }.joined()
        let encodedQuery: [(name: String, value: String)] = query.map { (name: Self.encode($0.0), value: Self.encode($0.1)) }
        let sortedQuery = encodedQuery.sorted { lhs, rhs in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
        let canonicalQuery = sortedQuery.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
        let canonicalPath = path.isEmpty ? "/" : path.split(separator: "/", omittingEmptySubsequences: false).map { Self.encode(String($0)) }.joined(separator: "/")
        let canonicalRequest = [
            method.uppercased(), canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, Self.hex(SHA256.hash(data: body)),
        ].joined(separator: "\n")
        let scope = "\(day)/\(self.region)/\(self.service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(self.credentials.secretAccessKey)".utf8))
        for part in [day, self.region, self.service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(self.credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(
            headers: [(name: "Authorization", value: authorization)] + added, canonicalRequest: canonicalRequest, stringToSign: stringToSign,
            signature: signature
        )
    }

    /// `20150830T123600Z`.
    public static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 1970)\(two(parts.month))\(two(parts.day))T\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    }

    /// URI-encodes everything but the unreserved characters `A-Z a-z 0-9 - _ . ~`, as SigV4 requires.
    static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    /// A header value with surrounding spaces removed and inner runs of spaces collapsed to one.
    static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        self.count >= width ? self : String(repeating: "0", count: width - self.count) + self
    }
}
