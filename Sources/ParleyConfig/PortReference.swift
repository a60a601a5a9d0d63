import ParleyModel

/// One row of the port reference: a port a host must accept traffic on (incoming) or may
/// send traffic to (outgoing), in the shape of the network-requirements tables Parley
/// replaces: protocol, transport, port or range, source, destination, purpose, who needs it
/// exposed, optional or not.
public struct PortRule: Hashable, Sendable {
    public enum Direction: String, Hashable, Sendable {
        case incoming
        case outgoing
    }

    /// `node.sip.udp` for a listener; `out.…` for an outgoing connection.
    public var name: String
    public var direction: Direction
    /// The host role the rule belongs to: where the listener runs, or who connects.
    public var role: Role
    /// Application protocol: `SIP`, `RTP/RTCP, STUN`, `HTTP`, `PostgreSQL`, `DNS`…
    public var application: String
    public var transport: ListenerTransport
    /// Destination port or range; nil is any port (media and SIP sent back to callers).
    public var ports: PortRange?
    /// The local port outgoing traffic leaves from, when fixed (the media and SIP sockets).
    public var sourcePorts: PortRange?
    public var source: String
    public var destination: String
    /// The address a listener binds (incoming rules).
    public var bindAddress: String?
    /// The host an outgoing rule connects to, when the configuration names one.
    public var destinationHost: String?
    public var purpose: String
    /// Who needs the port exposed: administrators, end users, or other Parley servers only.
    public var exposure: ListenerAudience
    /// Present only when a feature is used (HTTPS with a certificate, DNS for host names).
    public var optional: Bool
    /// The configuration key that sets the port, if any.
    public var setting: String?

    public init(
        name: String, direction: Direction, role: Role, application: String, transport: ListenerTransport, ports: PortRange?,
        sourcePorts: PortRange? = nil, source: String, destination: String, bindAddress: String? = nil,
        destinationHost: String? = nil, purpose: String, exposure: ListenerAudience, optional: Bool = false, setting: String? = nil
    ) {
        self.name = name
        self.direction = direction
        self.role = role
        self.application = application
        self.transport = transport
        self.ports = ports
        self.sourcePorts = sourcePorts
        self.source = source
        self.destination = destination
        self.bindAddress = bindAddress
        self.destinationHost = destinationHost
        self.purpose = purpose
        self.exposure = exposure
        self.optional = optional
        self.setting = setting
    }
}

/// The ports of one host of a deployment, for the roles it runs: built by
/// ``ParleyConfiguration/portReference(roles:)`` from the same ``ListenerTable`` that binds the
/// sockets, so it cannot drift from what the process opens. `parley ports` prints it as a
/// table, Markdown, CSV, JSON or a firewall ruleset.
public struct PortReference: Hashable, Sendable {
    /// The roles of the host the rules are for.
    public var roles: [Role]
    /// `system.name`.
    public var systemName: String
    public var incoming: [PortRule]
    public var outgoing: [PortRule]
    /// Addresses of the other Parley servers (`nodes`, `directors`) that internal-only
    /// listeners may be limited to.
    public var peers: [String]

    public init(roles: [Role], systemName: String, incoming: [PortRule], outgoing: [PortRule], peers: [String] = []) {
        self.roles = roles
        self.systemName = systemName
        self.incoming = incoming
        self.outgoing = outgoing
        self.peers = peers
    }

    /// Output formats of `parley ports --format`.
    public enum Format: String, Hashable, Sendable, CaseIterable {
        case table, markdown, csv, json, nftables, iptables
    }

    /// The reference in `format`.
    public func rendered(as format: Format) -> String {
        switch format {
        case .table: return table
        case .markdown: return markdown
        case .csv: return csv
        case .json: return json
        case .nftables: return nftables
        case .iptables: return iptables
        }
    }
}

// MARK: - Labels shared by the formats

extension PortRule {
    /// `5060`, `16384-16483`, `any`; `0 (any free port)` for a port the system picks at start.
    public var portsText: String {
        guard let ports else { return sourcePorts.map { "any (from \($0))" } ?? "any" }
        return ports.first == 0 ? "0 (chosen at start)" : ports.description
    }

    public var transportText: String {
        switch transport {
        case .tcp: return "TCP"
        case .udp: return "UDP"
        case .tls: return "TCP (TLS)"
        }
    }

    /// The layer-4 protocol a firewall matches: `tcp` or `udp`.
    var layer4: String { transport == .udp ? "udp" : "tcp" }

    public var exposureText: String {
        switch exposure {
        case .admins: return "Administrators"
        case .endUsers: return "End users and administrators"
        case .internal: return "Internal only"
        }
    }
}

extension Role {
    /// The name of a host running the role, as the reference documents call it.
    var hostLabel: String {
        switch self {
        case .director: return "Meeting director"
        case .node: return "Conferencing node"
        case .web: return "Web server"
        }
    }
}
