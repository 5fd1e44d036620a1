/// The answer to `POST /-/reload`: whether the configuration file was taken, the problem when it was not, and the
/// settings that changed in the file but keep their running values until a restart.
public struct ConfigurationReload: Sendable, Hashable, Codable {
    /// True when the new file was valid and is now running.
    public var reloaded: Bool
    /// The `file:line:column: key: problem` message of an invalid file; nil when reloaded.
    public var error: String?
    /// Keys whose new values need a restart (listen addresses, data dir, TLS files, ...), in file order.
    public var restartRequired: [String]

    public init(reloaded: Bool, error: String? = nil, restartRequired: [String] = []) {
        self.reloaded = reloaded
        self.error = error
        self.restartRequired = restartRequired
    }
}
