import ParleyDirector
import ParleyModel
import ParleyTestSupport
import Testing

@Suite("Director licences and alarms")
struct LicenceTests {
    @Test("Without a licence only one meeting may be in progress; a licence lifts that", arguments: StoreKind.allCases)
    func singleMeeting(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            let a = try await f.schedule(alice, 0, 60)
            let b = try await f.schedule(bob, 0, 60)
            #expect(try await f.director.licenceStatus(by: f.admin).singleMeetingMode)

            _ = try await f.director.startMeeting(a.id.rawValue, by: alice)
            let refusal = await expectError("licence.single_meeting", .refused) {
                try await f.director.startMeeting(b.id.rawValue, by: nil)
            }
            let error = try #require(refusal)
            #expect(error.httpStatus == 403)
            #expect(error.message.contains("only one meeting"))
            #expect(error.message.contains("No host licences"))
            #expect(error.fix?.contains("parley license add") == true)
            #expect(try await f.stored(b).state == .scheduled)

            let status = try await f.director.addLicences(hosts: 5, note: "PO 1234", by: f.admin)
            #expect(status.installedHosts == 5)
            #expect(!status.singleMeetingMode)
            let outcome = try await f.director.startMeeting(b.id.rawValue, by: nil)
            #expect(outcome == .started(try await f.stored(b)))
            #expect(try await f.director.meetings(MeetingQuery(states: [.inProgress]), by: f.admin).total == 2)
        }
    }

    @Test("Without a licence, the next meeting may start once the running one has ended")
    func oneAfterAnother() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            let a = try await f.schedule(alice, 0, 60)
            let b = try await f.schedule(bob, 0, 60)
            _ = try await f.director.startMeeting(a.id.rawValue, by: nil)
            f.clock.set(at(20))
            _ = try await f.director.endMeeting(a.id.rawValue, by: nil)
            _ = try await f.director.startMeeting(b.id.rawValue, by: nil)
        }
    }

    @Test("A refused start still reports an already-running meeting as running")
    func alreadyRunningIsNotRefused() async throws {
        try await withDirector { f in
            let alice = try await f.user("alice")
            let a = try await f.schedule(alice, 0, 60)
            _ = try await f.director.startMeeting(a.id.rawValue, by: nil)
            let again = try await f.director.startMeeting(a.id.rawValue, by: nil)
            #expect(again == .alreadyRunning(try await f.stored(a)))
        }
    }

    @Test("The audit raises one alarm when creators exceed licences, and clears it when licences are added", arguments: StoreKind.allCases)
    func auditAlarm(kind: StoreKind) async throws {
        try await withDirector(kind) { f in
            _ = try await f.director.addLicences(hosts: 1, note: "", by: nil)
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            try await f.schedule(alice, 60, 120)
            #expect(try await f.director.alarms(includeCleared: true, by: f.admin).isEmpty)
            // The same creator again does not count twice.
            try await f.schedule(alice, 180, 240)
            #expect(try await f.director.runLicenceAudit().activeHosts == 1)
            #expect(try await f.director.alarms(includeCleared: true, by: f.admin).isEmpty)

            // A second creator exceeds the one licence: the alarm is raised when the meeting is created.
            f.clock.set(at(1))
            try await f.schedule(bob, 60, 120)
            var active = try await f.director.alarms(includeCleared: false, by: f.admin)
            #expect(active.count == 1)
            let alarm = try #require(active.first)
            #expect(alarm.code == "licence.hosts_exceeded")
            #expect(alarm.isActive)
            #expect(alarm.raisedAt == at(1))
            #expect(alarm.message.contains("2 users"))
            #expect(alarm.message.contains("parley license add"))
            let status = try await f.director.licenceStatus(by: f.admin)
            #expect(status.exceeded)
            #expect(status.activeHosts == 2)
            #expect(status.installedHosts == 1)

            // Running the audit again does not raise a second alarm.
            f.clock.set(at(2))
            try await f.director.runLicenceAudit()
            try await f.director.runLicenceAudit()
            active = try await f.director.alarms(includeCleared: false, by: f.admin)
            #expect(active.map(\.id) == [alarm.id])
            #expect(try await f.director.alarms(includeCleared: true, by: f.admin).count == 1)

            // Licences for both clear it; the record stays.
            f.clock.set(at(3))
            let after = try await f.director.addLicences(hosts: 1, note: "second", by: f.admin)
            #expect(!after.exceeded)
            #expect(after.installedHosts == 2)
            #expect(after.grants.count == 2)
            #expect(try await f.director.alarms(includeCleared: false, by: f.admin).isEmpty)
            let all = try await f.director.alarms(includeCleared: true, by: f.admin)
            #expect(all.count == 1)
            #expect(all.first?.id == alarm.id)
            #expect(all.first?.clearedAt == at(3))
            #expect(all.first?.isActive == false)
        }
    }

    @Test("A new excess after clearing raises a new alarm")
    func raisedAgain() async throws {
        try await withDirector { f in
            _ = try await f.director.addLicences(hosts: 1, note: "", by: nil)
            try await f.schedule(try await f.user("alice"), 60, 120)
            try await f.schedule(try await f.user("bob"), 60, 120)
            f.clock.set(at(5))
            _ = try await f.director.addLicences(hosts: 1, note: "", by: nil)
            f.clock.set(at(10))
            try await f.schedule(try await f.user("carol"), 60, 120)
            let all = try await f.director.alarms(includeCleared: true, by: f.admin)
            #expect(all.count == 2)
            #expect(all.filter(\.isActive).count == 1)
            #expect(all.first?.raisedAt == at(10), "newest first")
        }
    }

    @Test("Creators outside the audit window are not counted", arguments: StoreKind.allCases)
    func auditWindow(kind: StoreKind) async throws {
        try await withDirector(kind, settings: .test(auditWindowDays: 30)) { f in
            _ = try await f.director.addLicences(hosts: 1, note: "", by: nil)
            let alice = try await f.user("alice")
            let bob = try await f.user("bob")
            try await f.schedule(alice, 60, 120)
            try await f.schedule(bob, 60, 120)
            #expect(try await f.director.alarms(includeCleared: false, by: f.admin).count == 1)

            // 29 days on, both still count.
            f.clock.set(at(29 * 24 * 60))
            var status = try await f.director.runLicenceAudit()
            #expect(status.activeHosts == 2)
            #expect(status.auditWindowDays == 30)
            #expect(status.exceeded)

            // Exactly 30 days on, the meetings were created at the window's first instant: still counted.
            f.clock.set(at(30 * 24 * 60))
            #expect(try await f.director.runLicenceAudit().activeHosts == 2)
            // A millisecond later they are out of the window.
            f.clock.set(at(30 * 24 * 60) + .milliseconds(1))
            #expect(try await f.director.runLicenceAudit().activeHosts == 0)

            // 31 days on, neither counts: the alarm is cleared.
            f.clock.set(at(31 * 24 * 60))
            status = try await f.director.runLicenceAudit()
            #expect(status.activeHosts == 0)
            #expect(!status.exceeded)
            #expect(status.checkedAt == at(31 * 24 * 60))
            #expect(try await f.director.alarms(includeCleared: false, by: f.admin).isEmpty)

            // Bob creates one more meeting: one creator in the window, one licence: no alarm.
            try await f.schedule(bob, 31 * 24 * 60 + 60, 31 * 24 * 60 + 120)
            status = try await f.director.runLicenceAudit()
            #expect(status.activeHosts == 1)
            #expect(try await f.director.alarms(includeCleared: false, by: f.admin).isEmpty)
        }
    }

    @Test("The licence count must be sensible")
    func licenceValidation() async throws {
        try await withDirector { f in
            for hosts in [0, -1, 1_000_001] {
                await expectError("validation.hosts", .invalid, field: "hosts") {
                    try await f.director.addLicences(hosts: hosts, note: "", by: f.admin)
                }
            }
            await expectError("validation.note", .invalid, field: "note") {
                try await f.director.addLicences(hosts: 1, note: String(repeating: "x", count: 501), by: f.admin)
            }
            let status = try await f.director.licenceStatus(by: f.admin)
            #expect(status.installedHosts == 0)
        }
    }
}
