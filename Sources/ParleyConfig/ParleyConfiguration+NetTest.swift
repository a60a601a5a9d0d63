import ParleyModel

extension ParleyConfiguration {
    /// `dscp`: the DiffServ code points (RFC 2474) Parley marks its packets with, so networks
    /// that honour them give voice and signalling priority. 0 leaves packets unmarked.
    public struct DSCPSettings: Sendable, Hashable {
        /// `dscp.audio`: audio media (RTP, RTCP) the node sends, and the network test's UDP
        /// probes; 46 is Expedited Forwarding (RFC 3246).
        public var audio: Int = 46
        /// `dscp.sip`: SIP signalling the node sends; 24 is CS3 (RFC 4594).
        public var sip: Int = 24

        public init() {}

        /// The IP TOS byte that carries a code point (ECN bits 0).
        public static func tos(_ dscp: Int) -> Int { (dscp & 0x3F) << 2 }
    }

    /// `nettest`: the node's network-test responder, which `parley nettest HOST` measures
    /// against (UDP echo and streams on the media port and `udp_port`; TCP delay and
    /// throughput on `tcp_port`).
    public struct NetTest: Sendable, Hashable {
        /// `nettest.enabled`.
        public var enabled = true
        /// `nettest.udp_port`: the extra UDP port of the responder (besides the media port).
        public var udpPort: Int = 9000
        /// `nettest.tcp_port`: the TCP port of the responder; nil uses `media.port`'s number.
        public var tcpPort: Int?

        public init() {}
    }

    /// `clients`: settings of Parley's own clients (`parley nettest` now; the load generator
    /// and native client later).
    public struct Clients: Sendable, Hashable {
        /// `clients.audio_ports`: local UDP ports audio is sent from, so firewalls and QoS
        /// policies can recognise Parley's media by its source ports.
        public var audioPorts = Range(first: 52_000, last: 52_099)
        /// `clients.video_ports`: local UDP ports video is sent from.
        public var videoPorts = Range(first: 52_100, last: 52_299)

        public struct Range: Sendable, Hashable {
            public var first: Int
            public var last: Int

            public init(first: Int, last: Int) {
                self.first = first
                self.last = last
            }

            public var portRange: PortRange { PortRange(first: first, last: last) }
        }

        public init() {}
    }

    /// The network-test responder's TCP port: `nettest.tcp_port`, else `media.port`.
    public var netTestTCPPort: Int { nettest.tcpPort ?? media.port }

    /// The node's network-test listeners, when the responder is enabled.
    func netTestListeners() -> [Listener] {
        guard nettest.enabled else { return [] }
        return [
            Listener(
                name: "node.nettest.udp", role: .node, purpose: "Network test: UDP echo, loss, jitter and DSCP (parley nettest)",
                application: "Parley nettest", transport: .udp, ports: PortRange(nettest.udpPort), bindAddress: media.address,
                audience: .endUsers, optional: true
            ),
            Listener(
                name: "node.nettest.tcp", role: .node, purpose: "Network test: TCP delay and throughput (parley nettest)",
                application: "Parley nettest", transport: .tcp, ports: PortRange(netTestTCPPort), bindAddress: media.address,
                audience: .endUsers, optional: true
            ),
        ]
    }
}

extension ConfigurationValidator {
    /// Client port ranges in order and apart.
    static func checkNetTest(_ state: inout ConfigurationAccumulator) {
        let clients = state.configuration.clients
        for (name, range) in [("audio_ports", clients.audioPorts), ("video_ports", clients.videoPorts)] where range.first > range.last {
            state.error(
                "clients.\(name).last", "the range ends at \(range.last), before its first port \(range.first).",
                fix: "Set last to \(range.first) or more.")
        }
        let audio = clients.audioPorts
        let video = clients.videoPorts
        if audio.first <= video.last && video.first <= audio.last {
            state.warning(
                "clients.video_ports.first", "the audio (\(audio.first)-\(audio.last)) and video (\(video.first)-\(video.last)) source ranges overlap, so a network cannot tell them apart.",
                fix: "Use separate ranges, e.g. the defaults 52000-52099 and 52100-52299.")
        }
    }
}
