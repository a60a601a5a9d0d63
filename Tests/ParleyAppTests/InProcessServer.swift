import ParleyApp
import ParleyConfig
import ParleyModel
import ParleyTestSupport
import Synchronization

/// The ports a server bound, by listener name (`web.http`, `node.sip.udp`, `node.media`, ...).
final class BoundPorts: Sendable {
    private let ports = Mutex<[String: Int]>([:])

    func record(_ name: String, _ port: Int) {
        ports.withLock { $0[name] = port }
    }

    subscript(_ name: String) -> Int? {
        ports.withLock { $0[name] }
    }

    /// The port of listener `name`, waiting up to 10 s for the role to bind it (roles start
    /// concurrently, so the node may bind after the web port is reported).
    func port(_ name: String) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let port = self[name] { return port }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportError("The server did not bind \(name) within 10 s.")
    }
}

/// Runs `ParleyServer` in a task for the duration of a body.
enum InProcessServer {
    /// Runs the server; `body` gets the web port once it listens, and every bound port.
    static func run<T: Sendable>(_ configuration: ParleyConfiguration, _ body: (Int, BoundPorts) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let bound = BoundPorts()
        let server = ParleyServer(configuration: configuration) { listener, port in
            bound.record(listener.name, port)
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
            let result = try await body(port, bound)
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
