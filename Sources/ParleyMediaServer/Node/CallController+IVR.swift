import Logging
import ParleySIP

/// Carrying out what the IVR state machine asks for.
extension CallController {
    func perform(_ actions: [IVRStateMachine.Action], callID: String) async {
        for action in actions {
            guard calls[callID] != nil else { return }
            switch action {
            case .play(let utterances):
                await media.play(legID: callID, fileNames: utterances.flatMap(\.fileNames))
            case .stopPlayback:
                await media.stopPlayback(legID: callID)
            case .startDigitTimer(let after):
                let generation = (calls[callID]?.digitTimer ?? 0) + 1
                calls[callID]?.digitTimer = generation
                Task {
                    try? await Task.sleep(for: after)
                    await self.digitTimerFired(callID: callID, generation: generation)
                }
            case .cancelDigitTimer:
                calls[callID]?.digitTimer += 1
            case .lookUp(let meetingID):
                let admission = await directory.admit(meetingID: meetingID)
                guard var call = calls[callID] else { return }
                let next: [IVRStateMachine.Action]
                switch admission {
                case .admitted(let meeting):
                    if let room = rooms[meeting.meeting], room.locked {
                        next = call.ivr.lookupResult(.locked)
                    } else if let room = rooms[meeting.meeting], room.members.count + room.waiting.count >= meeting.capacity {
                        next = call.ivr.lookupResult(.full)
                    } else {
                        call.meeting = meeting
                        next = call.ivr.lookupResult(.found(needsPassword: meeting.needsPassword, hasHostPIN: meeting.hasHostPIN))
                    }
                case .refused(let why):
                    if why == .notFound { recordFailure(callID: callID) }
                    next = call.ivr.lookupResult(why)
                }
                calls[callID] = call
                await perform(next, callID: callID)
            case .checkPassword(let password):
                guard let meeting = calls[callID]?.meeting else { return }
                let ok = await directory.checkPassword(meeting: meeting.meeting, password)
                guard var call = calls[callID] else { return }
                let next = call.ivr.passwordChecked(ok)
                calls[callID] = call
                await perform(next, callID: callID)
            case .checkHostPIN(let pin):
                guard let meeting = calls[callID]?.meeting else { return }
                let ok = await directory.checkHostPIN(meeting: meeting.meeting, pin)
                guard var call = calls[callID] else { return }
                let next = call.ivr.hostPINChecked(ok)
                calls[callID] = call
                await perform(next, callID: callID)
            case .join(let asHost):
                await join(callID: callID, asHost: asHost)
            case .hangUp:
                await hangUp(callID)
            }
        }
    }
}
