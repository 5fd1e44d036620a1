/// An AWS access key: the id, the secret and, for temporary credentials, a session token. Never printed whole.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The access key id and `<redacted>` for the secret: safe to log.
    public var description: String {
        "AWSCredentials(accessKeyID: \(self.accessKeyID), secretAccessKey: <redacted>\(self.sessionToken == nil ? "" : ", sessionToken: <redacted>"))"
    }

    public var debugDescription: String { self.description }
}
