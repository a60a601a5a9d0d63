import ParleySIP

/// Settings of the node's SIP service (``SIPService``): where it listens, what it offers, and
/// how hard it defends itself.
///
/// Every value has a working default; `validate()` names the setting that is wrong and how to
/// fix it. The composition root fills it from the `sip.*` keys of the configuration file.
public struct SIPServiceConfiguration: Sendable, Hashable {
    /// Address the UDP and TCP listeners bind (`0.0.0.0`, `::`, `127.0.0.1`, …).
    public var bindAddress: String
    /// UDP port; 0 lets the system choose (``SIPService/udpPort`` tells which).
    public var udpPort: Int
    /// TCP port; 0 lets the system choose (``SIPService/tcpPort`` tells which).
    public var tcpPort: Int
    /// Host written in Via, Contact and SDP; nil means the bind address, or `127.0.0.1` when
    /// binding a wildcard address. Set it to the address phones reach this node at.
    public var advertisedHost: String?
    /// Audio codecs we accept and offer, in preference order.
    public var codecs: [SDPCodec]
    /// Whether to negotiate RFC 4733 telephone-event.
    public var supportsTelephoneEvent: Bool
    /// The Server and User-Agent header value.
    public var userAgent: String
    /// RFC 4028 session timers, used when the caller asks for them; nil turns them off.
    public var sessionTimers: SessionTimerPolicy?
    /// RFC 3261 timer base values (T1, T2, T4); tests shorten them.
    public var timers: SIPTimerValues
    /// How long call control may think before we send 180 Ringing.
    public var ringingDelay: Duration
    /// New INVITEs allowed per source IP address.
    public var inviteRateLimit: SIPRateLimit
    /// Largest SIP message accepted (RFC 3261 §18.1.1 asks for at least 64 KiB over TCP).
    public var maximumMessageSize: Int
    /// Open TCP connections accepted at once; more are closed on accept.
    public var maximumTCPConnections: Int
    /// How long ``SIPService/stop()`` waits for calls to end after sending their BYEs.
    public var drainTimeout: Duration
    /// User part of our Contact URI.
    public var contactUser: String
    /// DSCP of every SIP packet sent (`dscp.sip`, 24 = CS3); 0 leaves them unmarked.
    public var dscp: Int

    public init(
        bindAddress: String = "0.0.0.0",
        udpPort: Int = 5060,
        tcpPort: Int = 5060,
        advertisedHost: String? = nil,
        codecs: [SDPCodec] = [.g722, .pcmu, .pcma],
        supportsTelephoneEvent: Bool = true,
        userAgent: String = "Parley/0.1",
        sessionTimers: SessionTimerPolicy? = SessionTimerPolicy(useWhenNotRequested: false),
        timers: SIPTimerValues = .rfc3261,
        ringingDelay: Duration = .milliseconds(200),
        inviteRateLimit: SIPRateLimit = SIPRateLimit(),
        maximumMessageSize: Int = 65_536,
        maximumTCPConnections: Int = 1024,
        drainTimeout: Duration = .seconds(10),
        contactUser: String = "parley",
        dscp: Int = 24
    ) {
        self.bindAddress = bindAddress
        self.udpPort = udpPort
        self.tcpPort = tcpPort
        self.advertisedHost = advertisedHost
        self.codecs = codecs
        self.supportsTelephoneEvent = supportsTelephoneEvent
        self.userAgent = userAgent
        self.sessionTimers = sessionTimers
        self.timers = timers
        self.ringingDelay = ringingDelay
        self.inviteRateLimit = inviteRateLimit
        self.maximumMessageSize = maximumMessageSize
        self.maximumTCPConnections = maximumTCPConnections
        self.drainTimeout = drainTimeout
        self.contactUser = contactUser
        self.dscp = min(max(0, dscp), 63)
    }

    /// The host we put in Via, Contact and SDP.
    public var effectiveAdvertisedHost: String {
        if let advertisedHost, !advertisedHost.isEmpty { return advertisedHost }
        switch bindAddress {
        case "0.0.0.0", "", "*": return "127.0.0.1"
        case "::": return "::1"
        default: return bindAddress
        }
    }

    /// Checks the settings; the error names the setting and the fix.
    public func validate() throws(SIPServiceError) {
        for (name, port) in [("udpPort", udpPort), ("tcpPort", tcpPort)] where !(0...65_535).contains(port) {
            throw SIPServiceError(.invalidConfiguration, "\(name) \(port) is not a port: use 0-65535 (0 picks a free port).")
        }
        if codecs.isEmpty {
            throw SIPServiceError(.invalidConfiguration, "codecs is empty: list at least one of G722, PCMU, PCMA.")
        }
        if maximumMessageSize < 1_500 {
            throw SIPServiceError(.invalidConfiguration, "maximumMessageSize \(maximumMessageSize) is too small: use at least 1500 (65536 recommended).")
        }
        if maximumTCPConnections < 1 {
            throw SIPServiceError(.invalidConfiguration, "maximumTCPConnections must be at least 1.")
        }
        if inviteRateLimit.invitesPerSecond <= 0 || inviteRateLimit.burst < 1 || inviteRateLimit.maximumSources < 1 {
            throw SIPServiceError(
                .invalidConfiguration,
                "inviteRateLimit needs invitesPerSecond > 0, burst >= 1 and maximumSources >= 1."
            )
        }
        if timers.t1 <= .zero || timers.t2 < timers.t1 {
            throw SIPServiceError(.invalidConfiguration, "timers need T1 > 0 and T2 >= T1 (RFC 3261 defaults: 500 ms, 4 s).")
        }
    }
}

/// The per-source INVITE budget: a token bucket per IP address.
public struct SIPRateLimit: Sendable, Hashable {
    /// Sustained rate of new INVITEs per source address.
    public var invitesPerSecond: Double
    /// INVITEs a quiet source may send at once.
    public var burst: Int
    /// Source addresses remembered; older ones are forgotten first.
    public var maximumSources: Int
    /// Retry-After (seconds) in the 503 answered beyond the budget.
    public var retryAfterSeconds: Int

    public init(invitesPerSecond: Double = 20, burst: Int = 40, maximumSources: Int = 4096, retryAfterSeconds: Int = 5) {
        self.invitesPerSecond = invitesPerSecond
        self.burst = burst
        self.maximumSources = maximumSources
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Why the SIP service could not start. `description` is safe to log.
public struct SIPServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case invalidConfiguration
        /// A listener could not bind its address and port (in use, no permission).
        case bindFailed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "SIPServiceError(\(code.rawValue)): \(message)" }
}
