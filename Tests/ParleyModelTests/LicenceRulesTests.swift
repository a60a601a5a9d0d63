import ParleyModel
import Testing

@Suite("LicenceRules")
struct LicenceRulesTests {
    @Test(
        "Without licences, only one meeting may be in progress",
        arguments: [(0, 0, true), (1, 0, false), (2, 0, false), (0, 1, true), (1, 1, true), (5, 1, true), (50, 10, true)]
    )
    func checkStart(inProgress: Int, installed: Int, allowed: Bool) {
        var refused: ParleyError?
        do {
            try LicenceRules.checkStart(inProgress: inProgress, installedHosts: installed)
        } catch {
            refused = error
        }
        #expect((refused == nil) == allowed)
    }

    @Test("The refusal explains why and how to fix it")
    func refusal() throws {
        let error = try #require(throws: ParleyError.self) { try LicenceRules.checkStart(inProgress: 1, installedHosts: 0) }
        #expect(error.kind == .refused)
        #expect(error.code == "licence.single_meeting")
        #expect(error.httpStatus == 403)
        #expect(error.message.contains("only one meeting"))
        let fix = try #require(error.fix)
        #expect(fix.contains("parley license add"))
        #expect(error.description.contains("parley license add"))
    }

    @Test(
        "The audit is exceeded only when active hosts are more than installed licences",
        arguments: [(0, 0, false), (1, 0, true), (5, 5, false), (6, 5, true), (4, 5, false)]
    )
    func exceeds(active: Int, installed: Int, expected: Bool) {
        #expect(LicenceRules.exceeds(activeHosts: active, installedHosts: installed) == expected)
    }

    @Test("The alarm message names the numbers, the window and the command to fix it")
    func alarmMessage() {
        let message = LicenceRules.alarmMessage(activeHosts: 7, installedHosts: 5, windowDays: 30)
        #expect(message.contains("7 users"))
        #expect(message.contains("30 days"))
        #expect(message.contains("only 5 host licences"))
        #expect(message.contains("parley license add --hosts 2"))
        #expect(LicenceRules.alarmCode == "licence.hosts_exceeded")
    }

    @Test("Alarms are active until cleared")
    func alarmActive() {
        var alarm = Alarm(
            id: RecordID(rawValue: "alm_1"), code: LicenceRules.alarmCode, severity: .error, message: "m", raisedAt: t0
        )
        #expect(alarm.isActive)
        alarm.clearedAt = at(5)
        #expect(!alarm.isActive)
    }
}
