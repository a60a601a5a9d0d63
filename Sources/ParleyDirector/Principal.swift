import ParleyModel

/// Who is asking: the user behind an API token or a portal session.
public struct Principal: Sendable, Hashable {
    public var user: User

    public init(user: User) {
        self.user = user
    }

    public var isAdmin: Bool { user.role == .admin }

    /// Throws 403 unless the principal is an administrator.
    public func requireAdmin(_ action: String) throws(ParleyError) {
        guard isAdmin else {
            throw ParleyError(
                .forbidden, code: "auth.admin_required",
                message: "Only administrators may \(action).",
                fix: "Ask an administrator, or use an admin token (`parley admin token create`)."
            )
        }
    }

    /// Throws 403 unless the principal is an administrator or hosts this meeting.
    public func requireHostOrAdmin(of meeting: Meeting, _ action: String) throws(ParleyError) {
        guard isAdmin || meeting.hostID == user.id else {
            throw ParleyError(
                .forbidden, code: "auth.not_your_meeting",
                message: "Only the meeting's host or an administrator may \(action); meeting \(meeting.meetingID) is hosted by someone else."
            )
        }
    }
}
