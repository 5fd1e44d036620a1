public import ServiceLifecycle

/// Runs `service` while `body` runs, then cancels it and waits for it to return: for tests that use a component
/// whose background work is a service (the intake's group committer) without a whole server.
public func withRunning<Result: Sendable>(_ service: some Service, _ body: () async throws -> Result) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await service.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}
