import ParleyConfig
import ParleyModel
import ParleyWeb

/// What the portal shows from the configuration: links, dial-in, nodes, and `parley ports`.
extension ParleyServer {
    static func portalSettings(_ config: ParleyConfiguration) -> PortalSettings {
        let sipPort = config.sip.udpPort == 0 ? 5060 : config.sip.udpPort
        return PortalSettings(
            publicURL: config.http.publicURL, httpsPort: config.https.isEnabled ? config.https.port : nil,
            sipHost: config.media.advertisedAddress, sipPort: sipPort, accessNumbers: config.ivr.accessNumberList,
            nodes: portalNodes(config), ports: portTables(config.portReference()))
    }

    /// The declared nodes, and this process's node when it runs one (marked local: its live
    /// meetings are counted on the page).
    static func portalNodes(_ config: ParleyConfiguration) -> [PortalNode] {
        let localAddress = config.media.advertisedAddress ?? config.sip.address
        var nodes: [PortalNode] = []
        var localDeclared = false
        let sip = "\(config.sip.udpPort)/udp, \(config.sip.tcpPort)/tcp"
        var media = "\(config.media.port)/udp"
        if let range = config.media.extraPorts { media += ", \(range)/udp" }
        for node in config.nodes {
            let isLocal = config.roles.contains(.node) && !localDeclared && node.address == localAddress
            localDeclared = localDeclared || isLocal
            nodes.append(
                PortalNode(
                    name: node.name, site: node.site, address: node.address, sipPorts: isLocal ? sip : "–",
                    mediaPorts: isLocal ? media : "–", capacity: node.capacity, isLocal: isLocal))
        }
        if config.roles.contains(.node), !localDeclared {
            nodes.insert(
                PortalNode(
                    name: config.system.name, site: config.sites.first?.name ?? "–", address: localAddress, sipPorts: sip,
                    mediaPorts: media, capacity: ParleyConfiguration.Node().capacity, isLocal: true),
                at: 0)
        }
        return nodes
    }

    /// The port reference as the admin page's two tables, with `parley ports`' columns.
    static func portTables(_ reference: PortReference) -> PortTables {
        func cells(_ rule: PortRule) -> [String] {
            [
                rule.application, rule.transportText, rule.portsText, rule.source, rule.destination, rule.purpose, rule.exposureText,
                rule.optional ? "yes" : "no", rule.setting ?? "",
            ]
        }
        return PortTables(
            title: "Ports of a \(reference.systemName) host running \(reference.roles.map(\.rawValue).joined(separator: ", "))",
            headers: ["Protocol", "Transport", "Ports", "Source", "Destination", "Purpose", "Exposed to", "Optional", "Setting"],
            incoming: reference.incoming.map(cells), outgoing: reference.outgoing.map(cells))
    }
}
