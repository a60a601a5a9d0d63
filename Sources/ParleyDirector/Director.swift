import Logging
import Metrics
import ParleyModel
import ParleyStore

/// The director role's logic: users, groups, meetings, tokens, licences and alarms.
///
/// Every public operation that changes anything runs in one store transaction, so a failed
/// call leaves nothing half-written. Authorization is checked here, not in the web layer, so
/// the API, the portal and the CLI obey the same rules.
public final class Director: Sendable {
    public let store: ParleyStore
    public let settings: DirectorSettings
    let clock: WallClock
    let hasher: SecretHasher
    let logger: Logger
    let metrics: DirectorMetrics

    public init(store: ParleyStore, settings: DirectorSettings, clock: WallClock = .system, logger: Logger) {
        self.store = store
        self.settings = settings
        self.clock = clock
        self.hasher = SecretHasher(rounds: settings.hashRounds)
        self.logger = logger
        self.metrics = DirectorMetrics()
    }

    public func now() -> Timestamp { clock.now() }

    // MARK: Authentication

    /// The principal behind an API token, or nil when the token is unknown.
    public func authenticate(token: String) async throws -> Principal? {
        guard token.hasPrefix("prl_"), token.utf8.count == 68 else { return nil }
        let hash = SecretHasher.tokenHash(token)
        return try await store.read { tx in
            guard let record = try await tx.token(secretHash: hash), let user = try await tx.user(id: record.userID) else {
                return nil
            }
            return Principal(user: user)
        }
    }

    /// The principal behind a token created at most `maxAge` ago (portal sessions). An older
    /// token is deleted and gives nil, so a copied session cookie stops working with it.
    public func authenticate(token: String, maxAge: Duration) async throws -> Principal? {
        guard token.hasPrefix("prl_"), token.utf8.count == 68 else { return nil }
        let hash = SecretHasher.tokenHash(token)
        let now = clock.now()
        let found: (APIToken, Principal?)? = try await store.read { tx in
            guard let record = try await tx.token(secretHash: hash) else { return nil }
            return (record, try await tx.user(id: record.userID).map(Principal.init(user:)))
        }
        guard let (record, principal) = found else { return nil }
        guard now - record.createdAt <= maxAge else {
            try await store.write { tx in try await tx.deleteToken(secretHash: hash) }
            return nil
        }
        return principal
    }

    /// Deletes a token, so it no longer authenticates (portal sign-out). An unknown or
    /// malformed token is ignored: signing out twice is not an error.
    public func revokeToken(_ token: String) async throws {
        guard token.hasPrefix("prl_"), token.utf8.count == 68 else { return }
        let hash = SecretHasher.tokenHash(token)
        try await store.write { tx in try await tx.deleteToken(secretHash: hash) }
    }

    /// Creates an API token for `login` and returns its text, which is not stored and cannot
    /// be shown again. Without a login, the token belongs to the built-in `admin` user, which
    /// is created on first use. Local operation (CLI on the data directory): no principal.
    public func createToken(forLogin login: String?, label: String) async throws -> (token: String, user: User) {
        let now = clock.now()
        let token = SecretHasher.newToken()
        let hash = SecretHasher.tokenHash(token)
        let user: User = try await store.write { tx in
            var owner: User
            if let login {
                guard let found = try await tx.user(login: login) else {
                    throw ParleyError(
                        .notFound, code: "user.not_found", message: "No user '\(login)' exists.",
                        field: "user", fix: "Create the user first with `parley user add \(login)`, or omit --user for an admin token."
                    )
                }
                owner = found
            } else if let admin = try await tx.user(login: "admin") {
                owner = admin
            } else {
                owner = User(
                    id: .random(prefix: "usr"), login: "admin", displayName: "Administrator", role: .admin, createdAt: now
                )
                try await tx.insertUser(owner)
            }
            try await tx.insertToken(
                APIToken(id: .random(prefix: "tok"), userID: owner.id, secretHash: hash, label: label, createdAt: now)
            )
            return owner
        }
        logger.notice("API token created", metadata: ["user": "\(user.login)", "label": "\(label)"])
        return (token, user)
    }

    /// As ``createToken(forLogin:label:)``, through the API: administrators only.
    public func createToken(forLogin login: String, label: String, by principal: Principal) async throws -> String {
        try principal.requireAdmin("create API tokens")
        return try await createToken(forLogin: login, label: label).token
    }

    /// The principal for a login and password (portal sign-in), or nil when they do not match.
    public func authenticate(login: String, password: String) async throws -> Principal? {
        let user = try await store.read { tx in try await tx.user(login: login) }
        guard let user, let stored = user.passwordHash, hasher.verify(password, against: stored) else { return nil }
        return Principal(user: user)
    }
}

/// The director's metrics; labels are low-cardinality.
struct DirectorMetrics: Sendable {
    let meetingsCreated = Counter(label: "parley_meetings_created_total")
    let meetingsStarted = Counter(label: "parley_meetings_started_total")
    let meetingsRefused = Counter(label: "parley_meetings_refused_total", dimensions: [("reason", "licence")])
    let meetingsInProgress = Gauge(label: "parley_meetings_in_progress")
    let licencesInstalled = Gauge(label: "parley_licence_hosts_installed")
    let licencesActive = Gauge(label: "parley_licence_hosts_active")
    let alarmsActive = Gauge(label: "parley_alarms_active")
}
