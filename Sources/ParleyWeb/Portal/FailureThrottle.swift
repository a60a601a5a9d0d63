import Synchronization

/// Counts failures per key (a client address) in a sliding window and says when a key has
/// had too many: wrong sign-in passwords here, wrong meeting passwords on the join page.
///
/// Time is an input (`now`), so the tests drive it. Memory is bounded: at most
/// ``maxKeys`` keys are tracked; beyond that the keys whose failures are all out of the
/// window are dropped, and if that is not enough the table is cleared (an attacker spraying
/// addresses then loses their history too, which is the safe direction for memory).
final class FailureThrottle: Sendable {
    let limit: Int
    let window: Duration
    let maxKeys: Int
    // Guards the failure times per key.
    private let failures = Mutex<[String: [ContinuousClock.Instant]]>([:])

    init(limit: Int = 10, window: Duration = .seconds(60), maxKeys: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.maxKeys = maxKeys
    }

    /// Whether `key` has had `limit` failures within the window before `now`.
    func isBlocked(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        failures.withLock { table in
            let recent = (table[key] ?? []).filter { now - $0 < window }
            table[key] = recent.isEmpty ? nil : recent
            return recent.count >= limit
        }
    }

    /// Records one failure of `key`.
    func recordFailure(_ key: String, now: ContinuousClock.Instant = .now) {
        failures.withLock { table in
            if table[key] == nil, table.count >= maxKeys {
                table = table.filter { entry in entry.value.contains { now - $0 < window } }
                if table.count >= maxKeys { table.removeAll() }
            }
            var recent = (table[key] ?? []).filter { now - $0 < window }
            recent.append(now)
            if recent.count > limit { recent.removeFirst(recent.count - limit) }
            table[key] = recent
        }
    }

    /// Forgets `key`'s failures (after a success).
    func reset(_ key: String) {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }

    /// Seconds until `key` may try again (for `Retry-After`), at least 1.
    func retryAfter(_ key: String, now: ContinuousClock.Instant = .now) -> Int {
        failures.withLock { table in
            guard let oldest = (table[key] ?? []).filter({ now - $0 < window }).first else { return 1 }
            let left = window - (now - oldest)
            return max(1, Int(left.components.seconds) + 1)
        }
    }
}
