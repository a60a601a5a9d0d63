extension ParleyConfiguration {
    /// The limits of the reference system, checked by the loader.
    public enum Limits {
        /// At most 16 conferencing nodes in one system.
        public static let nodesPerSystem = 16
        /// At most 4 conferencing nodes in one site.
        public static let nodesPerSite = 4
        /// Two meeting directors (active-active) at most.
        public static let directors = 2
        /// Audio ports a node may declare.
        public static let nodeCapacity = 1...100_000
        /// Length of site, node and director names.
        public static let nameLength = 1...32
    }

    /// One entry of `sites`: a location that groups nodes (placement prefers a meeting's site).
    public struct Site: Sendable, Hashable {
        /// `sites[].name`: 1-32 of `a-z`, `0-9`, `-`. Required.
        public var name: String
        /// `sites[].description`: free text for administrators.
        public var description: String?

        public init(name: String = "", description: String? = nil) {
            self.name = name
            self.description = description
        }
    }

    /// One entry of `nodes`: a conferencing node (SIP, media, mixer).
    public struct Node: Sendable, Hashable {
        /// `nodes[].name`: 1-32 of `a-z`, `0-9`, `-`; unique. Required.
        public var name: String
        /// `nodes[].site`: a name declared under `sites`. Required.
        public var site: String
        /// `nodes[].address`: host name or IP address directors and web servers reach it at.
        public var address: String
        /// `nodes[].capacity`: audio ports this node serves.
        public var capacity: Int

        public init(name: String = "", site: String = "", address: String = "", capacity: Int = 1200) {
            self.name = name
            self.site = site
            self.address = address
            self.capacity = capacity
        }
    }

    /// One entry of `directors`: a meeting director (scheduling, placement, broker).
    public struct Director: Sendable, Hashable {
        /// `directors[].name`: 1-32 of `a-z`, `0-9`, `-`; unique. Required.
        public var name: String
        /// `directors[].address`: host name or IP address nodes reach it at.
        public var address: String

        public init(name: String = "", address: String = "") {
            self.name = name
            self.address = address
        }
    }
}
