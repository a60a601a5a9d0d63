/// What to do with a CANCEL (RFC 3261 §9.2).
public enum CancelDecision: Sendable, Hashable {
    /// The INVITE is still pending: send `cancelResponse` (200) through the CANCEL's own
    /// transaction and `inviteResponse` (487) through the INVITE transaction.
    case cancelInvite(cancelResponse: SIPMessage, inviteResponse: SIPMessage)
    /// The INVITE already has a final response: answer the CANCEL 200 and change nothing.
    case alreadyAnswered(cancelResponse: SIPMessage)
    /// No INVITE transaction matches: answer 481.
    case noMatchingTransaction(cancelResponse: SIPMessage)

    /// Decides for `cancel`, given the INVITE transaction `TransactionKey.invite(cancelledBy:)`
    /// found (if any). `toTag` is the tag used in the INVITE's responses, so the 200 and the
    /// 487 carry the same one.
    public static func decide(
        cancel: SIPMessage,
        inviteTransaction: ServerInviteTransaction?,
        toTag: String
    ) -> CancelDecision {
        guard let transaction = inviteTransaction else {
            return .noMatchingTransaction(cancelResponse: SIPMessage.response(to: cancel, status: 481))
        }
        let ok = SIPMessage.response(to: cancel, status: 200, toTag: toTag)
        guard transaction.currentState == .proceeding else {
            return .alreadyAnswered(cancelResponse: ok)
        }
        let terminated = SIPMessage.response(to: transaction.request, status: 487, toTag: toTag)
        return .cancelInvite(cancelResponse: ok, inviteResponse: terminated)
    }
}
