/// A part of the running server that takes a reloaded configuration without losing its state.
///
/// ``ConfigurationReloader`` calls ``apply(_:)`` on every registered part, in order, with a configuration that is
/// already valid and whose restart-only settings already hold their running values
/// (``FunnelConfiguration/adoptingReload(_:)``).
public protocol ConfigurationReloadable: Sendable {
    /// Starts using `configuration`; returns the keys of settings it keeps at their running values until a restart.
    func apply(_ configuration: FunnelConfiguration) async -> [String]
}
