import Logging
import ParleyModel
import ParleySIP

/// Rooms: entering and leaving meetings, waiting for the host, keypad commands.
extension CallController {
    func join(callID: String, asHost: Bool) async {
        guard var call = calls[callID], let meeting = call.meeting else { return }
        call.isHost = asHost
        call.joinedAt = wallClock()
        var room = rooms[meeting.meeting] ?? Room(meeting: meeting)
        if rooms[meeting.meeting] == nil {
            rooms[meeting.meeting] = room
            await media.createRoom(id: meeting.meeting, placement: meeting.meetingID)
        }
        guard !room.closing else {
            calls[callID] = call
            await sayGoodbye(callID, .meetingEnded)
            return
        }
        guard !room.locked || asHost else {
            calls[callID] = call
            await sayGoodbye(callID, .locked)
            return
        }
        if meeting.reservationless && settings.waitForHost && !asHost && !room.hostPresent {
            call.phase = .waitingForHost
            calls[callID] = call
            room.waiting.append(callID)
            rooms[meeting.meeting] = room
            await media.play(legID: callID, fileNames: [IVRPrompt.waitingForHost.rawValue])
            scheduleWaitPrompt(callID: callID)
            return
        }
        calls[callID] = call
        await enterRoom(callID: callID)
        if asHost, let waiting = rooms[meeting.meeting]?.waiting {
            rooms[meeting.meeting]?.waiting = []
            for other in waiting { await enterRoom(callID: other) }
        }
    }

    func enterRoom(callID: String) async {
        guard var call = calls[callID], let meeting = call.meeting, var room = rooms[meeting.meeting] else { return }
        call.phase = .inRoom
        room.members.append(callID)
        room.emptyGeneration += 1
        if call.isHost { room.hostPresent = true }
        rooms[meeting.meeting] = room
        calls[callID] = call
        if settings.entryTones { await media.playTone(room: meeting.meeting, entry: true) }
        await media.addLeg(callID, toRoom: meeting.meeting)
        let record = ParticipantRecord(
            meeting: meeting.meeting, uri: call.description.fromURI,
            displayName: call.description.fromDisplayName ?? call.description.fromURI,
            joinedAtMilliseconds: wallClock(), codec: call.codecName
        )
        let handle = await directory.participantJoined(record)
        calls[callID]?.attendance = handle
        logger.info("caller joined", metadata: ["sip_call_id": "\(callID)", "meeting_id": "\(meeting.meetingID)", "host": "\(call.isHost)"])
    }

    /// The call is gone; its media leg is already closed (`final` holds its last figures).
    func leaveRoom(callID: String, call: Call, meeting: String, final: LegSnapshot?) async {
        guard var room = rooms[meeting] else { return }
        room.waiting.removeAll { $0 == callID }
        let wasMember = room.members.contains(callID)
        room.members.removeAll { $0 == callID }
        if call.isHost { room.hostPresent = room.members.contains { calls[$0]?.isHost == true } }
        rooms[meeting] = room
        if wasMember && settings.entryTones && !room.closing {
            await media.playTone(room: meeting, entry: false)
        }
        if let handle = call.attendance {
            await directory.participantLeft(handle, leftAtMilliseconds: wallClock(), statistics: final?.statistics)
        }
        if room.closing && room.members.isEmpty && room.waiting.isEmpty {
            // Ended by the director: nothing to wait for.
            rooms[meeting] = nil
            return
        }
        if room.members.isEmpty && room.waiting.isEmpty {
            room.emptyGeneration += 1
            rooms[meeting] = room
            let generation = room.emptyGeneration
            Task {
                try? await Task.sleep(for: self.settings.emptyMeetingGrace)
                await self.closeIfStillEmpty(meeting: meeting, generation: generation)
            }
        }
    }

    func closeIfStillEmpty(meeting: String, generation: Int) async {
        guard let room = rooms[meeting], room.emptyGeneration == generation, room.members.isEmpty, room.waiting.isEmpty else { return }
        rooms[meeting] = nil
        await media.closeRoom(id: meeting)
        await directory.meetingEmptied(meeting: meeting)
    }

    func scheduleWaitPrompt(callID: String) {
        Task {
            try? await Task.sleep(for: self.settings.waitPromptInterval)
            await self.repeatWaitPrompt(callID: callID)
        }
    }

    func repeatWaitPrompt(callID: String) async {
        guard calls[callID]?.phase == .waitingForHost else { return }
        await media.play(legID: callID, fileNames: [IVRPrompt.waitingForHost.rawValue])
        scheduleWaitPrompt(callID: callID)
    }

    // MARK: Keypad commands

    func run(_ command: KeypadCommands.Command, callID: String) async {
        guard var call = calls[callID], let meeting = call.meeting?.meeting, var room = rooms[meeting] else { return }
        if command.hostOnly && !call.isHost {
            await media.play(legID: callID, fileNames: [IVRPrompt.hostOnly.rawValue])
            return
        }
        switch command {
        case .toggleMute:
            call.muted.toggle()
            calls[callID] = call
            await media.setMuted(legID: callID, call.muted)
            await media.play(legID: callID, fileNames: [(call.muted ? IVRPrompt.muted : .unmuted).rawValue])
        case .rollCall:
            let count = room.members.count
            let words: [IVRUtterance] = count <= 1 ? [.prompt(.onlyYou)] : [.prompt(.thereAre), .number(count), .prompt(.participants)]
            await media.play(legID: callID, fileNames: words.flatMap(\.fileNames))
        case .toggleLock:
            room.locked.toggle()
            rooms[meeting] = room
            await media.play(legID: callID, fileNames: [(room.locked ? IVRPrompt.lockedNow : .unlockedNow).rawValue])
        case .ejectLast:
            guard let last = room.members.last(where: { $0 != callID && calls[$0]?.isHost != true }) else {
                await media.play(legID: callID, fileNames: [IVRPrompt.onlyYou.rawValue])
                return
            }
            await sayGoodbye(last, .ejected)
            await media.play(legID: callID, fileNames: [IVRPrompt.ejected.rawValue])
        case .muteAll:
            _ = await muteAll(meeting: RecordID(rawValue: meeting))
            await media.play(legID: callID, fileNames: [IVRPrompt.allMuted.rawValue])
        }
    }
}
