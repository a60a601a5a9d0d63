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

    /// The node role's listeners: SIP over UDP and TCP, the multiplexed media ports (one per
    /// media shard: `media.port`, `media.port + 1`, …),
    /// and with per-call ports their range (bound a pair at a time, while calls last).
    ///
    /// Still to come, when its socket is really bound: `node.sip.tls` (5061).
    func nodeListeners() -> [Listener] {
        var listeners = [
            Listener(
                name: "node.sip.udp", role: .node, purpose: "SIP signalling (phones, PBX trunks)", application: "SIP",
                transport: .udp, ports: PortRange(sip.udpPort), bindAddress: sip.address, audience: .endUsers
            ),
            Listener(
                name: "node.sip.tcp", role: .node, purpose: "SIP signalling over TCP", application: "SIP",
                transport: .tcp, ports: PortRange(sip.tcpPort), bindAddress: sip.address, audience: .endUsers
            ),
            Listener(
                name: "node.media", role: .node, purpose: "Audio media (RTP/RTCP, DTMF) and STUN Binding", application: "RTP/RTCP, STUN",
                transport: .udp, ports: media.sharedPorts, bindAddress: media.address, audience: .endUsers
            ),
        ]
        if let range = media.extraPorts {
            listeners.append(
                Listener(
                    name: "node.media.range", role: .node, purpose: "Per-call audio media (RTP even, RTCP odd), bound while calls last",
                    application: "RTP/RTCP", transport: .udp, ports: range, bindAddress: media.address, audience: .endUsers,
                    optional: true
                ))
        }
        listeners += netTestListeners()
        return listeners
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
        case "node.sip.udp": return "sip.udp_port"
        case "node.sip.tcp": return "sip.tcp_port"
        case "node.media": return "media.port"
        case "node.media.range": return "media.port_range.first"
        case "node.nettest.udp": return "nettest.udp_port"
        case "node.nettest.tcp": return "nettest.tcp_port"
        default: return name
        }
    }
}
