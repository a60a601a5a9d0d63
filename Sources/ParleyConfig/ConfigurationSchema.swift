/// The table of every configuration key and the property it sets.
///
/// The order here is the order of `parley config example` and of the reference table.
enum ConfigurationSchema {
    typealias Config = ParleyConfiguration
    static let port = 1...65_535
    /// Ports this process listens on: 0 asks the system for a free port (tests, ad-hoc runs).
    static let listenPort = 0...65_535

    /// Keys that hold one value (settable from the file, the environment and flags).
    static let scalars: [ConfigurationBinding<Config>] = [
        .text(
            "data_dir", \Config.dataDirectory, type: .path,
            "Directory for the SQLite database and other state, relative to the working directory."),
        .roles(
            "roles", \Config.roles,
            "Roles this process runs. In the environment or a flag: comma-separated, e.g. director,web."),
        .text("system.name", \Config.system.name, "Name of this deployment, shown in the portal, alarms and metrics."),
        .choice("log.level", \Config.log.level, "Least severe log level written."),
        .choice("log.format", \Config.log.format, "text: one readable line per event; json: one JSON object per line."),
        .text(
            "http.address", \Config.http.address, type: .address,
            "Address the HTTP and HTTPS listeners bind; 0.0.0.0 for every IPv4 interface, :: for IPv6."),
        .integer("http.port", \Config.http.port, listenPort, "Port of the HTTP API and portal (web role)."),
        .optionalText(
            "http.public_url", \Config.http.publicURL, type: .url, example: "https://meet.example.com",
            "URL users reach the portal at (e.g. behind a reverse proxy), used in invitations and links."),
        .integer("https.port", \Config.https.port, listenPort, "Port of the HTTPS API and portal (web role)."),
        .optionalText(
            "https.certificate", \Config.https.certificate, type: .filePath, example: "/etc/parley/tls/fullchain.pem",
            "PEM certificate chain. HTTPS is served only when certificate and private_key are both set."),
        .optionalText(
            "https.private_key", \Config.https.privateKey, type: .filePath, example: "/etc/parley/tls/privkey.pem",
            "PEM private key of the certificate."),
        .choice(
            "database.driver", \Config.database.driver,
            "sqlite: an embedded file (one process); postgres: a server shared by the directors."),
        .text(
            "database.sqlite.path", \Config.database.sqlite.path, type: .path,
            "SQLite database file, relative to data_dir unless absolute."),
        .text("database.postgres.host", \Config.database.postgres.host, type: .address, "PostgreSQL server host."),
        .integer("database.postgres.port", \Config.database.postgres.port, port, "PostgreSQL server port."),
        .text("database.postgres.user", \Config.database.postgres.user, "PostgreSQL user."),
        .optionalText(
            "database.postgres.password", \Config.database.postgres.password, secret: true, example: "change-me",
            "PostgreSQL password; prefer password_file or the environment variable. Not with password_file."),
        .optionalText(
            "database.postgres.password_file", \Config.database.postgres.passwordFile, type: .filePath,
            example: "/etc/parley/postgres-password", "File whose first line is the PostgreSQL password."),
        .text("database.postgres.database", \Config.database.postgres.database, "PostgreSQL database name."),
        .choice(
            "database.postgres.tls", \Config.database.postgres.tls,
            "disable: plain TCP; require: TLS with a verified server certificate."),
        .text(
            "sip.address", \Config.sip.address, type: .address,
            "Address the SIP listeners bind (node role)."),
        .integer("sip.udp_port", \Config.sip.udpPort, listenPort, "SIP over UDP."),
        .integer("sip.tcp_port", \Config.sip.tcpPort, listenPort, "SIP over TCP."),
        .integer("sip.tls_port", \Config.sip.tlsPort, listenPort, "SIP over TLS (declared; bound by a later release)."),
        .integer(
            "sip.session_expires_seconds", \Config.sip.sessionExpiresSeconds, 0...86_400,
            "RFC 4028 session interval the node prefers (90 or more); a call not refreshed in time ends. 0 turns session timers off."),
        .integer(
            "sip.invites_per_second_per_source", \Config.sip.invitesPerSecondPerSource, 1...100_000,
            "New INVITEs one address may send per second (bursts of twice that) before 503; raise it for PBX trunks."),
        .text(
            "media.address", \Config.media.address, type: .address,
            "Address the media (RTP/RTCP, STUN) sockets bind (node role)."),
        .integer("media.port", \Config.media.port, listenPort, "The multiplexed UDP media port (of the first media shard)."),
        .integer(
            "media.shards", \Config.media.shards, 1...64,
            "Event loops the node's media is spread over, one meeting on one loop; shard i listens on media.port + i. Set it to the number of cores."),
        .optionalText(
            "media.advertised_address", \Config.media.advertisedAddress, type: .address, example: "203.0.113.10",
            "Address callers send SIP and media to, put in SDP and Contact: set it when the node is behind NAT or binds 0.0.0.0."),
        .integer(
            "media.rtp_timeout_seconds", \Config.media.rtpTimeoutSeconds, 5...3_600,
            "A call that sends no RTP for this long (unless on hold) is hung up."),
        .flag(
            "media.per_call_ports", \Config.media.perCallPorts,
            "Give each call its own RTP (even) and RTCP (odd) port from media.port_range, 16384-32767 unless set, for PBXs that expect it."),
        .optionalInteger(
            "media.port_range.first", \Config.media.portRange.first, port, example: "16384",
            "First port of the per-call range; set first and last together (even is best). Setting the range turns per-call ports on."
        ),
        .optionalInteger(
            "media.port_range.last", \Config.media.portRange.last, port, example: "32767",
            "Last port of the per-call range; greater than first."),
        .optionalText(
            "media.stun.password", \Config.media.stun.password, secret: true, example: "change-me",
            "Short-term password of STUN Binding requests that carry a USERNAME (answered 401 when unset); plain Binding requests are always answered."
        ),
        // Packet marking, the network-test responder and Parley's own clients (issue 5).
        .integer(
            "dscp.audio", \Config.dscp.audio, 0...63,
            "DSCP of the audio media the node sends and of the network test's UDP probes (46 = EF); 0 leaves them unmarked."),
        .integer("dscp.sip", \Config.dscp.sip, 0...63, "DSCP of the SIP signalling the node sends (24 = CS3); 0 leaves it unmarked."),
        .flag("nettest.enabled", \Config.nettest.enabled, "Answer `parley nettest` on the media port, nettest.udp_port and nettest.tcp_port (node role)."),
        .integer("nettest.udp_port", \Config.nettest.udpPort, listenPort, "Extra UDP port of the network-test responder."),
        .optionalInteger(
            "nettest.tcp_port", \Config.nettest.tcpPort, listenPort, example: "5004",
            "TCP port of the network-test delay and throughput responder; unset: the number of media.port."),
        .integer("clients.audio_ports.first", \Config.clients.audioPorts.first, port, "First local UDP port Parley's clients send audio from."),
        .integer("clients.audio_ports.last", \Config.clients.audioPorts.last, port, "Last local UDP port Parley's clients send audio from."),
        .integer("clients.video_ports.first", \Config.clients.videoPorts.first, port, "First local UDP port Parley's clients send video from."),
        .integer("clients.video_ports.last", \Config.clients.videoPorts.last, port, "Last local UDP port Parley's clients send video from."),
        .text(
            "ivr.access_numbers", \Config.ivr.accessNumbers,
            "Comma-separated numbers or names callers dial to reach the IVR (it asks for the meeting ID)."),
        .optionalText(
            "ivr.prompts_dir", \Config.ivr.promptsDirectory, type: .filePath, example: "/etc/parley/prompts",
            "Directory of replacement prompt WAV files (8 kHz mono, the bundled names); missing ones fall back to the bundled prompts."),
        .flag("ivr.entry_tones", \Config.ivr.entryTones, "Play a tone to the meeting when someone joins or leaves."),
        .text("ivr.keys.toggle_mute", \Config.ivr.keys.toggleMute, "Keys that mute or unmute the caller."),
        .text("ivr.keys.roll_call", \Config.ivr.keys.rollCall, "Keys that say how many are in the meeting."),
        .text("ivr.keys.toggle_lock", \Config.ivr.keys.toggleLock, "Keys that lock or unlock the meeting (host only)."),
        .text("ivr.keys.eject_last", \Config.ivr.keys.ejectLast, "Keys that remove the last caller who entered (host only)."),
        .text("ivr.keys.mute_all", \Config.ivr.keys.muteAll, "Keys that mute everyone but the host (host only)."),
        .integer("meetings.id_digits", \Config.meetings.idDigits, 4...10, "Digits in generated meeting IDs."),
        .integer(
            "meetings.default_duration_minutes", \Config.meetings.defaultDurationMinutes, 2...1440,
            "Length of a meeting scheduled without an end."),
        .flag(
            "meetings.wait_for_host", \Config.meetings.waitForHost,
            "Callers of a reservationless meeting wait (hearing a periodic prompt) until the host joins with the host PIN."),
        .integer(
            "meetings.empty_grace_seconds", \Config.meetings.emptyGraceSeconds, 0...86_400,
            "How long a meeting stays in progress after its last caller left before it ends."),
        .integer(
            "licence.audit_window_days", \Config.licence.auditWindowDays, 1...365,
            "The licence audit counts hosts who created meetings in this many past days."),
        .integer(
            "licence.audit_interval_seconds", \Config.licence.auditIntervalSeconds, 10...86_400,
            "How often the licence audit runs."),
    ]

