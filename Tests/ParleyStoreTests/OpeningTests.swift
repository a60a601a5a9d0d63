import Foundation
import ParleyModel
import ParleyStore
import ParleyTestSupport
import Testing

@Suite("Opening a store", .timeLimit(.minutes(2)))
struct OpeningTests {
    @Test(arguments: StoreKind.allCases)
    func reopeningKeepsTheData(kind: StoreKind) async throws {
        try await withTestStoreConfiguration(kind) { configuration async throws in
            let alice = Fixtures.user("alice", profileNumber: "4001", full: true)
            let first = try await ParleyStore.open(configuration, logger: makeTestLogger())
            try await insert(first, users: [alice], meetings: [try Fixtures.meeting("mtg_1", meetingID: "1234", host: alice)])
            try await first.close()

            let second = try await ParleyStore.open(configuration, logger: makeTestLogger())
            let (user, meetings) = try await second.read { tx in
                (try await tx.user(login: "alice"), try await tx.meetings(MeetingFilter()))
            }
            #expect(user == alice)
            #expect(meetings.map(\.id.rawValue) == ["mtg_1"])
            try await second.close()
        }
    }

    @Test(arguments: [
        Array("This is a Parley configuration file, not a database.\n".utf8),
        Array("SQLite format 3".utf8) + [0] + [UInt8](repeating: 0xAB, count: 4080),
    ])
    func aFileThatIsNotADatabaseIsRefusedAndLeftUntouched(contents: [UInt8]) async throws {
        try await TemporaryDirectory.with { directory async throws in
            let path = directory.appending("parley.sqlite")
            try Data(contents).write(to: URL(fileURLWithPath: path))
            let error = await parleyError { _ = try await ParleyStore.open(.sqlite(path: path), logger: makeTestLogger()) }
            #expect(error?.kind == .storage)
            #expect(error?.code == "store.not_a_store")
            #expect(error?.message.contains(path) == true)
            #expect(error?.message.contains("not a Parley store") == true)
            #expect(error?.message.contains("left untouched") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contents))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["parley.sqlite"])
        }
    }

