/// A fixture started once and shared by every test that asks for it, such as a database server for a whole suite.
public actor SharedFixture<Value: Sendable> {
    private let make: @Sendable () async throws -> Value
    private var started: Task<Value, any Error>?

    public init(_ make: @escaping @Sendable () async throws -> Value) {
        self.make = make
    }

    /// The fixture, started by the first caller; a failed start is retried by the next caller.
    public func value() async throws -> Value {
        if let started { return try await started.value }
        let task = Task { try await self.make() }
        self.started = task
        do {
            return try await task.value
        } catch {
            self.started = nil
            throw error
        }
    }
}
