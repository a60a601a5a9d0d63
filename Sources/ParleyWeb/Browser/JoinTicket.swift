import Crypto
import Foundation

/// What the join form grants a browser: a signed, expiring ticket the meeting page presents
/// in its WebSocket `hello` (docs/web-protocol.md), and again on every reconnect.
///
/// Wire form: `base64url(JSON) "." base64url(HMAC-SHA256(JSON))`, keyed with the web role's
/// ticket key. The password is checked once, by the form; the ticket proves it was.
struct JoinTicket: Codable, Hashable, Sendable {
    /// The meeting's record (`mtg_…`) and the digits people dial.
    var meeting: String
    var meetingID: String
    var title: String
    var name: String
    var host: Bool
    /// Seconds since 1970.
    var expires: Int64
    /// Random: lets a reconnect replace its own dropped connection, and only its own.
    var nonce: String

    static let lifetime: Int64 = 12 * 3600

    init(meeting: String, meetingID: String, title: String, name: String, host: Bool, now: Date = Date(), nonce: String? = nil) {
        self.meeting = meeting
        self.meetingID = meetingID
        self.title = title
        self.name = name
        self.host = host
        self.expires = Int64(now.timeIntervalSince1970) + Self.lifetime
        self.nonce = nonce ?? Self.randomNonce()
    }

    static func randomNonce() -> String {
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        return Data(bytes).base64URLEncoded
    }

    func signed(with ticketKey: TicketKey) -> String {
        let key = ticketKey.key
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = (try? encoder.encode(self)) ?? Data()
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: key)
        return body.base64URLEncoded + "." + Data(mac).base64URLEncoded
    }

    enum Refusal: Error, Hashable {
        case malformed
        case badSignature
        case expired
    }

    /// Checks the signature and expiry of a presented ticket.
    static func verify(_ text: String, key ticketKey: TicketKey, now: Date = Date()) throws(Refusal) -> JoinTicket {
        let key = ticketKey.key
        guard text.utf8.count <= 4096 else { throw .malformed }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let body = Data(base64URLEncoded: String(parts[0])), let mac = Data(base64URLEncoded: String(parts[1]))
        else { throw .malformed }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key) else { throw .badSignature }
        guard let ticket = try? JSONDecoder().decode(JoinTicket.self, from: body) else { throw .malformed }
        guard ticket.expires > Int64(now.timeIntervalSince1970) else { throw .expired }
        return ticket
    }
}

/// The key that signs join tickets (HMAC-SHA256, 256 bits).
public struct TicketKey: Sendable {
    let bytes: [UInt8]

    /// A fresh random key.
    public static func random() -> TicketKey {
        TicketKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })
    }

    /// A key from a configured secret (at least 16 bytes), shared by every web server of a
    /// deployment so tickets survive restarts and load balancers.
    public init?(secret: String) {
        guard secret.utf8.count >= 16 else { return nil }
        self.bytes = Array(SHA256.hash(data: Data(secret.utf8)))
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var key: SymmetricKey { SymmetricKey(data: bytes) }
}