    @Test
    func aSQLiteDatabaseOfAnotherProgramIsRefusedAndLeftUntouched() async throws {
        try await TemporaryDirectory.with { directory async throws in
            let path = directory.appending("other.sqlite")
            // A SQLite file with tables but without Parley's version table.
            let store = try await ParleyStore.open(.sqlite(path: path), logger: makeTestLogger())
            try await store.executeForTesting("DROP TABLE parley_schema")
            try await store.close()
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let error = await parleyError { _ = try await ParleyStore.open(.sqlite(path: path), logger: makeTestLogger()) }
            #expect(error?.code == "store.not_a_store")
            #expect(error?.message.contains("another program") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
    }

    @Test
    func aSQLitePathInAMissingDirectoryCannotBeOpened() async throws {
        let path = "/tmp/parley-no-such-directory-\(UInt64.random(in: 0...UInt64.max))/parley.sqlite"
        let error = await parleyError { _ = try await ParleyStore.open(.sqlite(path: path), logger: makeTestLogger()) }
        #expect(error?.kind == .storage)
        #expect(error?.code == "store.cannot_open")
        #expect(error?.message.contains(path) == true)
    }

    @Test(arguments: StoreKind.allCases)
    func aStoreWithANewerSchemaIsRefusedAndLeftUntouched(kind: StoreKind) async throws {
        try await withTestStoreConfiguration(kind) { configuration async throws in
            let store = try await ParleyStore.open(configuration, logger: makeTestLogger())
            try await insert(store, users: [Fixtures.user("alice")])
            let newer = ParleyStore.currentSchemaVersion + 98
            try await store.executeForTesting("INSERT INTO parley_schema (version, applied_at) VALUES (\(newer), 0)")
            try await store.close()
            let before = try fileBytes(configuration)

            for _ in 0..<2 {
                let error = await parleyError { _ = try await ParleyStore.open(configuration, logger: makeTestLogger()) }
                #expect(error?.kind == .storage)
                #expect(error?.code == "store.newer_schema")
                #expect(
                    error?.message.contains(
                        "newer Parley (schema \(newer), this build knows \(ParleyStore.currentSchemaVersion))"
                    ) == true
                )
                #expect(error?.fix == "Upgrade Parley or point data_dir elsewhere.")
                #expect(try fileBytes(configuration) == before)
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anUnknownEnumValueInARowIsAStorageErrorNotACrash(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let host = Fixtures.user("host")
            try await insert(store, users: [host], meetings: [try Fixtures.meeting("mtg_1", meetingID: "1234", host: host)])
            try await store.executeForTesting("UPDATE users SET role = 'emperor'")
            try await store.executeForTesting("UPDATE meetings SET state = 'paused'")
            let user = await parleyError { _ = try await store.read { tx in try await tx.user(login: "host") } }
            #expect(user?.kind == .storage)
            #expect(user?.message.contains("'users'") == true)
            #expect(user?.message.contains("'role'") == true)
            let meeting = await parleyError { _ = try await store.read { tx in try await tx.meetings(MeetingFilter()) } }
            #expect(meeting?.kind == .storage)
            #expect(meeting?.message.contains("'state'") == true)

            try await store.executeForTesting("UPDATE meetings SET state = 'scheduled', meeting_id = '12ab'")
            let meetingID = await parleyError { _ = try await store.read { tx in try await tx.meeting(id: RecordID(rawValue: "mtg_1")) } }
            #expect(meetingID?.message.contains("'meeting_id'") == true)
        }
    }

    @Test
    func aSQLiteStoreLockedByAnotherWriterIsReportedClearly() async throws {
        try await TemporaryDirectory.with { directory async throws in
            let path = directory.appending("parley.sqlite")
            let holder = try await ParleyStore.open(.sqlite(path: path), logger: makeTestLogger())
            let waiter = try await ParleyStore.open(
                .sqlite(path: path), logger: makeTestLogger(), options: StoreOptions(sqliteBusyTimeoutMilliseconds: 50)
            )
            let (entered, enteredSignal) = AsyncStream<Void>.makeStream()
            let (release, releaseSignal) = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await holder.write { tx in
                        try await tx.insertUser(Fixtures.user("alice"))
                        enteredSignal.yield()
                        for await _ in release { break }
                    }
                }
                for await _ in entered { break }
                let error = await parleyError { try await insert(waiter, users: [Fixtures.user("bob")]) }
                #expect(error?.kind == .storage)
                #expect(error?.code == "store.locked")
                #expect(error?.message.contains("another process holds it") == true)
                releaseSignal.yield()
                try await group.waitForAll()
            }
            // Once the lock is gone the second store writes normally.
            try await insert(waiter, users: [Fixtures.user("bob")])
            try await holder.close()
            try await waiter.close()
        }
    }

    @Test
    func postgresConnectionFailuresNameTheServerAndWhatToCheck() async throws {
        let running = try await PostgresServer.shared.start()
        let refusedPort = try PostgresServer.freePort()
        let refused = await parleyError {
            _ = try await ParleyStore.open(
                .postgres(host: "127.0.0.1", port: refusedPort, username: "postgres", password: nil, database: "postgres", requireTLS: false),
                logger: makeTestLogger()
            )
        }
        #expect(refused?.kind == .storage)
        #expect(refused?.message.contains("127.0.0.1:\(refusedPort)") == true)
        #expect(refused?.message.contains("connection refused") == true)
        #expect(refused?.fix?.isEmpty == false)

        let badUser = await parleyError {
            _ = try await ParleyStore.open(
                .postgres(host: "127.0.0.1", port: running, username: "nobody", password: "x", database: "postgres", requireTLS: false),
                logger: makeTestLogger()
            )
        }
        #expect(badUser?.kind == .storage)
        #expect(badUser?.code == "store.authentication_failed")
        #expect(badUser?.message.contains("127.0.0.1:\(running)") == true)

        let noDatabase = await parleyError {
            _ = try await ParleyStore.open(
                .postgres(host: "127.0.0.1", port: running, username: "postgres", password: nil, database: "absent", requireTLS: false),
                logger: makeTestLogger()
            )
        }
        #expect(noDatabase?.code == "store.missing_database")
        #expect(noDatabase?.message.contains("'absent'") == true)
    }

    /// The bytes of a SQLite store's file; for PostgreSQL, nothing to compare (the schema
    /// check there is read-only by construction and re-checked by opening twice).
    private func fileBytes(_ configuration: StoreConfiguration) throws -> Data {
        guard case .sqlite(let path) = configuration else { return Data() }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}
