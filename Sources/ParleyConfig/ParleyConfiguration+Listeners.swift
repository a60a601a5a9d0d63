import ParleyModel

/// The listener table: every socket this process binds, declared once. Roles bind from it and
/// `parley ports` documents it, so the documented ports cannot drift from the real ones.
///
/// Only sockets that are really bound belong here. A role whose listeners are not
/// implemented yet contributes nothing until they are.
extension ParleyConfiguration {
    /// The listeners this process binds, given its roles and configuration, in role order.
    public var listenerTable: ListenerTable {
        var listeners: [Listener] = []
        for role in roles {
            switch role {
            case .director: listeners += directorListeners()
            case .node: listeners += nodeListeners()
            case .web: listeners += webListeners()
            }
        }
        return ListenerTable(listeners)
    }

    /// The director role's listeners.
    ///
    /// None yet: the director's node-agent API (HTTP 61080 / HTTPS 61443 in DESIGN.md) is
    /// served by the web role's HTTP listener until the broker gets its own socket.
    func directorListeners() -> [Listener] {
        []
    }

    /// The node role's listeners.
    ///
    /// NEXT ISSUE (SIP and media transports) adds them here, from keys that are already parsed
    /// and validated, each with `portKeyPath(ofListener:)` updated so clashes name the key:
    /// - `node.sip.udp`: SIP, UDP, `sip.address:sip.udp_port` (5060), end users;
    /// - `node.sip.tcp`: SIP, TCP, `sip.address:sip.tcp_port` (5060), end users;
    /// - `node.sip.tls`: SIP, TLS, `sip.address:sip.tls_port` (5061), end users;
    /// - `node.media`: RTP/RTCP and STUN, UDP, `media.address:media.port` (5004), end users;
    /// - `node.media.range`: RTP/RTCP, UDP, `media.address:media.port_range` (optional), end users.
    /// Do not add them before the sockets are really bound.
    func nodeListeners() -> [Listener] {
        []
    }

    /// The web role's listeners: HTTP always, HTTPS when a certificate and key are configured.
    func webListeners() -> [Listener] {
        var listeners = [
            Listener(
                name: "web.http", role: .web, purpose: "HTTP API and portal", application: "HTTP",
                transport: .tcp, ports: PortRange(http.port), bindAddress: http.address, audience: .endUsers
            )
        ]
        if https.isEnabled {
            listeners.append(
                Listener(
                    name: "web.https", role: .web, purpose: "HTTPS API and portal", application: "HTTPS",
                    transport: .tls, ports: PortRange(https.port), bindAddress: http.address, audience: .endUsers,
                    optional: true
                )
            )
        }
        return listeners
    }

    /// The configuration key that sets a listener's port, for error messages.
    static func portKeyPath(ofListener name: String) -> String {
        switch name {
        case "web.http": return "http.port"
        case "web.https": return "https.port"
        default: return name
        }
    }
}
