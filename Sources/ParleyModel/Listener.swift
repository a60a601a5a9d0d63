/// The roles a Parley process can run.
public enum Role: String, CaseIterable, Hashable, Sendable, Codable, Comparable {
    case director
    case node
    case web

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The transport a listener uses.
public enum ListenerTransport: String, Hashable, Sendable, Codable {
    case tcp
    case udp
    case tls
}

/// Who must be able to reach a listener, which decides where the firewall opens it.
public enum ListenerAudience: String, Hashable, Sendable, Codable {
    /// Administrators' machines (management, monitoring).
    case admins
    /// Every caller and participant (SIP phones, browsers).
    case endUsers = "end_users"
    /// Other Parley servers only (director ↔ node, database).
    case `internal`
}

/// A port or a range of ports.
public struct PortRange: Hashable, Sendable, CustomStringConvertible {
    public var first: Int
    public var last: Int

    public init(_ port: Int) {
        self.first = port
        self.last = port
    }

    public init(first: Int, last: Int) {
        self.first = first
        self.last = last
    }

    public var description: String { first == last ? "\(first)" : "\(first)-\(last)" }
}

/// One socket (or range of sockets) that a role opens.
///
/// Declared once in ``ListenerTable``: the same value binds the socket and documents the port,
/// so the port reference can never drift from what the process really opens.
public struct Listener: Hashable, Sendable {
    /// Stable name, e.g. `web.http`, `node.sip.udp`.
    public var name: String
    public var role: Role
    /// What it carries, e.g. "HTTP API and portal".
    public var purpose: String
    /// Application protocol, e.g. `HTTP`, `HTTPS`, `SIP`, `RTP/RTCP`, `STUN`.
    public var application: String
    public var transport: ListenerTransport
    public var ports: PortRange
    /// Address to bind: `0.0.0.0`, `::`, `127.0.0.1`, …
    public var bindAddress: String
    public var audience: ListenerAudience
    /// Present only when a feature is enabled (HTTPS without a certificate is not opened).
    public var optional: Bool

    public init(
        name: String,
        role: Role,
        purpose: String,
        application: String,
        transport: ListenerTransport,
        ports: PortRange,
        bindAddress: String,
        audience: ListenerAudience,
        optional: Bool = false
    ) {
        self.name = name
        self.role = role
        self.purpose = purpose
        self.application = application
        self.transport = transport
        self.ports = ports
        self.bindAddress = bindAddress
        self.audience = audience
        self.optional = optional
    }
}

/// Every listener of a deployment's process, built from its configuration.
public struct ListenerTable: Hashable, Sendable {
    public var listeners: [Listener]

    public init(_ listeners: [Listener]) {
        self.listeners = listeners
    }

    public func listener(named name: String) -> Listener? {
        listeners.first { $0.name == name }
    }

    public func listeners(for role: Role) -> [Listener] {
        listeners.filter { $0.role == role }
    }

    /// Pairs of listeners that would bind the same transport, address and port.
    public var clashes: [(Listener, Listener)] {
        var out: [(Listener, Listener)] = []
        for (i, a) in listeners.enumerated() {
            for b in listeners[(i + 1)...] {
                // Port 0 means "any free port": the system never gives two sockets the same one.
                if a.ports.first == 0 || b.ports.first == 0 { continue }
                let sameKind = (a.transport == .udp) == (b.transport == .udp)
                let overlap = a.ports.first <= b.ports.last && b.ports.first <= a.ports.last
                let sameAddress = a.bindAddress == b.bindAddress || Self.isWildcard(a.bindAddress) || Self.isWildcard(b.bindAddress)
                if sameKind && overlap && sameAddress { out.append((a, b)) }
            }
        }
        return out
    }

    static func isWildcard(_ address: String) -> Bool {
        address == "0.0.0.0" || address == "::" || address == "*"
    }
}
