import ParleyModel

/// The rules that involve more than one key: HTTPS pairs, the database password, port ranges
/// and clashes, and the cluster limits of the reference system. Runs after the file, the
/// environment and the flags are applied, so each error names where the value came from.
enum ConfigurationValidator {
    typealias Config = ParleyConfiguration

    static func validate(_ state: inout ConfigurationAccumulator) {
        checkHTTPS(&state)
        checkDatabase(&state)
        checkSIP(&state)
        checkMedia(&state)
        checkIVR(&state)
        checkNetTest(&state)
        checkListeners(&state)
        checkSites(&state)
        checkNodes(&state)
        checkDirectors(&state)
    }

    // MARK: - Single-process rules

    static func checkHTTPS(_ state: inout ConfigurationAccumulator) {
        let https = state.configuration.https
        if https.certificate != nil && https.privateKey == nil {
            state.error(
                "https.certificate", "a certificate is set but https.private_key is not.",
                fix: "Set https.private_key to the PEM file of the certificate's key, or remove https.certificate to serve HTTP only.")
        } else if https.certificate == nil && https.privateKey != nil {
            state.error(
                "https.private_key", "a private key is set but https.certificate is not.",
                fix: "Set https.certificate to the PEM certificate chain, or remove https.private_key to serve HTTP only.")
        }
    }

    static func checkDatabase(_ state: inout ConfigurationAccumulator) {
        let postgres = state.configuration.database.postgres
        if postgres.password != nil && postgres.passwordFile != nil {
            state.error(
                "database.postgres.password_file", "both database.postgres.password and password_file are set.",
                fix: "Keep one of them; password_file is safer (make it readable by the parley user only).")
        }
        if state.configuration.database.driver == .sqlite && state.configuration.directors.count > 1 {
            state.warning(
                "database.driver", "\(state.configuration.directors.count) directors are declared, but SQLite cannot be shared between them.",
                fix: "Set database.driver: postgres and point every director at the same PostgreSQL server.")
        }
    }

    static func checkSIP(_ state: inout ConfigurationAccumulator) {
        let sip = state.configuration.sip
        if (1..<90).contains(sip.sessionExpiresSeconds) {
            state.error(
                "sip.session_expires_seconds", "\(sip.sessionExpiresSeconds) s is below RFC 4028's minimum of 90 s.",
                fix: "Use 90 or more (1800 is usual), or 0 to turn session timers off.")
        }
        if sip.tcpPort == sip.tlsPort {
            state.error(
                keyPath(preferring: "sip.tls_port", else: "sip.tcp_port", state), "port \(sip.tlsPort) is also sip.tcp_port; SIP over TCP and SIP over TLS need different ports.",
                fix: "Use the standard ports: tcp_port: 5060 and tls_port: 5061.")
        }
    }

    static func checkMedia(_ state: inout ConfigurationAccumulator) {
        let media = state.configuration.media
        switch (media.portRange.first, media.portRange.last) {
        case (nil, nil):
            if let range = media.extraPorts, (range.first...range.last).contains(media.port) {
                state.error(
                    "media.port", "port \(media.port) lies inside the per-call range \(range.first)-\(range.last).",
                    fix: "Move media.port out of the range (5004 is usual), or set media.port_range.")
            }
            return
        case (let first?, nil):
            state.error(
                "media.port_range.first", "media.port_range.first is set but last is not.",
                fix: "Set media.port_range.last too (for example last: \(min(first + 99, 65_535))), or remove first.")
        case (nil, .some):
            state.error(
                "media.port_range.last", "media.port_range.last is set but first is not.",
                fix: "Set media.port_range.first too, or remove last.")
        case (let first?, let last?):
            guard first < last else {
                state.error(
                    "media.port_range.last", "the range ends at \(last), which is not after its first port \(first).",
                    fix: "Set last greater than first, for example last: \(min(first + 99, 65_535)).")
                return
            }
            if first % 2 != 0 {
                state.warning(
                    "media.port_range.first",
                    "RTP takes an even port and RTCP the next odd one, so an even first port (not \(first)) is recommended.",
                    fix: "Use first: \(first + 1 <= last ? first + 1 : first - 1).")
            }
            if (first...last).contains(media.port) {
                state.error(
                    keyPath(preferring: "media.port", else: "media.port_range.first", state), "port \(media.port) lies inside media.port_range \(first)-\(last).",
                    fix: "Move media.port or the range so they do not overlap.")
            }
        }
    }

