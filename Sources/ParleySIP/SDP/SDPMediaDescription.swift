/// One `m=` section (RFC 4566 §5.14) with its connection, bandwidth and attribute lines.
public struct SDPMediaDescription: Sendable, Hashable {
    /// `audio`, `video`, ...
    public var media: String
    /// 0 means the stream is rejected or disabled (RFC 3264 §6).
    public var port: UInt16
    public var portCount: Int?
    /// `RTP/AVP`, `RTP/SAVP`, ...
    public var proto: String
    /// Format list; payload type numbers for RTP.
    public var formats: [String]
    public var connection: SDPConnection?
    public var bandwidths: [String]
    public var attributes: [SDPAttribute]
    public var otherLines: [SDPLine]

    public init(
        media: String,
        port: UInt16,
        portCount: Int? = nil,
        proto: String = "RTP/AVP",
        formats: [String],
        connection: SDPConnection? = nil,
        bandwidths: [String] = [],
        attributes: [SDPAttribute] = [],
        otherLines: [SDPLine] = []
    ) {
        self.media = media
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.connection = connection
        self.bandwidths = bandwidths
        self.attributes = attributes
        self.otherLines = otherLines
    }

    /// Whether this is an audio stream over plain RTP/AVP (the only profile the server speaks).
    public var isPlainRTPAudio: Bool {
        media.lowercased() == "audio" && proto.uppercased() == "RTP/AVP"
    }

    /// The formats that are valid payload type numbers.
    public var payloadTypes: [UInt8] {
        formats.compactMap { UInt8($0) }.filter { $0 < 128 }
    }

    /// Values of every attribute with this name.
    public func attributeValues(_ name: String) -> [String] {
        attributes.compactMap { $0.name == name ? $0.value : nil }
    }

    public func hasAttribute(_ name: String) -> Bool {
        attributes.contains { $0.name == name }
    }

    /// The rtpmap for a payload type: the explicit `a=rtpmap`, else the RFC 3551 static one.
    public func rtpMap(for payloadType: UInt8) -> SDPRTPMap? {
        for value in attributeValues("rtpmap") {
            if let map = SDPRTPMap(attributeValue: value), map.payloadType == payloadType {
                return map
            }
        }
        return SDPRTPMap.staticMap(for: payloadType)
    }

    /// The `a=fmtp` parameters for a payload type.
    public func fmtp(for payloadType: UInt8) -> String? {
        for value in attributeValues("fmtp") {
            let parts = value.split(separator: " ", maxSplits: 1)
            if let first = parts.first, UInt8(first) == payloadType {
                return parts.count > 1 ? String(parts[1]) : ""
            }
        }
        return nil
    }

    /// `a=ptime` in milliseconds.
    public var ptime: Int? {
        attributeValues("ptime").first.flatMap { Int($0) }
    }

    /// The direction attribute written at media level, if any.
    public var direction: SDPDirection? {
        attributes.lazy.compactMap { $0.value == nil ? SDPDirection(rawValue: $0.name) : nil }.first
    }

    /// Replaces any direction attribute with `direction`.
    public mutating func setDirection(_ direction: SDPDirection) {
        attributes.removeAll { $0.value == nil && SDPDirection(rawValue: $0.name) != nil }
        attributes.append(SDPAttribute(direction.rawValue))
    }

    /// The RTCP port from `a=rtcp` (RFC 3605), else RTP port + 1.
    public var rtcpPort: UInt16 {
        if let value = attributeValues("rtcp").first,
            let portText = value.split(separator: " ").first,
            let port = UInt16(portText)
        {
            return port
        }
        return port == UInt16.max ? port : port + 1
    }
}
