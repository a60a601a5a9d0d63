/// What the portal shows that comes from the configuration, filled in by `parley serve`
/// (ParleyWeb does not read the configuration itself).
public struct PortalSettings: Sendable, Hashable {
    /// `http.public_url`: the base of links in join details and invitations; nil uses the
    /// request's own scheme and `Host`.
    public var publicURL: String?
    /// The HTTPS listener's port when HTTPS is served: requests to it get `Secure` cookies.
    public var httpsPort: Int?
    /// The host name or address in SIP URIs (`sip:123456@host`); nil uses the request's host.
    public var sipHost: String?
    /// The SIP port callers use; left out of URIs when 5060.
    public var sipPort: Int
    /// `ivr.access_numbers`: the numbers that reach the voice menu.
    public var accessNumbers: [String]
    /// The conferencing nodes of the deployment, for the admin pages.
    public var nodes: [PortalNode]
    /// `parley ports` for this host, as the admin page's two tables.
    public var ports: PortTables

    public init(
        publicURL: String? = nil, httpsPort: Int? = nil, sipHost: String? = nil, sipPort: Int = 5060,
        accessNumbers: [String] = [], nodes: [PortalNode] = [], ports: PortTables = PortTables()
    ) {
        self.publicURL = publicURL
        self.httpsPort = httpsPort
        self.sipHost = sipHost
        self.sipPort = sipPort
        self.accessNumbers = accessNumbers
        self.nodes = nodes
        self.ports = ports
    }
}

/// A conferencing node as the admin pages list it.
public struct PortalNode: Sendable, Hashable {
    public var name: String
    public var site: String
    /// The address directors and web servers reach it at (or the bind address in `parley serve`).
    public var address: String
    /// `5060/udp, 5060/tcp`…
    public var sipPorts: String
    /// `5004/udp`, and the range when one is configured.
    public var mediaPorts: String
    /// Audio ports the node is sized (and licensed) for.
    public var capacity: Int
    /// This process runs the node: its live meetings and participants are shown.
    public var isLocal: Bool

    public init(name: String, site: String, address: String, sipPorts: String, mediaPorts: String, capacity: Int, isLocal: Bool) {
        self.name = name
        self.site = site
        self.address = address
        self.sipPorts = sipPorts
        self.mediaPorts = mediaPorts
        self.capacity = capacity
        self.isLocal = isLocal
    }
}

/// The port reference (`parley ports`) as rows of cells under one header row.
public struct PortTables: Sendable, Hashable {
    /// `Ports of a parley host running director, node, web`.
    public var title: String
    public var headers: [String]
    public var incoming: [[String]]
    public var outgoing: [[String]]

    public init(title: String = "", headers: [String] = [], incoming: [[String]] = [], outgoing: [[String]] = []) {
        self.title = title
        self.headers = headers
        self.incoming = incoming
        self.outgoing = outgoing
    }
}
