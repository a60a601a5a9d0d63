import ParleyModel

/// Everything one Parley process reads at start-up, validated.
///
/// Built by ``ConfigurationLoader`` from `parley.yaml`, `PARLEY_*` environment variables and
/// command-line overrides (precedence: flags > environment > file > defaults). Every value has
/// a default that works without root privileges, so `ParleyConfiguration()` is a valid
/// single-process deployment (`parley serve`). Every key is listed, with its type, default and
/// environment variable, in ``ConfigurationKey/all``; that list drives the decoder, the
/// documentation and ``exampleYAML``.
public struct ParleyConfiguration: Sendable, Hashable {
    /// `data_dir`: directory for the database and other state; relative to the working directory.
    public var dataDirectory: String
    /// `roles`: the roles this process runs, sorted, without duplicates.
    public var roles: [Role]
    public var system: System
    public var log: Log
    public var http: HTTP
    public var https: HTTPS
    public var database: Database
    public var sip: SIP
    public var media: Media
    /// `dscp`, `nettest`, `clients`: packet marking, the network-test responder, Parley's clients.
    public var dscp: DSCPSettings
    public var nettest: NetTest
    public var clients: Clients
    public var ivr: IVR
    public var meetings: Meetings
    public var licence: Licence
    /// `sites`: the sites nodes are grouped into (file only).
    public var sites: [Site]
    /// `nodes`: the conferencing nodes of the system (file only).
    public var nodes: [Node]
    /// `directors`: the meeting directors of the system (file only).
    public var directors: [Director]

    /// The defaults: every role in one process, SQLite under `./parley-data`, HTTP on 8080.
    public init() {
        self.dataDirectory = "./parley-data"
        self.roles = Role.allCases
        self.system = System()
        self.log = Log()
        self.http = HTTP()
        self.https = HTTPS()
        self.database = Database()
        self.sip = SIP()
        self.media = Media()
        self.dscp = DSCPSettings()
        self.nettest = NetTest()
        self.clients = Clients()
        self.ivr = IVR()
        self.meetings = Meetings()
        self.licence = Licence()
        self.sites = []
        self.nodes = []
        self.directors = []
    }

    /// The built-in defaults (the values ``ConfigurationKey/all`` documents).
    public static let defaults = ParleyConfiguration()

    /// Whether this process runs `role`.
    public func runs(_ role: Role) -> Bool {
        roles.contains(role)
    }

    /// The SQLite database file: `database.sqlite.path`, resolved against `data_dir` unless it
    /// is absolute (starts with `/`).
    public var storePath: String {
        Self.resolve(database.sqlite.path, against: dataDirectory)
    }

    /// `path` if it is absolute, else `directory/path` (without a doubled `/`).
    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") || directory.isEmpty { return path }
        var base = directory
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        if base == "." { return path }
        return base == "/" ? "/" + path : base + "/" + path
    }
}

// MARK: - Sections

extension ParleyConfiguration {
    /// `system`: the deployment as a whole.
    public struct System: Sendable, Hashable {
        /// `system.name`: shown in the portal, alarms and metrics.
        public var name: String = "parley"

        public init() {}
    }

    /// `log`: swift-log settings, applied once by the composition root.
    public struct Log: Sendable, Hashable {
        public enum Level: String, Sendable, Hashable, CaseIterable {
            case trace, debug, info, notice, warning, error, critical
        }

        public enum Format: String, Sendable, Hashable, CaseIterable {
            case text, json
        }

        /// `log.level`.
        public var level: Level = .info
        /// `log.format`: human-readable lines or one JSON object per line.
        public var format: Format = .text

        public init() {}
    }

    /// `http`: the web role's plain HTTP listener (API, portal, health, metrics).
    public struct HTTP: Sendable, Hashable {
        /// `http.address`: bind address, also used by the HTTPS listener.
        public var address: String = "0.0.0.0"
        /// `http.port`.
        public var port: Int = 8080
        /// `http.public_url`: the URL users reach the portal at, used in invitations and links.
        public var publicURL: String?

        public init() {}
    }

    /// `https`: the web role's TLS listener, enabled when both PEM files are set.
    public struct HTTPS: Sendable, Hashable {
        /// `https.port`.
        public var port: Int = 8443
        /// `https.certificate`: PEM certificate chain. Relative paths in the file are resolved
        /// against the configuration file's directory by the loader.
        public var certificate: String?
        /// `https.private_key`: PEM private key of the certificate.
        public var privateKey: String?

        public init() {}

        /// HTTPS is served only when both the certificate and its key are configured.
        public var isEnabled: Bool { certificate != nil && privateKey != nil }
    }

    /// `sip`: the node role's SIP transports (TLS is declared, bound by a later release).
    public struct SIP: Sendable, Hashable {
        /// `sip.address`.
        public var address: String = "0.0.0.0"
        /// `sip.udp_port`.
        public var udpPort: Int = 5060
        /// `sip.tcp_port`.
        public var tcpPort: Int = 5060
        /// `sip.tls_port`.
        public var tlsPort: Int = 5061
        /// `sip.session_expires_seconds`: RFC 4028 session interval the node prefers; 0 turns
        /// session timers off.
        public var sessionExpiresSeconds: Int = 1800
        /// `sip.invites_per_second_per_source`: sustained new INVITEs one address may send
        /// (bursts of twice as many); beyond it the node answers 503 with Retry-After. A PBX
        /// trunk carries many callers from one address: raise it for trunks.
        public var invitesPerSecondPerSource: Int = 50

