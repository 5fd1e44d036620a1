import Synchronization

/// Settings a part of the server reads on every use, replaced as a whole when the configuration is reloaded.
///
/// The part keeps a `RunningValue` of its own settings type, made with how to read them from a configuration, and
/// reads ``value`` where it needs them; registering it with the ``ConfigurationReloader`` makes it reloadable.
public final class RunningValue<Value: Sendable>: ConfigurationReloadable {
    private let current: Mutex<Value>
    private let read: @Sendable (FunnelConfiguration) -> Value

    /// Starts with `value`; a reload replaces it with `read` of the new configuration.
    public init(_ value: Value, read: @escaping @Sendable (FunnelConfiguration) -> Value) {
        self.current = Mutex(value)
        self.read = read
    }

    /// Starts with `read` of `configuration`.
    public convenience init(_ configuration: FunnelConfiguration, read: @escaping @Sendable (FunnelConfiguration) -> Value) {
        self.init(read(configuration), read: read)
    }

    /// The settings in force now.
    public var value: Value { self.current.withLock { $0 } }

    public func apply(_ configuration: FunnelConfiguration) async -> [String] {
        let value = self.read(configuration)
        self.current.withLock { $0 = value }
        return []
    }
}
