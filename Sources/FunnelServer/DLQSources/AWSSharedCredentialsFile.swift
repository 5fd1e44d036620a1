/// The shared credentials file (`~/.aws/credentials`): INI sections of `aws_access_key_id`, `aws_secret_access_key`
/// and `aws_session_token`.
public struct AWSSharedCredentialsFile: Sendable, Hashable {
    /// Each profile's keys, by profile name.
    public var profiles: [String: [String: String]]

    /// Parses the file's text; `path` is only used in error messages.
    public init(text: String, path: String) throws(DLQSourceError) {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw DLQSourceError("\(path):\(index + 1): a section header must end with ]") }
                var name = String(line.dropFirst().dropLast()).trimmingSpaces()
                // The config file's form `[profile NAME]` is accepted too.
                if name.hasPrefix("profile ") { name = String(name.dropFirst(8)).trimmingSpaces() }
                current = name
                profiles[name, default: [:]] = profiles[name] ?? [:]
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { throw DLQSourceError("\(path):\(index + 1): expected key = value") }
            guard let profile = current else { throw DLQSourceError("\(path):\(index + 1): key outside a [profile] section") }
            let key = String(line[..<equals]).trimmingSpaces().lowercased()
            let value = String(line[line.index(after: equals)...]).trimmingSpaces()
            profiles[profile, default: [:]][key] = value
        }
        self.profiles = profiles
    }

    /// The credentials of `profile`, or an error naming the file and what is missing.
    public func credentials(profile: String, path: String) throws(DLQSourceError) -> AWSCredentials {
        guard let keys = self.profiles[profile] else {
            let known = self.profiles.keys.sorted().joined(separator: ", ")
            throw DLQSourceError("profile \(profile) is not in \(path)\(known.isEmpty ? "" : " (it has \(known))")")
        }
        guard let id = keys["aws_access_key_id"], !id.isEmpty else { throw DLQSourceError("profile \(profile) in \(path) has no aws_access_key_id") }
        guard let secret = keys["aws_secret_access_key"], !secret.isEmpty else {
            throw DLQSourceError("profile \(profile) in \(path) has no aws_secret_access_key")
        }
        let token = keys["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed())
    }
}
