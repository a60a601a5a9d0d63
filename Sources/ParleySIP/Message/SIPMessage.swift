import NIOCore

/// A SIP request or response (RFC 3261 §7).
///
/// The start line is typed, the headers are kept in order with case-insensitive names,
/// and the body is a `ByteBuffer` slice of the received bytes. Only SIP/2.0 is accepted,
/// so the version is not stored. Parsing is in `SIPMessageParser`, validation of the
/// mandatory headers in `validate()`, writing in `write(into:)`.
public struct SIPMessage: Sendable, Hashable {
    public enum StartLine: Sendable, Hashable {
        case request(method: SIPMethod, uri: SIPURI)
        case response(status: Int, reason: String)
    }

    public static let version = "SIP/2.0"

    public var startLine: StartLine
    public var headers: SIPHeaders
    public var body: ByteBuffer

    public init(startLine: StartLine, headers: SIPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.startLine = startLine
        self.headers = headers
        self.body = body
    }

    /// A request with the given start line.
    public static func request(
        _ method: SIPMethod,
        uri: SIPURI,
        headers: SIPHeaders = [:],
        body: ByteBuffer = ByteBuffer()
    ) -> SIPMessage {
        SIPMessage(startLine: .request(method: method, uri: uri), headers: headers, body: body)
    }

    public var isRequest: Bool {
        if case .request = startLine { return true }
        return false
    }

    public var isResponse: Bool { !isRequest }

    /// The request method, or for a response the method of its CSeq.
    public var method: SIPMethod? {
        switch startLine {
        case .request(let method, _): return method
        case .response: return cseq?.method
        }
    }

    public var requestURI: SIPURI? {
        if case .request(_, let uri) = startLine { return uri }
        return nil
    }

    public var status: Int? {
        if case .response(let status, _) = startLine { return status }
        return nil
    }

    public var reasonPhrase: String? {
        if case .response(_, let reason) = startLine { return reason }
        return nil
    }
}
