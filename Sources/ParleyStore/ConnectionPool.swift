import ParleyModel

/// A bounded set of connections handed out one caller at a time.
///
/// Connections are made on demand up to `maximum`; a caller that finds none free waits in
/// FIFO order for one to come back. A pool of one is a mutex around its connection, which is
/// how the store serializes writers inside one process.
actor ConnectionPool {
    typealias Factory = @Sendable () async throws -> StoreConnection

    private let maximum: Int
    private let factory: Factory
    private let closedError: ParleyError

    private var idle: [StoreConnection] = []
    /// Connections that exist or are being made, leased or idle.
    private var count = 0
    /// Callers waiting for a connection: resumed with one, or with nil to make their own in
    /// a slot that was freed.
    private var waiters: [CheckedContinuation<StoreConnection?, any Error>] = []
    private var closing = false
    /// Callers of ``close()`` waiting for leased connections to come back.
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    init(maximum: Int, closedError: ParleyError, factory: @escaping Factory) {
        self.maximum = max(1, maximum)
        self.closedError = closedError
        self.factory = factory
    }

    /// A connection for the caller's exclusive use until ``release(_:reusable:)``.
    func lease() async throws -> StoreConnection {
        guard !closing else { throw closedError }
        while let connection = idle.popLast() {
            if !connection.isClosed { return connection }
            count -= 1
            await connection.close()
        }
        if count < maximum {
            count += 1
            return try await makeConnection()
        }
        let handed = try await withCheckedThrowingContinuation { waiters.append($0) }
        if let handed { return handed }
        // The slot was freed for us (and counted already): make the connection.
        return try await makeConnection()
    }

    /// Gives a connection back. Pass `reusable: false` when its state is unknown (a failed
    /// rollback); it is closed and its slot freed.
    func release(_ connection: StoreConnection, reusable: Bool) async {
        if closing || !reusable || connection.isClosed {
            await connection.close()
            count -= 1
            if !closing, !waiters.isEmpty {
                count += 1
                waiters.removeFirst().resume(returning: nil)
            }
            finishDrainIfDone()
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    /// Refuses new leases, fails waiting callers, closes idle connections and waits for the
    /// leased ones to come back. Calling it again is harmless.
    func close() async {
        closing = true
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume(throwing: closedError) }
        let toClose = idle
        idle.removeAll()
        for connection in toClose {
            await connection.close()
            count -= 1
        }
        if count > 0 {
            await withCheckedContinuation { drainWaiters.append($0) }
        }
    }

    private func makeConnection() async throws -> StoreConnection {
        let connection: StoreConnection
        do {
            connection = try await factory()
        } catch {
            count -= 1
            // Let the next waiter try in the freed slot rather than wait for a release that
            // may never come.
            if !closing, !waiters.isEmpty {
                count += 1
                waiters.removeFirst().resume(returning: nil)
            }
            finishDrainIfDone()
            throw error
        }
        if closing {
            await connection.close()
            count -= 1
            finishDrainIfDone()
            throw closedError
        }
        return connection
    }

    private func finishDrainIfDone() {
        guard closing, count == 0 else { return }
        let waiting = drainWaiters
        drainWaiters.removeAll()
        for waiter in waiting { waiter.resume() }
    }
}