    static let site: [ConfigurationBinding<Config.Site>] = [
        .text("sites[].name", \Config.Site.name, type: .name, required: true, example: "hq", "Site name, unique."),
        .optionalText("sites[].description", \Config.Site.description, example: "Head office", "Free text for administrators."),
    ]

    static let node: [ConfigurationBinding<Config.Node>] = [
        .text("nodes[].name", \Config.Node.name, type: .name, required: true, example: "node-1", "Node name, unique."),
        .text(
            "nodes[].site", \Config.Node.site, type: .name, required: true, example: "hq",
            "The site the node belongs to; must be declared under sites."),
        .text(
            "nodes[].address", \Config.Node.address, type: .address, required: true, example: "10.0.1.21",
            "Host name or IP address directors and web servers reach the node at."),
        .integer(
            "nodes[].capacity", \Config.Node.capacity, Config.Limits.nodeCapacity, "Audio ports the node serves."),
    ]

    static let director: [ConfigurationBinding<Config.Director>] = [
        .text(
            "directors[].name", \Config.Director.name, type: .name, required: true, example: "director-1",
            "Director name, unique."),
        .text(
            "directors[].address", \Config.Director.address, type: .address, required: true, example: "10.0.1.11",
            "Host name or IP address nodes reach the director at."),
    ]

