import Foundation
import ParleyModel

/// The text frames of the browser participant protocol, version 1 (docs/web-protocol.md).
enum BrowserProtocol {
    static let version = 1
    /// Largest WebSocket message accepted (larger ones close the socket with 1009).
    static let maximumMessageBytes = 64 * 1024
    static let maximumChatCharacters = 1000
    /// Close codes of the protocol beyond RFC 6455's.
    static let closeMeetingEnded: UInt16 = 4000
    static let closeEjected: UInt16 = 4001
    static let closeRefused: UInt16 = 4003
}

/// A client's text frame. One flat shape: which fields matter depends on `type`.
struct BrowserClientMessage: Decodable, Sendable, Hashable {
    enum Kind: String, Sendable {
        case hello, mute, chat, leave, ping, muteParticipant, muteAll, lock, eject
    }

    var type: String
    var version: Int?
    var ticket: String?
    var participant: String?
    var muted: Bool?
    var text: String?
    var locked: Bool?

    var kind: Kind? { Kind(rawValue: type) }

    enum Problem: Error, Hashable {
        case notJSON
        case unknownType(String)
        case missingField(String)
    }

    /// Parses and checks a frame: known type, required fields present.
    static func parse(_ text: String) throws(Problem) -> (Kind, BrowserClientMessage) {
        guard let message = try? JSONDecoder().decode(BrowserClientMessage.self, from: Data(text.utf8)) else { throw .notJSON }
        guard let kind = message.kind else { throw .unknownType(String(message.type.prefix(40))) }
        switch kind {
        case .hello:
            guard message.ticket != nil else { throw .missingField("ticket") }
            guard message.version != nil else { throw .missingField("version") }
        case .mute, .muteParticipant:
            guard message.muted != nil else { throw .missingField("muted") }
            if kind == .muteParticipant, message.participant == nil { throw .missingField("participant") }
        case .chat:
            guard message.text != nil else { throw .missingField("text") }
        case .lock:
            guard message.locked != nil else { throw .missingField("locked") }
        case .eject:
            guard message.participant != nil else { throw .missingField("participant") }
        case .leave, .ping, .muteAll:
            break
        }
        return (kind, message)
    }
}

/// Server → client text frames.
enum BrowserServerMessage {
    struct Audio: Encodable {
        var format = "L16"
        var sampleRate = 16000
        var frameSamples = 320
        var headerBytes = 8
    }

    struct Welcome: Encodable {
        var type = "welcome"
        var version = BrowserProtocol.version
        var participant: String
        var meetingID: String
        var title: String
        var host: Bool
        var muted: Bool
        var audio = Audio()
    }

    struct RosterEntry: Encodable, Hashable {
        var id: String
        var name: String
        var host: Bool
        var muted: Bool
        var talking: Bool
        var waiting: Bool
        var kind: String
    }

    struct Roster: Encodable, Hashable {
        var type = "roster"
        var locked: Bool
        var participants: [RosterEntry]

        init(_ roster: LiveRoster) {
            self.locked = roster.isLocked
            self.participants = roster.participants.map {
                RosterEntry(
                    id: $0.id, name: $0.displayName, host: $0.isHost, muted: $0.isMuted, talking: $0.isTalking, waiting: $0.isWaiting,
                    kind: $0.codec == "L16" ? "web" : "sip")
            }
        }
    }

    struct Chat: Encodable, Hashable {
        var type = "chat"
        var participant: String
        var name: String
        var text: String
        var at: String

        init(_ message: ChatMessage) {
            self.participant = message.participant
            self.name = message.displayName
            self.text = message.text
            self.at = message.sentAt.description
        }
    }

    struct ChatHistory: Encodable {
        var type = "chatHistory"
        var messages: [Chat]
    }

    struct Muted: Encodable {
        var type = "muted"
        var muted: Bool
        var by: String
    }

    struct Failure: Encodable {
        var type = "error"
        var code: String
        var message: String
    }

    struct Ended: Encodable {
        var type = "ended"
        var reason: String
        var message: String
    }

    struct Pong: Encodable {
        var type = "pong"
    }

    static func encode(_ message: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(message) else { return #"{"type":"error","code":"internal","message":"encoding failed"}"# }
        return String(decoding: data, as: UTF8.self)
    }
}
