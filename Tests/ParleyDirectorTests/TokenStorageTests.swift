import Foundation
import ParleyDirector
import ParleyModel
import ParleyStore
import ParleyTestSupport
import Testing

@Suite("Director token storage on disk")
struct TokenStorageTests {
    /// Whether `needle` occurs in any file of the directory (the database, its WAL and journal).
    func directory(_ directory: TemporaryDirectory, contains needle: String) throws -> Bool {
        let pattern = Data(needle.utf8)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            guard let bytes = FileManager.default.contents(atPath: directory.appending(name)) else { continue }
            if bytes.range(of: pattern) != nil { return true }
        }
        return false
    }

    @Test("The SQLite files hold the token's hash and PIN hashes, never the token or the PIN")
    func secretsNotOnDisk() async throws {
        try await TemporaryDirectory.with { dir in
            let store = try await ParleyStore.open(.sqlite(path: dir.appending("parley.sqlite")), logger: quietLogger)
            do {
                let clock = ManualClock(t0)
                let director = Director(store: store, settings: .test(), clock: clock.wallClock, logger: quietLogger)
                let (token, admin) = try await director.createToken(forLogin: nil, label: "cli")
                let pin = "90817263"
                let password = "Sw0rdf1sh-Parley"
                _ = try await director.createUser(
                    NewUser(login: "alice", profileNumber: "5550101", pin: pin, password: password), by: Principal(user: admin)
                )
                try await store.close()

                // The scan does see the records: the hash, the login and the profile number are there.
                #expect(try directory(dir, contains: SecretHasher.tokenHash(token)))
                #expect(try directory(dir, contains: "5550101"))
                // The secrets are not.
                #expect(try !directory(dir, contains: String(token.dropFirst(4))))
                #expect(try !directory(dir, contains: pin))
                #expect(try !directory(dir, contains: password))
            } catch {
                try? await store.close()
                throw error
            }
        }
    }
}
