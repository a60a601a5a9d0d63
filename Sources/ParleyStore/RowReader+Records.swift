import ParleyModel

/// Turning stored rows back into domain values, one function per table.
extension RowReader {
    func user() throws -> User {
        User(
            id: try recordID("id"),
            login: try string("login"),
            displayName: try string("display_name"),
            email: try optionalString("email"),
            profileNumber: try optionalString("profile_number"),
            pinHash: try optionalString("pin_hash"),
            passwordHash: try optionalString("password_hash"),
            role: try enumeration("role", as: UserRole.self),
            groupName: try optionalString("group_name"),
            createdAt: try timestamp("created_at")
        )
    }

    func group() throws -> UserGroup {
        UserGroup(
            id: try recordID("id"),
            name: try string("name"),
            description: try string("description"),
            createdAt: try timestamp("created_at")
        )
    }

    func meeting() throws -> Meeting {
        Meeting(
            id: try recordID("id"),
            meetingID: try meetingID("meeting_id"),
            title: try string("title"),
            hostID: try recordID("host_id"),
            schedule: try schedule(),
            passwordHash: try optionalString("password_hash"),
            hostPINHash: try optionalString("host_pin_hash"),
            expectedParticipants: try int("expected_participants"),
            preferredSite: try optionalString("preferred_site"),
            state: try enumeration("state", as: MeetingState.self),
            createdBy: try recordID("created_by"),
            createdAt: try timestamp("created_at"),
            startedAt: try optionalTimestamp("started_at"),
            endedAt: try optionalTimestamp("ended_at")
        )
    }

    private func schedule() throws -> MeetingSchedule {
        switch try enumeration("schedule_kind", as: ScheduleKind.self) {
        case .reservationless:
            return .reservationless
        case .scheduled:
            return .scheduled(start: try timestamp("start_at"), end: try timestamp("end_at"))
        }
    }

    func token() throws -> APIToken {
        APIToken(
            id: try recordID("id"),
            userID: try recordID("user_id"),
            secretHash: try string("secret_hash"),
            label: try string("label"),
            createdAt: try timestamp("created_at")
        )
    }

    func licenceGrant() throws -> LicenceGrant {
        LicenceGrant(
            id: try recordID("id"),
            hosts: try int("hosts"),
            note: try string("note"),
            addedAt: try timestamp("added_at")
        )
    }

    func alarm() throws -> Alarm {
        Alarm(
            id: try recordID("id"),
            code: try string("code"),
            severity: try enumeration("severity", as: AlarmSeverity.self),
            message: try string("message"),
            raisedAt: try timestamp("raised_at"),
            clearedAt: try optionalTimestamp("cleared_at")
        )
    }

    func attendance() throws -> AttendanceRecord {
        AttendanceRecord(
            id: try recordID("id"),
            meetingRecordID: try recordID("meeting_record_id"),
            participantURI: try string("participant_uri"),
            displayName: try string("display_name"),
            joinedAt: try timestamp("joined_at"),
            leftAt: try optionalTimestamp("left_at"),
            codec: try optionalString("codec"),
            statistics: try optionalString("statistics")
        )
    }

    func chatMessage() throws -> ChatMessage {
        ChatMessage(
            id: try recordID("id"),
            meetingRecordID: try recordID("meeting_record_id"),
            participant: try string("participant"),
            displayName: try string("display_name"),
            text: try string("text"),
            sentAt: try timestamp("sent_at")
        )
    }
}

/// The `schedule_kind` column of `meetings`.
enum ScheduleKind: String {
    case scheduled
    case reservationless

    init(_ schedule: MeetingSchedule) {
        switch schedule {
        case .scheduled: self = .scheduled
        case .reservationless: self = .reservationless
        }
    }
}