    static func checkIVR(_ state: inout ConfigurationAccumulator) {
        let ivr = state.configuration.ivr
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+*#._-")
        let numbers = ivr.accessNumberList
        if numbers.isEmpty {
            state.error("ivr.access_numbers", "no access number is set.", fix: "Set at least one, for example access_numbers: conf,8000.")
        }
        for number in numbers where number.count > 32 || !number.allSatisfy(allowed.contains) {
            state.error(
                "ivr.access_numbers", "'\(ParleyError.echo(number))' is not a SIP user part Parley can match.",
                fix: "Use 1 to 32 letters, digits or + * # . _ -, separated by commas.")
        }
        let keys = ivr.keys.byCommand
        for (command, sequence) in keys {
            guard let first = sequence.first, first == "*" || first == "#", (2...4).contains(sequence.count),
                sequence.allSatisfy({ $0.isASCII && $0.isNumber || $0 == "*" || $0 == "#" })
            else {
                state.error(
                    "ivr.keys.\(command)", "'\(ParleyError.echo(sequence))' is not a keypad command.",
                    fix: "Start with * or # and add one to three keys from 0-9, * and #, for example *6.")
                continue
            }
            for (other, otherSequence) in keys where other != command && (otherSequence.hasPrefix(sequence)) && otherSequence != sequence || other < command && otherSequence == sequence {
                state.error(
                    "ivr.keys.\(command)", "\(sequence) is also the start of ivr.keys.\(other) (\(otherSequence)), so one of them could never be dialled.",
                    fix: "Give each command a sequence that does not begin another.")
            }
        }
    }

    /// Two enabled listeners of this process on the same transport, address and port.
    static func checkListeners(_ state: inout ConfigurationAccumulator) {
        // The media port inside the per-call range is checkMedia's error already.
        for (first, second) in state.configuration.listenerTable.clashes where !(first.name.hasPrefix("node.media") && second.name.hasPrefix("node.media")) {
            let secondKey = Config.portKeyPath(ofListener: second.name)
            let other = Config.portKeyPath(ofListener: first.name)
            let keyPath = keyPath(preferring: secondKey, else: other, state)
            state.error(
                keyPath, "\(first.name) (\(other)) and \(second.name) (\(secondKey)) both use port \(second.ports).",
                fix: "Give \(keyPath) a different port.")
        }
    }

    // MARK: - Cluster rules

    static func checkSites(_ state: inout ConfigurationAccumulator) {
        var seen: [String: Int] = [:]
        for (index, site) in state.configuration.sites.enumerated() {
            let entry = "sites[\(index)]"
            guard !state.brokenEntries.contains(entry) else { continue }
            guard requireName(site.name, entry: entry, what: "site", example: "hq", &state) else { continue }
            if let first = seen[site.name] {
                state.error(
                    entry + ".name", "site '\(site.name)' is declared twice (first as sites[\(first)]).",
                    fix: "Give each site a different name.")
            } else {
                seen[site.name] = index
            }
        }
    }