    /// The lists, read from the file only.
    static let lists = ["sites", "nodes", "directors"]

    /// What each section holds, for the example's comments.
    static let sectionSummaries: [String: String] = [
        "system": "The deployment as a whole.",
        "log": "Logging.",
        "http": "Plain HTTP listener of the web role: REST API, portal, health and metrics.",
        "https": "HTTPS listener of the web role. Relative paths are relative to this file's directory.",
        "database": "The system of record.",
        "database.sqlite": "Used when driver is sqlite.",
        "database.postgres": "Used when driver is postgres.",
        "sip": "SIP listeners of the node role.",
        "media": "Media sockets of the node role.",
        "media.port_range": "Per-call UDP ports (RTP on even, RTCP on odd), for PBXs that expect a port per call.",
        "media.stun": "STUN Binding answered on the media port (RFC 8489), for reachability checks and NAT discovery.",
        "dscp": "DiffServ marks (RFC 2474) on the packets the node sends; 0 turns marking off.",
        "nettest": "The network-test responder of the node role (`parley nettest HOST`).",
        "clients": "Parley's own clients (parley nettest; later the load generator and native client).",
        "clients.audio_ports": "Source ports of audio, so firewalls and QoS policies can recognise it.",
        "clients.video_ports": "Source ports of video.",
        "ivr": "How the node answers callers: access numbers, prompts, tones.",
        "ivr.keys": "In-meeting keypad commands: * or # and one to three more keys; no sequence may begin another.",
        "meetings": "Scheduling and running meetings.",
        "licence": "Host-licence audit.",
    ]

    static let allKeys: [ConfigurationKey] =
        scalars.map(\.key) + site.map(\.key) + node.map(\.key) + director.map(\.key)

    static let scalarsByPath: [String: ConfigurationBinding<Config>] = Dictionary(
        uniqueKeysWithValues: scalars.map { ($0.key.path, $0) }
    )

    /// `http`, `database`, `database.postgres`, …: every proper prefix of a scalar key path.
    static let sectionPaths: Set<String> = {
        var out: Set<String> = []
        for binding in scalars {
            let parts = binding.key.path.split(separator: ".")
            for count in stride(from: 1, to: parts.count, by: 1) {
                out.insert(parts.prefix(count).joined(separator: "."))
            }
        }
        return out
    }()

    /// The key names allowed directly under `section` ("" for the top level).
    static func childNames(of section: String) -> [String] {
        var out: [String] = []
        let prefix = section.isEmpty ? "" : section + "."
        for binding in scalars where binding.key.path.hasPrefix(prefix) {
            let rest = binding.key.path.dropFirst(prefix.count)
            let name = String(rest.split(separator: ".").first ?? rest)
            if !out.contains(name) { out.append(name) }
        }
        if section.isEmpty { out += lists }
        return out
    }

    /// Environment variable → scalar binding.
    static let scalarsByVariable: [String: ConfigurationBinding<Config>] = Dictionary(
        uniqueKeysWithValues: scalars.map { (ConfigurationKey.environmentVariable(for: $0.key.path), $0) }
    )
}
