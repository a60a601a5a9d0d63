import Logging
import ParleyStore

/// The engines a store test runs against; use as `@Test(arguments: StoreKind.allCases)`.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }
}

/// A logger for tests that only shows errors, so test output stays readable.
public func makeTestLogger(label: String = "parley.test") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .error
    return logger
}

/// Runs `body` with the configuration of a fresh, empty store location of the given kind (a
/// file in a new temporary directory, or a new database on the shared test PostgreSQL), and
/// removes it afterwards. `body` may open and close stores on it as often as it likes, for
/// instance to test reopening.
public func withTestStoreConfiguration(
    _ kind: StoreKind,
    _ body: (StoreConfiguration) async throws -> Void
) async throws {
    switch kind {
    case .sqlite:
        try await TemporaryDirectory.with(prefix: "parley-store") { directory in
            try await body(.sqlite(path: directory.appending("parley.sqlite")))
        }
    case .postgres:
        let configuration = try await PostgresServer.shared.createDatabase()
        do {
            try await body(configuration)
        } catch {
            try? await drop(configuration)
            throw error
        }
        try await drop(configuration)
    }
}

/// Opens a fresh store of the given kind, runs `body` with it, then closes it and removes
/// its file or database, whether `body` threw or not.
public func withTestStore(_ kind: StoreKind, _ body: (ParleyStore) async throws -> Void) async throws {
    try await withTestStoreConfiguration(kind) { configuration in
        let store = try await ParleyStore.open(configuration, logger: makeTestLogger())
        do {
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}

private func drop(_ configuration: StoreConfiguration) async throws {
    guard case .postgres(_, _, _, _, let database, _) = configuration else { return }
    try await PostgresServer.shared.dropDatabase(database)
}