    static func checkNodes(_ state: inout ConfigurationAccumulator) {
        let nodes = state.configuration.nodes
        let siteNames = state.configuration.sites.map(\.name).filter { !$0.isEmpty }
        if nodes.count > Config.Limits.nodesPerSystem {
            state.error(
                "nodes", "\(nodes.count) nodes are declared; a system has at most \(Config.Limits.nodesPerSystem).",
                fix: "Remove \(nodes.count - Config.Limits.nodesPerSystem) nodes, or split the deployment into two systems.")
        }
        var names: [String: Int] = [:]
        var perSite: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            let entry = "nodes[\(index)]"
            guard !state.brokenEntries.contains(entry) else { continue }
            if requireName(node.name, entry: entry, what: "node", example: "node-\(index + 1)", &state) {
                if let first = names[node.name] {
                    state.error(
                        entry + ".name", "node '\(node.name)' is declared twice (first as nodes[\(first)]).",
                        fix: "Give each node a different name.")
                } else {
                    names[node.name] = index
                }
            }
            let sitePath = entry + ".site"
            if node.site.isEmpty {
                if !hasError(at: sitePath, state) {
                    let choices = siteNames.isEmpty ? "hq" : siteNames[0]
                    state.error(sitePath, "a node needs a site.", fix: "Add `site: \(choices)`, a site declared under sites:.")
                }
            } else if !siteNames.contains(node.site) {
                let fix =
                    siteNames.isEmpty
                    ? "Add it under sites: (no sites are declared yet)."
                    : "Add it under sites: or use one of: \(siteNames.joined(separator: ", "))."
                state.error(sitePath, "site '\(node.site)' is not declared in sites.", fix: fix)
            } else {
                let count = perSite[node.site, default: 0] + 1
                perSite[node.site] = count
                if count > Config.Limits.nodesPerSite {
                    state.error(
                        sitePath, "site '\(node.site)' already has \(Config.Limits.nodesPerSite) nodes; a site has at most \(Config.Limits.nodesPerSite).",
                        fix: "Put this node in another site, or declare a new site under sites:.")
                }
            }
            requireAddress(node.address, entry: entry, what: "node", example: "10.0.1.2\(index % 10)", &state)
        }
    }

    static func checkDirectors(_ state: inout ConfigurationAccumulator) {
        let directors = state.configuration.directors
        if directors.count > Config.Limits.directors {
            state.error(
                "directors", "\(directors.count) directors are declared; a system has at most \(Config.Limits.directors).",
                fix: "Keep two directors (they are active-active) and remove the others.")
        }
        var names: [String: Int] = [:]
        for (index, director) in directors.enumerated() {
            let entry = "directors[\(index)]"
            guard !state.brokenEntries.contains(entry) else { continue }
            if requireName(director.name, entry: entry, what: "director", example: "director-\(index + 1)", &state) {
                if let first = names[director.name] {
                    state.error(
                        entry + ".name", "director '\(director.name)' is declared twice (first as directors[\(first)]).",
                        fix: "Give each director a different name.")
                } else {
                    names[director.name] = index
                }
            }
            requireAddress(director.address, entry: entry, what: "director", example: "10.0.1.1\(index % 10)", &state)
        }
    }

    // MARK: - Helpers

    /// Reports a missing name; true when the name is present.
    private static func requireName(
        _ name: String,
        entry: String,
        what: String,
        example: String,
        _ state: inout ConfigurationAccumulator
    ) -> Bool {
        guard name.isEmpty else { return true }
        let path = entry + ".name"
        if !hasError(at: path, state) {
            state.error(
                path, "a \(what) needs a name.",
                fix: "Add `name: \(example)` (1 to 32 lower-case letters, digits or '-').")
        }
        return false
    }

    private static func requireAddress(
        _ address: String,
        entry: String,
        what: String,
        example: String,
        _ state: inout ConfigurationAccumulator
    ) {
        let path = entry + ".address"
        guard address.isEmpty, !hasError(at: path, state) else { return }
        state.error(path, "a \(what) needs an address.", fix: "Add `address: \(example)` (a host name or IP address).")
    }

    /// `preferred`, unless only `other` was set somewhere (file, environment, flag): the
    /// error then points at the value the user actually wrote.
    private static func keyPath(preferring preferred: String, else other: String, _ state: ConfigurationAccumulator) -> String {
        if state.origins[preferred] == nil, state.origins[other] != nil { return other }
        return preferred
    }

    /// Whether a value at `keyPath` was already rejected (its default is then not re-reported).
    private static func hasError(at keyPath: String, _ state: ConfigurationAccumulator) -> Bool {
        state.errors.contains { $0.keyPath == keyPath }
    }
}
