import Hummingbird
import ParleyDirector
import ParleyModel

/// A meeting's chat as kept with its record: its host or administrators.
extension APIRoutes {
    func registerChat(_ api: RouterGroup<APIContext>) {
        api.get("meetings/:id/chat") { _, context in
            let messages = try await director.chat(try context.parameters.require("id"), by: try context.requirePrincipal())
            return JSONReply(ItemsDTO(items: messages.map(ChatMessageDTO.init)))
        }
    }
}

/// One chat message in `/api/v1` responses (the `ChatMessage` schema of docs/openapi.yaml).
public struct ChatMessageDTO: Codable, Sendable, Equatable {
    public var id: String
    /// The sender's participant ID in the live meeting (`prt_…`).
    public var participant: String
    public var displayName: String
    public var text: String
    public var sentAt: String

    public init(_ message: ChatMessage) {
        id = message.id.rawValue
        participant = message.participant
        displayName = message.displayName
        text = message.text
        sentAt = message.sentAt.rfc3339
    }
}
