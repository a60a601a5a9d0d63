import ParleyModel
import SQLKit

/// Meetings and the queries over them.
extension SQLStoreTransaction {
    private static let meetingColumns = [
        "id", "meeting_id", "title", "host_id", "schedule_kind", "start_at", "end_at", "password_hash",
        "host_pin_hash", "expected_participants", "preferred_site", "state", "created_by", "created_at",
        "started_at", "ended_at",
    ]

    private func meetingValues(_ meeting: Meeting) -> [any SQLExpression] {
        [
            bind(meeting.id), bind(meeting.meetingID.digits), bind(meeting.title), bind(meeting.hostID),
            bind(ScheduleKind(meeting.schedule).rawValue), bind(meeting.schedule.start), bind(meeting.schedule.end),
            bind(meeting.passwordHash), bind(meeting.hostPINHash), bind(meeting.expectedParticipants),
            bind(meeting.preferredSite), bind(meeting.state.rawValue), bind(meeting.createdBy),
            bind(meeting.createdAt), bind(meeting.startedAt), bind(meeting.endedAt),
        ]
    }

    func insertMeeting(_ meeting: Meeting) async throws {
        try await changing(
            onConflict: { StoreErrors.conflict($0, meeting: meeting) },
            onForeignKey: { StoreErrors.missingReference("user", id: meeting.hostID, field: "hostID") }
        ) {
            try await db.insert(into: "meetings").columns(Self.meetingColumns).values(meetingValues(meeting)).run()
        }
    }

    func updateMeeting(_ meeting: Meeting) async throws {
        let found = try await changing(
            onConflict: { StoreErrors.conflict($0, meeting: meeting) },
            onForeignKey: { StoreErrors.missingReference("user", id: meeting.hostID, field: "hostID") }
        ) {
            let update = db.update("meetings")
            for (column, value) in zip(Self.meetingColumns, meetingValues(meeting)).dropFirst() {
                _ = update.set(column, to: value)
            }
            return try await affectsOne(update.where("id", .equal, bind(meeting.id)))
        }
        guard found else { throw ParleyError.notFound("meeting", meeting.id.rawValue) }
    }

    func meeting(id: RecordID) async throws -> Meeting? {
        let query = db.select().column("*").from("meetings").where("id", .equal, bind(id))
        return try await first(query, table: "meetings") { try $0.meeting() }
    }

    func meetings(_ filter: MeetingFilter) async throws -> [Meeting] {
        if let states = filter.states, states.isEmpty { return [] }
        let query = restrict(db.select().column("*").from("meetings"), to: filter)
            // Reservationless (no start) first, then by start; meeting IDs in MeetingID's
            // order (shorter first), then record ID for a total order.
            .orderBy(SQLBinaryExpression(SQLColumn("start_at"), .isNot, SQLLiteral.null))
            .orderBy("start_at")
            .orderBy(SQLFunction("LENGTH", args: SQLColumn("meeting_id")))
            .orderBy("meeting_id")
            .orderBy("id")
            .limit(clamp(filter.limit))
            .offset(max(0, filter.offset))
        return try await all(query, table: "meetings") { try $0.meeting() }
    }

    func countMeetings(_ filter: MeetingFilter) async throws -> Int {
        if let states = filter.states, states.isEmpty { return 0 }
        return try await count("meetings") { restrict($0, to: filter) }
    }

    func countMeetingCreators(since: Timestamp) async throws -> Int {
        try await count("meetings", SQLDistinct("created_by")) {
            $0.where("created_at", .greaterThanOrEqual, bind(since))
        }
    }

    /// The WHERE clauses of a filter; `limit` and `offset` are the caller's.
    private func restrict(_ query: SQLSelectBuilder, to filter: MeetingFilter) -> SQLSelectBuilder {
        var query = query
        if let hostID = filter.hostID {
            query = query.where("host_id", .equal, bind(hostID))
        }
        if let meetingID = filter.meetingID {
            query = query.where("meeting_id", .equal, bind(meetingID.digits))
        }
        if let states = filter.states {
            let values = states.map(\.rawValue).sorted().map { bind($0) }
            query = query.where(SQLColumn("state"), .in, SQLGroupExpression(values))
        }
        let reservationless = bind(ScheduleKind.reservationless.rawValue)
        if let endsAfter = filter.endsAfter {
            query = query.where(group: { group in
                group.where("schedule_kind", .equal, reservationless).orWhere("end_at", .greaterThan, bind(endsAfter))
            })
        }
        if let startsBefore = filter.startsBefore {
            query = query.where(group: { group in
                group.where("schedule_kind", .equal, reservationless)
                    .orWhere("start_at", .lessThan, bind(startsBefore))
            })
        }
        return query
    }
}
