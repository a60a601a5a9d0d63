import Foundation
import NIOConcurrencyHelpers
import ParleyDirector
import ParleyMediaServer
import ParleyModel

/// The node's view of the director when both run in one process (`parley serve`).
struct DirectorMeetingDirectory: MeetingDirectory {
    let director: Director
    /// Participants a meeting may hold on this node (the node's audio ports).
    let capacity: Int
    /// Attendance handle → meeting record, to complete the record when the caller leaves.
    private let handles = NIOLockedValueBox<[String: RecordID]>([:])

    init(director: Director, capacity: Int) {
        self.director = director
        self.capacity = capacity
    }

    func admit(meetingID: String) async -> Admission {
        do {
            let m = try await director.admitCaller(meetingID: meetingID)
            return .admitted(
                AdmittedMeeting(
                    meeting: m.recordID.rawValue, meetingID: m.meetingID.digits, reservationless: m.reservationless,
                    needsPassword: m.needsPassword, hasHostPIN: m.hasHostPIN, capacity: capacity
                ))
        } catch {
            switch error {
            case .notFound: return .refused(.notFound)
            case .notStarted: return .refused(.notStarted)
            case .ended: return .refused(.ended)
            case .noLicence: return .refused(.noLicence)
            }
        }
    }

    func checkPassword(meeting: String, _ password: String) async -> Bool {
        await director.checkMeetingPassword(RecordID(rawValue: meeting), password)
    }

    func checkHostPIN(meeting: String, _ pin: String) async -> Bool {
        await director.checkHostPIN(RecordID(rawValue: meeting), pin)
    }

    func participantJoined(_ p: ParticipantRecord) async -> String? {
        let meeting = RecordID(rawValue: p.meeting)
        guard let id = await director.beginAttendance(
            meeting: meeting, uri: p.uri, displayName: p.displayName,
            joinedAt: Timestamp(millisecondsSinceEpoch: p.joinedAtMilliseconds), codec: p.codec
        ) else { return nil }
        handles.withLockedValue { $0[id.rawValue] = meeting }
        return id.rawValue
    }

    func participantLeft(_ handle: String, leftAtMilliseconds: Int64, statistics: CallStatistics?) async {
        guard let meeting = handles.withLockedValue({ $0.removeValue(forKey: handle) }) else { return }
        let json = statistics.flatMap { try? Self.encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        await director.finishAttendance(
            RecordID(rawValue: handle), meeting: meeting, leftAt: Timestamp(millisecondsSinceEpoch: leftAtMilliseconds), statistics: json)
    }

    /// The attendance record's statistics column: `CallStatistics` as compact JSON.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    func meetingEmptied(meeting: String) async {
        _ = try? await director.endMeeting(meeting, by: nil)
    }
}
