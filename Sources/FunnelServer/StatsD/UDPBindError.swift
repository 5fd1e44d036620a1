/// The StatsD UDP socket could not be bound to its configured address.
struct UDPBindError: Error, CustomStringConvertible {
    /// The address asked for.
    var address: ListenAddress
    /// What the system said.
    var reason: String

    var description: String { "cannot listen for StatsD on udp://\(self.address): \(self.reason)" }
}
