import Foundation
import ParleyDirector
import ParleyModel

// The JSON shapes of /api/v1 responses (docs/openapi.yaml describes the same). The CLI
// decodes them too, so they are public and Codable.

public struct UserDTO: Codable, Sendable, Equatable {
    public var id: String
    public var login: String
    public var displayName: String
    public var email: String?
    public var profileNumber: String?
    public var hasPIN: Bool
    public var hasPassword: Bool
    public var role: String
    public var group: String?
    public var createdAt: String

    public init(_ user: User) {
        id = user.id.rawValue
        login = user.login
        displayName = user.displayName
        email = user.email
        profileNumber = user.profileNumber
        hasPIN = user.pinHash != nil
        hasPassword = user.passwordHash != nil
        role = user.role.rawValue
        group = user.groupName
        createdAt = user.createdAt.rfc3339
    }
}

public struct GroupDTO: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String
    public var createdAt: String

    public init(_ group: UserGroup) {
        id = group.id.rawValue
        name = group.name
        description = group.description
        createdAt = group.createdAt.rfc3339
    }
}

public struct MeetingDTO: Codable, Sendable, Equatable {
    public var id: String
    public var meetingID: String
    public var title: String
    public var host: String
    public var reservationless: Bool
    public var start: String?
    public var end: String?
    public var hasPassword: Bool
    public var hasHostPIN: Bool
    public var expectedParticipants: Int
    public var preferredSite: String?
    public var state: String
    public var createdAt: String
    public var startedAt: String?
    public var endedAt: String?

    public init(_ view: MeetingView) {
        let m = view.meeting
        id = m.id.rawValue
        meetingID = m.meetingID.digits
        title = m.title
        host = view.hostLogin
        reservationless = m.schedule == .reservationless
        start = m.schedule.start?.rfc3339
        end = m.schedule.end?.rfc3339
        hasPassword = m.passwordHash != nil
        hasHostPIN = m.hostPINHash != nil
        expectedParticipants = m.expectedParticipants
        preferredSite = m.preferredSite
        state = m.state.rawValue
        createdAt = m.createdAt.rfc3339
        startedAt = m.startedAt?.rfc3339
        endedAt = m.endedAt?.rfc3339
    }
}

public struct AttendanceDTO: Codable, Sendable, Equatable {
    public var participant: String
    public var displayName: String
    public var joinedAt: String
    public var leftAt: String?
    public var codec: String?
    /// The leg's final media figures, when the node reported them.
    public var media: CallStatisticsDTO?

    init(_ r: AttendanceRecord) {
        participant = r.participantURI
        displayName = r.displayName
        joinedAt = r.joinedAt.rfc3339
        leftAt = r.leftAt?.rfc3339
        codec = r.codec
        media = r.statistics.flatMap { try? JSONDecoder().decode(CallStatistics.self, from: Data($0.utf8)) }.map(CallStatisticsDTO.init)
    }
}

public struct AlarmDTO: Codable, Sendable, Equatable {
    public var id: String
    public var code: String
    public var severity: String
    public var message: String
    public var raisedAt: String
    public var clearedAt: String?
    public var active: Bool

    public init(_ a: Alarm) {
        id = a.id.rawValue
        code = a.code
        severity = a.severity.rawValue
        message = a.message
        raisedAt = a.raisedAt.rfc3339
        clearedAt = a.clearedAt?.rfc3339
        active = a.isActive
    }
}

public struct LicenceGrantDTO: Codable, Sendable, Equatable {
    public var id: String
    public var hosts: Int
    public var note: String
    public var addedAt: String
}

public struct LicenceStatusDTO: Codable, Sendable, Equatable {
    public var installedHosts: Int
    public var activeHosts: Int
    public var auditWindowDays: Int
    public var exceeded: Bool
    public var singleMeetingMode: Bool
    public var grants: [LicenceGrantDTO]
    public var checkedAt: String

    public init(_ s: LicenceStatus) {
        installedHosts = s.installedHosts
        activeHosts = s.activeHosts
        auditWindowDays = s.auditWindowDays
        exceeded = s.exceeded
        singleMeetingMode = s.singleMeetingMode
        grants = s.grants.map { LicenceGrantDTO(id: $0.id.rawValue, hosts: $0.hosts, note: $0.note, addedAt: $0.addedAt.rfc3339) }
        checkedAt = s.checkedAt.rfc3339
    }
}

public struct TokenDTO: Codable, Sendable, Equatable {
    public var token: String
    public var user: String
}

/// A page of a list.
public struct Page<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var items: [Item]
    public var total: Int
    public var limit: Int
    public var offset: Int
}

public struct ItemsDTO<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var items: [Item]
}

/// Media figures of a leg, live or final.
public struct CallStatisticsDTO: Codable, Sendable, Equatable {
    public var packetsReceived: UInt64
    public var packetsLost: UInt64
    public var packetsSent: UInt64
    public var lossPercent: Double
    public var jitterMs: Double
    public var roundTripMs: Double?

    public init(_ s: CallStatistics) {
        packetsReceived = s.packetsReceived
        packetsLost = s.packetsLost
        packetsSent = s.packetsSent
        lossPercent = (s.lossPercent * 100).rounded() / 100
        jitterMs = (s.jitterMilliseconds * 100).rounded() / 100
        roundTripMs = s.roundTripMilliseconds.map { ($0 * 100).rounded() / 100 }
    }
}

public struct ParticipantDTO: Codable, Sendable, Equatable {
    public var id: String
    public var displayName: String
    public var uri: String
    public var host: Bool
    public var muted: Bool
    public var talking: Bool
    public var waiting: Bool
    public var codec: String
    public var joinedAt: String
    public var levelDBov: Double?
    public var media: CallStatisticsDTO?

    public init(_ p: LiveParticipant) {
        id = p.id
        displayName = p.displayName
        uri = p.uri
        host = p.isHost
        muted = p.isMuted
        talking = p.isTalking
        waiting = p.isWaiting
        codec = p.codec
        joinedAt = p.joinedAt.rfc3339
        levelDBov = p.media.map { ($0.levelDBov * 10).rounded() / 10 }
        media = p.media.map(CallStatisticsDTO.init)
    }
}

/// A meeting's live roster; `live` is false (and the list empty) when no conference runs.
public struct RosterDTO: Codable, Sendable, Equatable {
    public var meeting: String
    public var meetingID: String
    public var live: Bool
    public var locked: Bool
    public var items: [ParticipantDTO]

    public init(_ meeting: Meeting, _ roster: LiveRoster?) {
        self.meeting = meeting.id.rawValue
        meetingID = meeting.meetingID.digits
        live = roster != nil
        locked = roster?.isLocked ?? false
        items = roster?.participants.map(ParticipantDTO.init) ?? []
    }
}
