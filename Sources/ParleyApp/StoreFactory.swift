import Foundation
import Logging
import ParleyConfig
import ParleyDirector
import ParleyModel
import ParleyStore

/// Opens what a configuration describes: the data directory, the store, the director.
public enum StoreFactory {
    /// The store settings for a configuration; reads `password_file` if set.
    public static func storeConfiguration(_ config: ParleyConfiguration) throws -> StoreConfiguration {
        switch config.database.driver {
        case .sqlite:
            return .sqlite(path: config.storePath)
        case .postgres:
            let pg = config.database.postgres
            var password = pg.password
            if let file = pg.passwordFile {
                guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                    throw ParleyError(
                        .configuration, code: "config.password_file", message: "database.postgres.password_file '\(file)' cannot be read.",
                        field: "database.postgres.password_file", fix: "Check the path and that this user may read it."
                    )
                }
                password = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return .postgres(
                host: pg.host, port: pg.port, username: pg.user, password: password, database: pg.database, requireTLS: pg.tls == .require)
        }
    }

    /// Creates the data directory (mode 0700) when the store lives in it.
    public static func prepareDataDirectory(_ config: ParleyConfiguration) throws {
        let path = config.dataDirectory
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ParleyError(
                    .configuration, code: "data_dir.not_directory", message: "data_dir '\(path)' exists and is not a directory.",
                    field: "data_dir", fix: "Point data_dir (or --data-dir) at a directory."
                )
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ParleyError(
                .configuration, code: "data_dir.create", message: "data_dir '\(path)' could not be created: \(error.localizedDescription)",
                field: "data_dir", fix: "Create it yourself or choose a writable path."
            )
        }
    }

    public static func directorSettings(_ config: ParleyConfiguration) -> DirectorSettings {
        DirectorSettings(
            meetingIDDigits: config.meetings.idDigits,
            defaultMeetingDuration: .seconds(Int64(config.meetings.defaultDurationMinutes) * 60),
            licenceAuditWindowDays: config.licence.auditWindowDays,
            sites: config.sites.map(\.name)
        )
    }

    /// Opens the store and a director on it, for commands that work on the data directory
    /// without a running server (`parley admin token create`, `parley license add`).
    public static func withLocalDirector<T: Sendable>(
        _ config: ParleyConfiguration, logger: Logger, _ body: (Director) async throws -> T
    ) async throws -> T {
        try prepareDataDirectory(config)
        let store = try await ParleyStore.open(try storeConfiguration(config), logger: logger)
        do {
            let director = Director(store: store, settings: directorSettings(config), logger: logger)
            let result = try await body(director)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}
