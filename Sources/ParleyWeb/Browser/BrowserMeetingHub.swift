import ParleyModel

/// The browser participants of each meeting, as the web role sees them: one roster poll per
/// meeting (not per participant) fanned out to every socket when it changes, and chat
/// broadcast to the meeting's sockets.
actor BrowserMeetingHub {
    private struct Meeting {
        var sockets: [Int: @Sendable (String) -> Void] = [:]
        var lastRoster: String?
        var poller: Task<Void, Never>?
    }

    private let live: any LiveMeetingControl
    private let interval: Duration
    private var meetings: [RecordID: Meeting] = [:]
    private var nextToken = 0

    init(live: any LiveMeetingControl, interval: Duration = .milliseconds(500)) {
        self.live = live
        self.interval = interval
    }

    /// Adds a socket; it gets the current roster at once and every change after. Returns the
    /// token for ``unsubscribe(_:token:)``.
    func subscribe(_ meeting: RecordID, send: @escaping @Sendable (String) -> Void) async -> Int {
        nextToken += 1
        let token = nextToken
        var state = meetings[meeting] ?? Meeting()
        state.sockets[token] = send
        if state.poller == nil {
            let interval = self.interval
            state.poller = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    await self?.poll(meeting)
                }
            }
        }
        meetings[meeting] = state
        await poll(meeting, forcing: token)
        return token
    }

    func unsubscribe(_ meeting: RecordID, token: Int) {
        meetings[meeting]?.sockets[token] = nil
        if meetings[meeting]?.sockets.isEmpty == true {
            meetings[meeting]?.poller?.cancel()
            meetings[meeting] = nil
        }
    }

    /// Sends `text` to every socket of the meeting.
    func broadcast(_ meeting: RecordID, _ text: String) {
        guard let sockets = meetings[meeting]?.sockets else { return }
        for send in sockets.values { send(text) }
    }

    /// Polls now (after a join, a mute, a lock): changes show without waiting for the timer.
    func refresh(_ meeting: RecordID) async {
        await poll(meeting)
    }

    /// Reads the roster; sends it to all sockets when it changed, and to `forcing` anyway.
    private func poll(_ meeting: RecordID, forcing token: Int? = nil) async {
        guard meetings[meeting] != nil, let roster = await live.roster(meeting: meeting) else { return }
        let text = BrowserServerMessage.encode(BrowserServerMessage.Roster(roster))
        guard var state = meetings[meeting] else { return }
        if text != state.lastRoster {
            state.lastRoster = text
            meetings[meeting] = state
            for send in state.sockets.values { send(text) }
        } else if let token, let send = state.sockets[token] {
            send(text)
        }
    }
}
