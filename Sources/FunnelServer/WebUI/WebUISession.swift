import Foundation

/// The read token a browser keeps after the login form: an `HttpOnly`, `SameSite=Strict` cookie holding it.
enum WebUISession {
    static let cookieName = "funnel_token"

    /// The token in a `Cookie` header, if it has one.
    static func token(cookieHeader: String) -> Substring? {
        for pair in cookieHeader.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " }
            guard trimmed.hasPrefix(Self.cookieName + "=") else { continue }
            let value = String(trimmed.dropFirst(Self.cookieName.count + 1))
            return Substring(value.removingPercentEncoding ?? value)
        }
        return nil
    }

    /// The `Set-Cookie` value that keeps `token` for the whole server, sent back only to it.
    static func cookie(token: String, secure: Bool) -> String {
        let value = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return "\(Self.cookieName)=\(value); Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// A `next` path that stays on this server: an absolute path, not `//host` nor a scheme.
    static func localPath(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"), !next.contains("\r"), !next.contains("\n") else { return "/" }
        return next
    }

    /// The fields of an `application/x-www-form-urlencoded` body.
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first else { continue }
            let value = parts.count > 1 ? String(parts[1]) : ""
            let decoded = value.replacingOccurrences(of: "+", with: " ")
            fields[String(name)] = decoded.removingPercentEncoding ?? decoded
        }
        return fields
    }
}
