import ParleyModel
import ParleyStore
import ParleyTestSupport
import Synchronization
import Testing

@Suite("Transactions", .timeLimit(.minutes(3)))
struct TransactionTests {
    struct BodyFailed: Error, Equatable {
        let reason: String
    }

    @Test(arguments: StoreKind.allCases)
    func aWriteWhoseBodyThrowsLeavesNothingAndRethrowsTheError(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let host = Fixtures.user("host")
            await #expect(throws: BodyFailed(reason: "changed my mind")) {
                try await store.write { tx in
                    try await tx.insertUser(host)
                    try await tx.insertGroup(Fixtures.group("ops"))
                    try await tx.insertMeeting(try Fixtures.meeting("mtg_1", meetingID: "1234", host: host))
                    throw BodyFailed(reason: "changed my mind")
                }
            }
            let counts = try await store.read { tx in
                (try await tx.countUsers(), try await tx.groups().count, try await tx.countMeetings(MeetingFilter()))
            }
            #expect(counts == (0, 0, 0))
            // The store is still usable afterwards.
            try await insert(store, users: [host])
            #expect(try await store.read { tx in try await tx.countUsers() } == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aCaughtConflictLeavesTheRestOfTheTransactionUsable(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            try await insert(store, users: [Fixtures.user("alice")])
            let handled = try await store.write { tx in
                var twin = Fixtures.user("alice")
                twin.id = RecordID(rawValue: "usr_twin")
                var conflict: ParleyError?
                do {
                    try await tx.insertUser(twin)
                } catch let error as ParleyError {
                    conflict = error
                }
                try await tx.insertUser(Fixtures.user("bob"))
                return conflict
            }
            #expect(handled?.field == "login")
            #expect(try await store.read { tx in try await tx.users(limit: 10, offset: 0) }.map(\.login) == ["alice", "bob"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentCheckThenInsertOfOneLoginYieldsExactlyOneRow(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await store.write { tx in
                            guard try await tx.user(login: "alice") == nil else { return false }
                            var user = Fixtures.user("alice")
                            user.id = RecordID(rawValue: "usr_\(index)")
                            try await tx.insertUser(user)
                            return true
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
            #expect(try await store.read { tx in try await tx.countUsers() } == 1)
        }
    }

    /// Two stores on one database behave like two Parley processes sharing it.
    @Test(arguments: StoreKind.allCases)
    func checkThenInsertIsSafeAcrossTwoStoresOnOneDatabase(kind: StoreKind) async throws {
        try await withTestStoreConfiguration(kind) { configuration async throws in
            let first = try await ParleyStore.open(configuration, logger: makeTestLogger())
            let second = try await ParleyStore.open(configuration, logger: makeTestLogger())
            let outcomes = try await withThrowingTaskGroup(of: Result<Bool, ParleyError>.self) { group in
                for index in 0..<20 {
                    let store = index.isMultiple(of: 2) ? first : second
                    group.addTask {
                        do {
                            return .success(try await store.write { tx in
                                guard try await tx.user(login: "alice") == nil else { return false }
                                var user = Fixtures.user("alice")
                                user.id = RecordID(rawValue: "usr_\(index)")
                                try await tx.insertUser(user)
                                return true
                            })
                        } catch let error as ParleyError {
                            return .failure(error)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = outcomes.filter { (try? $0.get()) == true }.count
            #expect(winners == 1)
            for case .failure(let error) in outcomes {
                // A loser may see the winner's row as a conflict instead of in its check.
                #expect(error.kind == .conflict, "\(error)")
            }
            #expect(try await first.read { tx in try await tx.countUsers() } == 1)
            try await first.close()
            try await second.close()
        }
    }

    /// Write skew between two PostgreSQL stores (two processes): both count the group, both
    /// see it empty, both insert. SERIALIZABLE fails one of them (40001) and the store runs
    /// that body again, which then sees the other's row.
    @Test
    func postgresSerializationFailuresRunTheBodyAgain() async throws {
        try await withTestStoreConfiguration(.postgres) { configuration async throws in
            let first = try await ParleyStore.open(configuration, logger: makeTestLogger())
            let second = try await ParleyStore.open(configuration, logger: makeTestLogger())
            let bothCounted = Rendezvous(parties: 2)
            let runs = RunCounter()
            let inserted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (name, store) in [("alice", first), ("bob", second)] {
                    group.addTask {
                        try await store.write { tx in
                            let members = try await tx.countUsers(inGroup: "solo")
                            if runs.increment(name) == 1 { await bothCounted.arrive() }
                            guard members == 0 else { return false }
                            try await tx.insertUser(Fixtures.user(name, group: "solo"))
                            return true
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(inserted == 1)
            #expect(try await first.read { tx in try await tx.countUsers(inGroup: "solo") } == 1)
            #expect(runs.total == 3)
            try await first.close()
            try await second.close()
        }
    }

    @Test(arguments: StoreKind.allCases)
    func readTransactionsRefuseWrites(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let error = await parleyError {
                try await store.read { tx in try await tx.insertUser(Fixtures.user("alice")) }
            }
            #expect(error?.kind == .storage)
            #expect(try await store.read { tx in try await tx.countUsers() } == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func readsRunWhileAWriteIsOpenAndSeeOnlyCommittedData(kind: StoreKind) async throws {
        try await withTestStore(kind) { store async throws in
            let (entered, enteredSignal) = AsyncStream<Void>.makeStream()
            let (release, releaseSignal) = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await store.write { tx in
                        try await tx.insertUser(Fixtures.user("alice"))
                        enteredSignal.yield()
                        for await _ in release { break }
                    }
                }
                for await _ in entered { break }
                #expect(try await store.read { tx in try await tx.countUsers() } == 0)
                releaseSignal.yield()
                try await group.waitForAll()
            }
            #expect(try await store.read { tx in try await tx.countUsers() } == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pingAnswersAndAClosedStoreRefusesWork(kind: StoreKind) async throws {
        try await withTestStoreConfiguration(kind) { configuration async throws in
            let store = try await ParleyStore.open(configuration, logger: makeTestLogger())
            try await store.ping()
            try await store.close()
            try await store.close()
            let error = await parleyError { _ = try await store.read { tx in try await tx.countUsers() } }
            #expect(error?.kind == .storage)
            #expect(error?.code == "store.closed")
        }
    }
}

/// Lets `parties` tasks wait until all of them have arrived.
private actor Rendezvous {
    private let parties: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(parties: Int) {
        self.parties = parties
    }

    func arrive() async {
        if waiting.count + 1 == parties {
            for waiter in waiting { waiter.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

/// Counts how often each named transaction body ran.
private final class RunCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func increment(_ name: String) -> Int {
        counts.withLock { counts in
            counts[name, default: 0] += 1
            return counts[name, default: 0]
        }
    }

    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}
