/// What the UAS agreed for RFC 4028 session timers on an INVITE.
public struct SessionTimerAgreement: Sendable, Hashable {
    /// Session interval in seconds.
    public var interval: UInt32
    public var refresher: SIPSessionRefresher
    /// Headers to add to the 2xx: Session-Expires, and Require: timer when the UAC refreshes.
    public var responseHeaders: SIPHeaders

    /// We are the UAS, so we refresh when the refresher is `uas`.
    public var localRefreshes: Bool { refresher == .uas }
    public var intervalDuration: Duration { .seconds(Int64(interval)) }
}

/// The outcome of session-timer negotiation on a received INVITE or UPDATE.
public enum SessionTimerNegotiation: Sendable, Hashable {
    /// Neither side asked for session timers.
    case notUsed
    /// The requested interval is below our minimum: answer 422 with `Min-SE: minSE`.
    case intervalTooSmall(minSE: UInt32)
    case use(SessionTimerAgreement)
}

/// Our session-timer settings and the RFC 4028 §9 UAS rules.
public struct SessionTimerPolicy: Sendable, Hashable {
    /// Smallest interval we accept (RFC 4028 floor: 90 s).
    public var minimumInterval: UInt32
    /// The interval we choose when we may (RFC 4028 recommends 1800 s).
    public var preferredInterval: UInt32
    /// Use session timers even if the caller did not ask, refreshing ourselves if the
    /// caller does not support them.
    public var useWhenNotRequested: Bool

    public init(minimumInterval: UInt32 = 90, preferredInterval: UInt32 = 1800, useWhenNotRequested: Bool = true) {
        self.minimumInterval = max(90, minimumInterval)
        self.preferredInterval = max(self.minimumInterval, preferredInterval)
        self.useWhenNotRequested = useWhenNotRequested
    }

    /// Negotiates on a request: the interval is the requested one (capped at our preferred
    /// value but never below either side's Min-SE), the refresher is kept if the UAC chose,
    /// else the UAC refreshes when it supports `timer` and we do otherwise.
    public func negotiate(request: SIPMessage) -> SessionTimerNegotiation {
        let uacSupportsTimer = request.supported.contains("timer") || request.require.contains("timer")
        let requestMinSE = request.minSE ?? 90
        let floor = max(minimumInterval, requestMinSE)

        let interval: UInt32
        var refresher: SIPSessionRefresher?
        if let requested = request.sessionExpires {
            if requested.seconds < minimumInterval, uacSupportsTimer {
                return .intervalTooSmall(minSE: minimumInterval)
            }
            interval = max(min(requested.seconds, preferredInterval), floor)
            refresher = requested.refresher
        } else if useWhenNotRequested {
            interval = max(preferredInterval, floor)
        } else {
            return .notUsed
        }
        if refresher == nil || !uacSupportsTimer {
            refresher = uacSupportsTimer ? .uac : .uas
        }
        let chosen = refresher ?? .uas
        var headers = SIPHeaders()
        headers.add(.sessionExpires, SIPSessionExpires(seconds: interval, refresher: chosen).description)
        if chosen == .uac {
            headers.add(.require, "timer")
        }
        return .use(SessionTimerAgreement(interval: interval, refresher: chosen, responseHeaders: headers))
    }

    /// The 422 answer to a request whose interval is too small (RFC 4028 §6).
    public func intervalTooSmallResponse(to request: SIPMessage, toTag: String) -> SIPMessage {
        SIPMessage.response(
            to: request, status: 422, toTag: toTag,
            headers: [.minSE: "\(minimumInterval)"]
        )
    }
}