        public init() {}
    }

    /// `media`: the node role's RTP/RTCP (and STUN) sockets.
    public struct Media: Sendable, Hashable {
        /// `media.port_range`: both ends set, or neither.
        public struct PortRangeSetting: Sendable, Hashable {
            /// `media.port_range.first`.
            public var first: Int?
            /// `media.port_range.last`.
            public var last: Int?

            public init(first: Int? = nil, last: Int? = nil) {
                self.first = first
                self.last = last
            }
        }

        /// `media.stun`: the STUN Binding responder on the media port.
        public struct STUN: Sendable, Hashable, CustomStringConvertible {
            /// `media.stun.password`: the short-term password of Binding requests that carry a
            /// USERNAME; without it such requests are answered 401 (plain Binding always works).
            public var password: String?

            public init(password: String? = nil) {
                self.password = password
            }

            public var description: String { "STUN(password: \(password == nil ? "none" : "set"))" }
        }

        /// `media.address`.
        public var address: String = "0.0.0.0"
        /// `media.port`: the multiplexed UDP media port of the first media shard.
        public var port: Int = 5004
        /// `media.shards`: event loops the media is spread over (one meeting on one loop);
        /// shard *i* listens on `port + i`. Two by default: a fixed number keeps the port
        /// table, and so the firewall rules, the same on any machine.
        public var shards: Int = 2
        /// The shared media ports: `port`, `port + 1`, … one per shard (one port when `port`
        /// is 0, each shard then taking a free one).
        public var sharedPorts: PortRange {
            port == 0 ? PortRange(0) : PortRange(first: port, last: min(65_535, port + max(1, shards) - 1))
        }
        public var portRange = PortRangeSetting()
        /// `media.advertised_address`: the address put in SDP and Contact when callers reach
        /// the node through NAT; nil uses the bind address.
        public var advertisedAddress: String?
        /// `media.rtp_timeout_seconds`: a call that sends no RTP for this long (not on hold) is
        /// hung up.
        public var rtpTimeoutSeconds: Int = 30
        public var stun = STUN()

        public init() {}

        /// `media.per_call_ports`: give each call its own RTP/RTCP port pair from
        /// `media.port_range` (16384-32767 unless set), for PBXs that expect it.
        public var perCallPorts = false

        /// The range of per-call ports: `media.port_range` when set (which turns per-call
        /// ports on), else 16384-32767 with `per_call_ports`, else nil (one shared port).
        public var extraPorts: PortRange? {
            if let first = portRange.first, let last = portRange.last { return PortRange(first: first, last: last) }
            return perCallPorts ? Self.defaultPerCallPorts : nil
        }

        /// RFC 3551's customary RTP range, as many PBXs use it.
        public static let defaultPerCallPorts = PortRange(first: 16_384, last: 32_767)
    }

    /// `ivr`: how the node answers callers: access numbers, prompts, tones, keypad commands.
    public struct IVR: Sendable, Hashable {
        /// `ivr.keys`: the in-meeting keypad commands.
        public struct Keys: Sendable, Hashable {
            /// `ivr.keys.toggle_mute`.
            public var toggleMute = "*6"
            /// `ivr.keys.roll_call`.
            public var rollCall = "#21"
            /// `ivr.keys.toggle_lock` (host only).
            public var toggleLock = "#41"
            /// `ivr.keys.eject_last` (host only).
            public var ejectLast = "#43"
            /// `ivr.keys.mute_all` (host only).
            public var muteAll = "*5"

            public init() {}

            /// Command name (as KeypadCommands spells it) → key sequence.
            public var byCommand: [(command: String, keys: String)] {
                [("toggle_mute", toggleMute), ("roll_call", rollCall), ("toggle_lock", toggleLock), ("eject_last", ejectLast), ("mute_all", muteAll)]
            }
        }

        /// `ivr.access_numbers`: comma-separated Request-URI users that reach the IVR.
        public var accessNumbers = "conf,8000"
        /// `ivr.prompts_dir`: a directory of replacement prompt WAV files.
        public var promptsDirectory: String?
        /// `ivr.entry_tones`: tones to the room when someone joins or leaves.
        public var entryTones = true
        public var keys = Keys()

        public init() {}

        /// ``accessNumbers`` split into its entries.
        public var accessNumberList: [String] {
            accessNumbers.split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
        }
    }

    /// `meetings`: scheduling defaults.
    public struct Meetings: Sendable, Hashable {
        /// `meetings.id_digits`: length of generated meeting IDs (4-10).
        public var idDigits: Int = 6
        /// `meetings.default_duration_minutes`: length of a meeting booked without an end.
        public var defaultDurationMinutes: Int = 60
        /// `meetings.wait_for_host`: callers of a reservationless meeting wait until the host
        /// joins with the host PIN.
        public var waitForHost = true
        /// `meetings.empty_grace_seconds`: how long an empty meeting stays in progress before
        /// it ends.
        public var emptyGraceSeconds: Int = 60

        public init() {}
    }

    /// `licence`: the host-licence audit.
    public struct Licence: Sendable, Hashable {
        /// `licence.audit_window_days`: how far back the audit counts active hosts.
        public var auditWindowDays: Int = 30
        /// `licence.audit_interval_seconds`: how often the audit runs.
        public var auditIntervalSeconds: Int = 300

        public init() {}
    }
}
