/// The small value types of an SDP description (RFC 4566 §5).

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`
public struct SDPOrigin: Sendable, Hashable {
    public var username: String
    public var sessionID: UInt64
    public var sessionVersion: UInt64
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(
        username: String = "-",
        sessionID: UInt64,
        sessionVersion: UInt64,
        networkType: String = "IN",
        addressType: String = "IP4",
        address: String
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    var text: String {
        "\(username) \(sessionID) \(sessionVersion) \(networkType) \(addressType) \(address)"
    }
}

/// `c=<nettype> <addrtype> <connection-address>`; a multicast `/ttl` suffix is kept in `address`.
public struct SDPConnection: Sendable, Hashable {
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(networkType: String = "IN", addressType: String = "IP4", address: String) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    /// The address without any `/ttl` or `/count` suffix.
    public var host: String {
        String(address.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// RFC 2543 hold: `c=IN IP4 0.0.0.0` (RFC 3264 §8.4 says to treat it as sendonly).
    public var isNullAddress: Bool { host == "0.0.0.0" || host == "::" }

    var text: String { "\(networkType) \(addressType) \(address)" }
}

/// `t=<start-time> <stop-time>`
public struct SDPTiming: Sendable, Hashable {
    public var start: UInt64
    public var stop: UInt64

    public init(start: UInt64 = 0, stop: UInt64 = 0) {
        self.start = start
        self.stop = stop
    }
}

/// `a=<attribute>` or `a=<attribute>:<value>`
public struct SDPAttribute: Sendable, Hashable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    var text: String {
        if let value { return "\(name):\(value)" }
        return name
    }
}

/// Any other line (`i=`, `u=`, `e=`, `p=`, `r=`, `z=`, `k=`, unknown letters), kept verbatim.
public struct SDPLine: Sendable, Hashable {
    public var type: Character
    public var value: String

    public init(type: Character, value: String) {
        self.type = type
        self.value = value
    }
}

/// The media direction attributes (RFC 3264 §5.1, §6.1).
public enum SDPDirection: String, Sendable, Hashable, CaseIterable {
    case sendrecv
    case sendonly
    case recvonly
    case inactive

    /// The direction an answerer mirrors: sendonly ↔ recvonly.
    public var mirrored: SDPDirection {
        switch self {
        case .sendrecv: return .sendrecv
        case .sendonly: return .recvonly
        case .recvonly: return .sendonly
        case .inactive: return .inactive
        }
    }

    /// Whether the side that wrote this direction will send media.
    public var sends: Bool { self == .sendrecv || self == .sendonly }

    /// Whether the side that wrote this direction wants to receive media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }
}

/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]`
public struct SDPRTPMap: Sendable, Hashable {
    public var payloadType: UInt8
    public var encodingName: String
    public var clockRate: Int
    public var channels: Int?

    public init(payloadType: UInt8, encodingName: String, clockRate: Int, channels: Int? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    init?(attributeValue: String) {
        let parts = attributeValue.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, let payloadType = UInt8(parts[0]), payloadType < 128 else { return nil }
        let encoding = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard encoding.count >= 2, encoding.count <= 3, !encoding[0].isEmpty,
            let clockRate = Int(encoding[1]), clockRate > 0
        else { return nil }
        var channels: Int?
        if encoding.count == 3 {
            guard let count = Int(encoding[2]), count > 0 else { return nil }
            channels = count
        }
        self.init(payloadType: payloadType, encodingName: String(encoding[0]), clockRate: clockRate, channels: channels)
    }

    var attributeValue: String {
        var text = "\(payloadType) \(encodingName)/\(clockRate)"
        if let channels { text += "/\(channels)" }
        return text
    }

    /// The RFC 3551 static assignments the server knows by number alone.
    static func staticMap(for payloadType: UInt8) -> SDPRTPMap? {
        switch payloadType {
        case 0: return SDPRTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000)
        case 3: return SDPRTPMap(payloadType: 3, encodingName: "GSM", clockRate: 8000)
        case 4: return SDPRTPMap(payloadType: 4, encodingName: "G723", clockRate: 8000)
        case 8: return SDPRTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000)
        case 9: return SDPRTPMap(payloadType: 9, encodingName: "G722", clockRate: 8000)
        case 13: return SDPRTPMap(payloadType: 13, encodingName: "CN", clockRate: 8000)
        case 18: return SDPRTPMap(payloadType: 18, encodingName: "G729", clockRate: 8000)
        default: return nil
        }
    }
}
