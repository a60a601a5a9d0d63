import Logging
import Metrics
import ParleyModel
import ParleyStore

/// The licence picture an administrator sees.
public struct LicenceStatus: Sendable, Hashable {
    public var installedHosts: Int
    /// Distinct users who created meetings in the audit window.
    public var activeHosts: Int
    public var auditWindowDays: Int
    public var exceeded: Bool
    /// With no licence installed, only one meeting may be in progress at a time.
    public var singleMeetingMode: Bool
    public var grants: [LicenceGrant]
    public var checkedAt: Timestamp
}

extension Director {
    /// Installs more host licences. Local operation (CLI on the data directory) when
    /// `principal` is nil; administrators only through the API.
    public func addLicences(hosts: Int, note: String, by principal: Principal?) async throws -> LicenceStatus {
        if let principal { try principal.requireAdmin("install licences") }
        guard (1...1_000_000).contains(hosts) else {
            throw ParleyError.invalid("hosts", "hosts must be from 1 to 1000000, not \(hosts).")
        }
        guard note.utf8.count <= 500 else { throw ParleyError.invalid("note", "The note is longer than 500 bytes.") }
        let grant = LicenceGrant(id: .random(prefix: "lic"), hosts: hosts, note: note, addedAt: now())
        try await store.write { tx in try await tx.insertLicenceGrant(grant) }
        logger.notice("host licences installed", metadata: ["hosts": "\(hosts)"])
        return try await runLicenceAudit()
    }

    public func licenceStatus(by principal: Principal) async throws -> LicenceStatus {
        try principal.requireAdmin("see licences")
        return try await runLicenceAudit()
    }

    /// The audit (reference 000, "License Requirements"): counts distinct users who created
    /// meetings in the window, compares with installed licences, and raises or clears the
    /// alarm. Runs periodically, after each meeting is created and after licences change.
    @discardableResult
    public func runLicenceAudit() async throws -> LicenceStatus {
        let now = now()
        let window = settings.licenceAuditWindowDays
        let since = now - .seconds(Int64(window) * 86_400)
        let (status, change): (LicenceStatus, AlarmChange) = try await store.write { tx in
            let grants = try await tx.licenceGrants()
            let installed = grants.reduce(0) { $0 + $1.hosts }
            let active = try await tx.countMeetingCreators(since: since)
            let exceeded = LicenceRules.exceeds(activeHosts: active, installedHosts: installed)
            let existing = try await tx.activeAlarm(code: LicenceRules.alarmCode)
            var change = AlarmChange.none
            if exceeded, existing == nil {
                let alarm = Alarm(
                    id: .random(prefix: "alm"), code: LicenceRules.alarmCode, severity: .error,
                    message: LicenceRules.alarmMessage(activeHosts: active, installedHosts: installed, windowDays: window),
                    raisedAt: now
                )
                try await tx.insertAlarm(alarm)
                change = .raised(alarm)
            } else if !exceeded, let existing {
                try await tx.clearAlarm(id: existing.id, at: now)
                change = .cleared(existing)
            }
            let status = LicenceStatus(
                installedHosts: installed, activeHosts: active, auditWindowDays: window, exceeded: exceeded,
                singleMeetingMode: installed == 0, grants: grants, checkedAt: now
            )
            return (status, change)
        }
        switch change {
        case .raised(let alarm):
            logger.error("alarm raised", metadata: ["alarm": "\(alarm.code)", "detail": "\(alarm.message)"])
        case .cleared(let alarm):
            logger.notice("alarm cleared", metadata: ["alarm": "\(alarm.code)"])
        case .none:
            break
        }
        metrics.licencesInstalled.record(status.installedHosts)
        metrics.licencesActive.record(status.activeHosts)
        if let active = try? await store.read({ tx in try await tx.alarms(includeCleared: false, limit: 10_000).count }) {
            metrics.alarmsActive.record(active)
        }
        return status
    }

    public func alarms(includeCleared: Bool, by principal: Principal) async throws -> [Alarm] {
        try principal.requireAdmin("see alarms")
        return try await store.read { tx in try await tx.alarms(includeCleared: includeCleared, limit: 1000) }
    }
}

enum AlarmChange: Sendable {
    case none
    case raised(Alarm)
    case cleared(Alarm)
}
