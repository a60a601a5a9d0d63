import NIOCore

extension SIPMessage {
    /// A response to `request` built as RFC 3261 §8.2.6 says: the Via values (in order),
    /// From, Call-ID and CSeq copied, To copied with `toTag` added if it had none, and a
    /// 100 also copying Timestamp. Headers that are missing or malformed in the request are
    /// copied as they are, so a 400 can still be built for a request that failed `validate()`.
    public static func response(
        to request: SIPMessage,
        status: Int,
        reason: String? = nil,
        toTag: String? = nil,
        headers extra: SIPHeaders = [:],
        body: ByteBuffer = ByteBuffer()
    ) -> SIPMessage {
        var headers = SIPHeaders()
        for field in request.headers where field.name == .via {
            headers.add(.via, field.value)
        }
        for line in request.headers.lines(for: .from).prefix(1) {
            headers.add(.from, line)
        }
        for line in request.headers.lines(for: .to).prefix(1) {
            var value = line
            if let toTag, status != 100, request.to?.tag == nil {
                value += ";tag=" + toTag
            }
            headers.add(.to, value)
        }
        for line in request.headers.lines(for: .callID).prefix(1) {
            headers.add(.callID, line)
        }
        for line in request.headers.lines(for: .cseq).prefix(1) {
            headers.add(.cseq, line)
        }
        if status == 100, let timestamp = request.headers[.timestamp] {
            headers.add(.timestamp, timestamp)
        }
        for field in extra {
            headers.add(field.name, field.value)
        }
        return SIPMessage(
            startLine: .response(status: status, reason: reason ?? SIPStatus.reasonPhrase(for: status)),
            headers: headers,
            body: body
        )
    }

    /// The To tag of this message (ours when it is a response we sent).
    public var toTag: String? { to?.tag }

    /// The From tag of this message.
    public var fromTag: String? { from?.tag }
}
