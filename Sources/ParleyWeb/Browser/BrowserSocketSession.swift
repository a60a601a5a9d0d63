import Foundation
import HummingbirdWebSocket
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket
import ParleyDirector
import ParleyMediaServer
import ParleyModel

/// One browser participant's WebSocket, from `hello` to close (docs/web-protocol.md).
///
/// Audio does not pass through here: ``BrowserAudioChannelHandler`` moves binary frames
/// between the channel and the media loop. Two tasks share the socket for the rest: this one
/// reads frames (JSON requests into call control), and one writes control messages in order
/// and closes the socket when the node ends the participation.
struct BrowserSocketSession: Sendable {
    enum Outgoing: Sendable {
        case text(String)
        case close(UInt16, String)
    }

    let meetingID: String
    let deps: WebDependencies
    let control: any BrowserParticipantControl
    let hub: BrowserMeetingHub
    let ticketKey: TicketKey
    let source: SocketAddress
    let audio: BrowserAudioChannel
    let logger: Logger

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let (controlStream, controlInput) = AsyncStream.makeStream(of: Outgoing.self)
        let helloSeen = NIOLockedValueBox(false)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await item in controlStream {
                    switch item {
                    case .text(let text):
                        do { try await outbound.write(.text(text)) } catch { return }
                    case .close(let code, let reason):
                        try? await outbound.close(.init(codeNumber: Int(code)), reason: reason)
                        return
                    }
                }
            }
            // The first frame must be `hello`, within 10 seconds.
            let helloTimer = Task {
                try? await Task.sleep(for: .seconds(10))
                if !Task.isCancelled, !helloSeen.withLockedValue({ $0 }) {
                    controlInput.yield(.close(1008, "no hello within 10 seconds"))
                }
            }
            await readFrames(inbound: inbound, control: controlInput, helloSeen: helloSeen)
            helloTimer.cancel()
            // The writers drain what is queued (a refusal's `ended` and close frame) and stop.
            controlInput.finish()
        }
    }

    private func send(_ message: some Encodable, _ control: AsyncStream<Outgoing>.Continuation) {
        control.yield(.text(BrowserServerMessage.encode(message)))
    }

    private func refuse(_ reason: String, _ message: String, code: UInt16, _ control: AsyncStream<Outgoing>.Continuation) {
        send(BrowserServerMessage.Ended(reason: reason, message: message), control)
        control.yield(.close(code, reason))
    }

    private func readFrames(
        inbound: WebSocketInboundStream, control: AsyncStream<Outgoing>.Continuation, helloSeen: NIOLockedValueBox<Bool>
    ) async {
        var participation: BrowserParticipation?
        var ticket: JoinTicket?
        var hubToken: Int?
        var chatTimes: [ContinuousClock.Instant] = []
        let ended = NIOLockedValueBox(false)
        defer {
            if let hubToken, let participation {
                let hub = self.hub
                let meeting = RecordID(rawValue: participation.meeting)
                Task { await hub.unsubscribe(meeting, token: hubToken) }
            }
        }
        do {
            for try await message in inbound.messages(maxSize: BrowserProtocol.maximumMessageBytes) {
                switch message {
                case .binary(let frame):
                    // Audio the channel handler did not take (it arrived before the welcome, when it
                    // has nowhere to go and is dropped, or as fragments).
                    participation?.inlet.receive(frame)
                case .text(let text):
                    let parsed: (BrowserClientMessage.Kind, BrowserClientMessage)
                    do {
                        parsed = try BrowserClientMessage.parse(text)
                    } catch {
                        control.yield(.close(1008, Self.describe(error)))
                        return await leave(participation, ended: ended)
                    }
                    let (kind, request) = parsed
                    guard let joined = participation else {
                        guard kind == .hello else {
                            control.yield(.close(1008, "the first message must be hello"))
                            return
                        }
                        helloSeen.withLockedValue { $0 = true }
                        guard request.version == BrowserProtocol.version else {
                            refuse("bad_version", "This server speaks version \(BrowserProtocol.version) of the protocol; reload the page.",
                                code: BrowserProtocol.closeRefused, control)
                            return
                        }
                        guard let presented = try? JoinTicket.verify(request.ticket ?? "", key: ticketKey), presented.meetingID == meetingID
                        else {
                            refuse("bad_ticket", "Your join link has expired or is not valid; join again from the meeting's link.",
                                code: BrowserProtocol.closeRefused, control)
                            return
                        }
                        ticket = presented
                        participation = await join(presented, previous: request.participant, control: control, ended: ended)
                        guard let participation else { return }
                        audio.attach(participation.inlet)
                        hubToken = await hub.subscribe(RecordID(rawValue: participation.meeting)) { text in control.yield(.text(text)) }
                        continue
                    }
                    if kind == .leave {
                        control.yield(.close(1000, "left"))
                        return await leave(participation, ended: ended)
                    }
                    await handle(kind, request, participation: joined, ticket: ticket, chatTimes: &chatTimes, control: control)
                }
            }
        } catch {
            // Too large, or the connection failed: either way the participant is gone.
            logger.debug("browser socket ended", metadata: ["error": "\(error)"])
        }
        await leave(participation, ended: ended)
    }

    private func leave(_ participation: BrowserParticipation?, ended: NIOLockedValueBox<Bool>) async {
        guard let participation, !ended.withLockedValue({ $0 }) else { return }
        await control.browserLeft(participation)
        await hub.refresh(RecordID(rawValue: participation.meeting))
    }

    private func join(
        _ ticket: JoinTicket, previous: String?, control: AsyncStream<Outgoing>.Continuation, ended: NIOLockedValueBox<Bool>
    ) async -> BrowserParticipation? {
        let events = BrowserParticipantEvents(
            audio: audio.outlet,
            muted: { muted in
                control.yield(.text(BrowserServerMessage.encode(BrowserServerMessage.Muted(muted: muted, by: "host"))))
            },
            ended: { reason in
                ended.withLockedValue { $0 = true }
                control.yield(.text(BrowserServerMessage.encode(BrowserServerMessage.Ended(reason: reason.rawValue, message: reason.message))))
                let code: UInt16 =
                    switch reason {
                    case .ejected: BrowserProtocol.closeEjected
                    case .meetingEnded: BrowserProtocol.closeMeetingEnded
                    case .left: 1000
                    default: BrowserProtocol.closeRefused
                    }
                control.yield(.close(code, reason.rawValue))
            }
        )
        let request = BrowserJoinRequest(
            meetingID: ticket.meetingID, displayName: ticket.name, isHost: ticket.host, source: source, resumeKey: ticket.nonce,
            previousParticipant: previous)
        switch await self.control.joinBrowser(request, events: events) {
        case .refused(let reason):
            refuse(reason.rawValue, reason.message, code: BrowserProtocol.closeRefused, control)
            return nil
        case .joined(let participation):
            send(
                BrowserServerMessage.Welcome(
                    participant: participation.participantID, meetingID: ticket.meetingID, title: ticket.title, host: participation.isHost,
                    muted: participation.isMuted), control)
            let history = (try? await deps.director.chatHistory(meeting: RecordID(rawValue: participation.meeting), limit: 200)) ?? []
            send(BrowserServerMessage.ChatHistory(messages: history.map(BrowserServerMessage.Chat.init)), control)
            logger.info("browser participant connected", metadata: ["participant": "\(participation.participantID)"])
            return participation
        }
    }

    private func handle(
        _ kind: BrowserClientMessage.Kind, _ request: BrowserClientMessage, participation: BrowserParticipation, ticket: JoinTicket?,
        chatTimes: inout [ContinuousClock.Instant], control: AsyncStream<Outgoing>.Continuation
    ) async {
        let meeting = RecordID(rawValue: participation.meeting)
        func failure(_ code: String, _ message: String) {
            send(BrowserServerMessage.Failure(code: code, message: message), control)
        }
        switch kind {
        case .hello:
            failure("bad_request", "Already joined.")
        case .leave:
            break
        case .ping:
            send(BrowserServerMessage.Pong(), control)
        case .mute:
            let muted = request.muted ?? false
            await self.control.setBrowserMuted(participation, muted)
            send(BrowserServerMessage.Muted(muted: muted, by: "self"), control)
            await hub.refresh(meeting)
        case .chat:
            let now = ContinuousClock.now
            chatTimes = chatTimes.filter { now - $0 < .seconds(1) }
            guard chatTimes.count < 5 else {
                return failure("rate_limited", "At most 5 chat messages a second.")
            }
            chatTimes.append(now)
            let text = (request.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty, text.count <= BrowserProtocol.maximumChatCharacters else {
                return failure("bad_request", "A chat message has 1 to \(BrowserProtocol.maximumChatCharacters) characters.")
            }
            do {
                let message = try await deps.director.recordChat(
                    meeting: meeting, participant: participation.participantID, displayName: ticket?.name ?? "?", text: text)
                await hub.broadcast(meeting, BrowserServerMessage.encode(BrowserServerMessage.Chat(message)))
            } catch {
                failure("bad_request", "\(error)")
            }
        case .muteParticipant, .muteAll, .lock, .eject:
            guard participation.isHost else {
                return failure("host_only", "Only the meeting's host can do that.")
            }
            let outcome: LiveActionOutcome
            switch kind {
            case .muteParticipant:
                outcome = await deps.live.setMuted(request.muted ?? true, participant: request.participant ?? "", meeting: meeting)
            case .muteAll:
                outcome = await deps.live.muteAll(meeting: meeting)
            case .lock:
                outcome = await deps.live.setLocked(request.locked ?? true, meeting: meeting)
            default:
                outcome = await deps.live.eject(participant: request.participant ?? "", meeting: meeting)
            }
            switch outcome {
            case .done:
                await hub.refresh(meeting)
            case .unknownParticipant:
                failure("unknown_participant", "Nobody with that participant ID is in the meeting.")
            case .notLive:
                failure("bad_request", "The meeting is not running.")
            }
        }
    }

    static func describe(_ problem: BrowserClientMessage.Problem) -> String {
        switch problem {
        case .notJSON: "a text frame is not a JSON object with a type"
        case .unknownType(let type): "unknown message type \(type)"
        case .missingField(let field): "missing field \(field)"
        }
    }
}
