public import Foundation

/// Finds AWS credentials the standard way: a configured profile, else the environment's keys, else the shared file.
///
/// With `profile` set, the shared credentials file's profile is used. Otherwise `AWS_ACCESS_KEY_ID` and
/// `AWS_SECRET_ACCESS_KEY` (with `AWS_SESSION_TOKEN`), else profile `AWS_PROFILE` (or `default`) of
/// `AWS_SHARED_CREDENTIALS_FILE` (or `~/.aws/credentials`). Read on every poll, so rotated keys are picked up.
public struct AWSCredentialChain: Sendable {
    public var profile: String?
    public var environment: [String: String]

    public init(profile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.profile = profile
        self.environment = environment
    }

    /// The credentials, or an error saying where Funnel looked.
    public func resolve() throws(DLQSourceError) -> AWSCredentials {
        if self.profile == nil, let id = self.environment["AWS_ACCESS_KEY_ID"], !id.isEmpty {
            guard let secret = self.environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
                throw DLQSourceError("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
            }
            let token = self.environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
        }
        let profile = self.profile ?? self.environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let path = self.credentialsFilePath
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DLQSourceError(
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile \(profile) to \(path) (cannot read it)"
            )
        }
        return try AWSSharedCredentialsFile(text: text, path: path).credentials(profile: profile, path: path)
    }

    /// `AWS_SHARED_CREDENTIALS_FILE`, else `$HOME/.aws/credentials`.
    public var credentialsFilePath: String {
        if let path = self.environment["AWS_SHARED_CREDENTIALS_FILE"], !path.isEmpty { return path }
        let home = self.environment["HOME"] ?? NSHomeDirectory()
        return home + "/.aws/credentials"
    }
}
