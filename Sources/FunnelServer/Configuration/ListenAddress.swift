/// A host and port to listen on, written `HOST:PORT` or `[V6]:PORT`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; nil for anything else. Use ``parseOptional(_:)`` where `""` means disabled.
    public init?(_ text: String) {
        guard let (host, port) = FunnelConfiguration.parseListenAddress(text) else { return nil }
        self.init(host: host, port: port)
    }

    /// Parses a listener setting where `""` disables it: `.success(nil)` for `""`, `.failure` for bad text.
    public static func parseOptional(_ text: String) -> Result<ListenAddress?, ListenAddressError> {
        if text.trimmingSpaces().isEmpty { return .success(nil) }
        guard let address = ListenAddress(text) else { return .failure(ListenAddressError(text: text)) }
        return .success(address)
    }

    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}

extension String {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self[...]
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return text
    }
}
