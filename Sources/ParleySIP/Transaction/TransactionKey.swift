/// Identifies a server transaction (RFC 3261 §17.2.3): the top Via's branch and sent-by,
/// and the method, with ACK matching the INVITE it acknowledges.
///
/// Only RFC 3261 branches (magic cookie `z9hG4bK` followed by an identifier) are keyed;
/// the RFC 2543 fallback is not implemented, so a request without one gets no key and
/// should be answered 400 statelessly (RFC 4475 badbranch).
public struct TransactionKey: Sendable, Hashable, CustomStringConvertible {
    public var branch: String
    /// `host[:port]` of the top Via, host lowercased.
    public var sentBy: String
    public var method: SIPMethod

    public init(branch: String, sentBy: String, method: SIPMethod) {
        self.branch = branch
        self.sentBy = sentBy
        self.method = method == .ack ? .invite : method
    }

    /// The key of the transaction a request belongs to (ACK → its INVITE's transaction).
    public init?(request: SIPMessage) {
        guard let method = request.method, let via = request.topVia, via.hasRFC3261Branch,
            let branch = via.branch
        else { return nil }
        self.init(branch: branch, sentBy: via.sentBy.lowercased(), method: method)
    }

    /// The key of the INVITE transaction a CANCEL targets (RFC 3261 §9.2).
    public static func invite(cancelledBy cancel: SIPMessage) -> TransactionKey? {
        guard cancel.method == .cancel, let key = TransactionKey(request: cancel) else { return nil }
        return TransactionKey(branch: key.branch, sentBy: key.sentBy, method: .invite)
    }

    public var description: String { "\(method) \(branch) \(sentBy)" }
}
