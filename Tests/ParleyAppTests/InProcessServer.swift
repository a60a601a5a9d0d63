import ParleyApp
import ParleyConfig
import ParleyModel
import ParleyTestSupport

/// Runs `ParleyServer` in a task for the duration of a body.
enum InProcessServer {
    static func run<T: Sendable>(_ configuration: ParleyConfiguration, _ body: (Int) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = ParleyServer(configuration: configuration) { listener, port in
            if listener.name == "web.http" { continuation.yield(port) }
        }
        let task = Task {
            defer { continuation.finish() }
            try await server.run(signals: [])
        }
        do {
            let port = try await withDeadline(.seconds(30), "the server to listen") {
                var iterator = ports.makeAsyncIterator()
                return await iterator.next()
            }
            guard let port else {
                // The server stopped before listening: show why.
                try await task.value
                throw TestSupportError("The server stopped before it listened.")
            }
            let result = try await body(port)
            try await stop(task)
            return result
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
    }

    /// Cancels the server's task and waits for it to finish (closing the store and releasing
    /// the data directory).
    static func stop(_ task: Task<Void, any Error>) async throws {
        task.cancel()
        try await withDeadline(.seconds(20), "the server to stop") {
            if case .failure(let error) = await task.result, !(error is CancellationError) {
                throw error
            }
        }
    }
}

/// Runs `operation`, failing if it takes longer than `limit`.
func withDeadline<T: Sendable>(_ limit: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TestSupportError("Timed out after \(limit) waiting for \(what).")
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TestSupportError("No result while waiting for \(what).") }
        return first
    }
}

/// Polls `condition` every 20 ms until it holds or `limit` passes; returns whether it held.
func poll(_ limit: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
