import NIOCore

/// A session description (RFC 4566): session-level lines and the media sections.
///
/// Parse with `init(parsing:)` from the body `ByteBuffer`, write with `write(into:)`.
/// Lines the server does not interpret are kept and written back.
public struct SDPSessionDescription: Sendable, Hashable {
    public var origin: SDPOrigin
    public var sessionName: String
    public var connection: SDPConnection?
    public var bandwidths: [String]
    public var timing: [SDPTiming]
    public var attributes: [SDPAttribute]
    /// `i=`, `u=`, `e=`, `p=`, `r=`, `z=`, `k=` and unknown lines at session level.
    public var otherLines: [SDPLine]
    public var media: [SDPMediaDescription]

    public init(
        origin: SDPOrigin,
        sessionName: String = "-",
        connection: SDPConnection? = nil,
        bandwidths: [String] = [],
        timing: [SDPTiming] = [SDPTiming()],
        attributes: [SDPAttribute] = [],
        otherLines: [SDPLine] = [],
        media: [SDPMediaDescription] = []
    ) {
        self.origin = origin
        self.sessionName = sessionName
        self.connection = connection
        self.bandwidths = bandwidths
        self.timing = timing
        self.attributes = attributes
        self.otherLines = otherLines
        self.media = media
    }

    /// The session-level direction attribute, if any.
    public var direction: SDPDirection? {
        attributes.lazy.compactMap { $0.value == nil ? SDPDirection(rawValue: $0.name) : nil }.first
    }

    /// The direction in force for a media section: its own, else the session's, else sendrecv.
    /// A null connection address (RFC 2543 hold) turns sendrecv into sendonly and recvonly
    /// into inactive (RFC 3264 §8.4).
    public func effectiveDirection(of media: SDPMediaDescription) -> SDPDirection {
        let direction = media.direction ?? self.direction ?? .sendrecv
        guard effectiveConnection(of: media)?.isNullAddress == true else { return direction }
        switch direction {
        case .sendrecv: return .sendonly
        case .recvonly: return .inactive
        default: return direction
        }
    }

    /// The connection in force for a media section: its own, else the session's.
    public func effectiveConnection(of media: SDPMediaDescription) -> SDPConnection? {
        media.connection ?? connection
    }
}
