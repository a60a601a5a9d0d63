import ParleyModel

/// The port reference of a deployment: incoming rules from the listener table, outgoing ones
/// from what the configured roles connect to.
extension ParleyConfiguration {
    /// The rules for a host that runs `roles` (default: this configuration's `roles`).
    ///
    /// Incoming rules are the ``listenerTable`` of this configuration with `roles` replaced,
    /// row for row: the same declarations the roles bind their sockets from. Outgoing rules are
    /// the connections the code makes: the PostgreSQL server (every role opens the store),
    /// DNS for configured host names, and, on a node, SIP and media sent back to callers from
    /// the node's own ports.
    public func portReference(roles selected: [Role]? = nil) -> PortReference {
        var host = self
        if let selected, !selected.isEmpty {
            host.roles = Array(Set(selected)).sorted()
        }
        let incoming = host.listenerTable.listeners.map { listener in
            PortRule(
                name: listener.name, direction: .incoming, role: listener.role, application: listener.application,
                transport: listener.transport, ports: listener.ports, source: Self.sourceLabel(listener),
                destination: Self.destinationLabel(listener), bindAddress: listener.bindAddress, purpose: listener.purpose,
                exposure: listener.audience, optional: listener.optional, setting: Self.portKeyPath(ofListener: listener.name)
            )
        }
        return PortReference(
            roles: host.roles, systemName: system.name, incoming: incoming, outgoing: host.outgoingRules(),
            peers: (nodes.map(\.address) + directors.map(\.address)).filter { !$0.isEmpty })
    }

    /// What a host with these roles connects to.
    func outgoingRules() -> [PortRule] {
        guard let first = roles.first else { return [] }
        let process = roles.count == Role.allCases.count ? "Parley server (all roles)" : roles.map(\.hostLabel).joined(separator: ", ")
        var rules: [PortRule] = []
        if database.driver == .postgres {
            let postgres = database.postgres
            rules.append(
                PortRule(
                    name: "out.database", direction: .outgoing, role: first, application: "PostgreSQL", transport: .tcp,
                    ports: PortRange(postgres.port), source: process, destination: "PostgreSQL server \(postgres.host)",
                    destinationHost: postgres.host, purpose: "System of record, shared by the cluster (database.postgres)",
                    exposure: .internal, setting: "database.postgres.port"))
        }
        if runs(.node) {
            rules.append(
                PortRule(
                    name: "out.sip.udp", direction: .outgoing, role: .node, application: "SIP", transport: .udp, ports: nil,
                    sourcePorts: PortRange(sip.udpPort), source: Role.node.hostLabel, destination: "Phones, PBX trunks",
                    purpose: "SIP responses and BYEs to the address each caller's signalling came from (over TCP: the caller's connection)",
                    exposure: .endUsers, setting: "sip.udp_port"))
            rules.append(
                PortRule(
                    name: "out.media", direction: .outgoing, role: .node, application: "RTP/RTCP, STUN", transport: .udp, ports: nil,
                    sourcePorts: media.sharedPorts, source: Role.node.hostLabel, destination: "Phones, PBX media gateways",
                    purpose: "Audio to each caller's media address, STUN answers", exposure: .endUsers, setting: "media.port"))
        }
        let names = hostNamesToResolve
        for transport in [ListenerTransport.udp, .tcp] {
            rules.append(
                PortRule(
                    name: "out.dns.\(transport.rawValue)", direction: .outgoing, role: first, application: "DNS", transport: transport,
                    ports: PortRange(53), source: process, destination: "DNS resolvers (/etc/resolv.conf)",
                    purpose: names.isEmpty
                        ? "Name resolution; not needed while every configured address is an IP address"
                        : "Resolving configured host names (\(names.joined(separator: ", ")))",
                    exposure: .internal, optional: names.isEmpty))
        }
        return rules
    }

    /// Configured host names (not IP literals) that this process resolves.
    var hostNamesToResolve: [String] {
        var names: [String] = []
        if database.driver == .postgres { names.append(database.postgres.host) }
        return names.filter { !Self.isIPLiteral($0) }
    }

    static func isIPLiteral(_ host: String) -> Bool {
        if host.contains(":") { return host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && Int($0).map { $0 <= 255 } == true }
    }

    /// Who connects to a listener, by its role and audience.
    static func sourceLabel(_ listener: Listener) -> String {
        switch (listener.audience, listener.role) {
        case (.endUsers, .node): return "Phones, softphones, PBX trunks"
        case (.endUsers, _): return "Browsers, API clients"
        case (.admins, _): return "Administrators' machines"
        case (.internal, _): return "Other Parley servers"
        }
    }

    static func destinationLabel(_ listener: Listener) -> String {
        ["0.0.0.0", "::", "*"].contains(listener.bindAddress) ? listener.role.hostLabel : "\(listener.role.hostLabel) \(listener.bindAddress)"
    }
}
