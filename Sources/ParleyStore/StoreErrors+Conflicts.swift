import ParleyModel

/// Constraint violations, named by the API field they are about.
extension StoreErrors {
    static func reference() -> ParleyError {
        ParleyError(
            .conflict,
            code: "store.reference",
            message: "The change refers to a record that does not exist, or removes one still in use."
        )
    }

    static func unknownConflict() -> ParleyError {
        ParleyError(.conflict, code: "store.conflict", message: "The change conflicts with a stored record.")
    }

    static func conflict(_ key: UniqueKey?, user: User) -> ParleyError {
        switch key {
        case .userLogin:
            return ParleyError(
                .conflict,
                code: "user.login_taken",
                message: "A user with login '\(user.login)' already exists.",
                field: "login",
                fix: "Choose another login."
            )
        case .userProfileNumber:
            return ParleyError(
                .conflict,
                code: "user.profile_number_taken",
                message: "A user with profile number '\(user.profileNumber ?? "")' already exists.",
                field: "profileNumber",
                fix: "Choose another profile number."
            )
        case .userID:
            return duplicateID("user", id: user.id.rawValue)
        default:
            return unknownConflict()
        }
    }

    static func conflict(_ key: UniqueKey?, group: UserGroup) -> ParleyError {
        switch key {
        case .groupName:
            return ParleyError(
                .conflict,
                code: "group.name_taken",
                message: "A group named '\(group.name)' already exists.",
                field: "name",
                fix: "Choose another name."
            )
        case .groupID:
            return duplicateID("group", id: group.id.rawValue)
        default:
            return unknownConflict()
        }
    }

    static func conflict(_ key: UniqueKey?, meeting: Meeting) -> ParleyError {
        switch key {
        case .meetingID:
            return ParleyError(
                .conflict,
                code: "meeting.meeting_id_taken",
                message: "Meeting ID '\(meeting.meetingID)' is already held by a scheduled or running meeting.",
                field: "meetingID",
                fix: "Choose another meeting ID, or end or cancel the meeting that holds it."
            )
        case .meetingRecordID:
            return duplicateID("meeting", id: meeting.id.rawValue)
        default:
            return unknownConflict()
        }
    }

    static func conflict(_ key: UniqueKey?, token: APIToken) -> ParleyError {
        switch key {
        case .tokenSecret:
            // Never name the hash: it identifies someone else's token.
            return ParleyError(
                .conflict,
                code: "token.duplicate_secret",
                message: "An API token with the same secret already exists.",
                fix: "Generate a new token."
            )
        case .tokenID:
            return duplicateID("token", id: token.id.rawValue)
        default:
            return unknownConflict()
        }
    }

    /// A record refers to another that does not exist (a foreign key on insert or update).
    static func missingReference(_ what: String, id: RecordID, field: String) -> ParleyError {
        ParleyError(
            .notFound,
            code: "\(what).not_found",
            message: "No \(what) '\(id)' exists.",
            field: field
        )
    }

    static func userInUse(_ id: RecordID) -> ParleyError {
        ParleyError(
            .conflict,
            code: "user.in_use",
            message: "User '\(id)' hosts meetings and cannot be deleted.",
            fix: "Cancel those meetings or give them another host first."
        )
    }
}
