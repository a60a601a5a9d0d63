/// Our side of a media session, needed to write an offer or an answer.
public struct SDPLocalMedia: Sendable, Hashable {
    /// The address peers send RTP to.
    public var address: String
    public var port: UInt16
    /// `o=` session id, stable for the dialog.
    public var sessionID: UInt64
    /// `o=` version: increase it whenever the description changes (RFC 3264 §8).
    public var sessionVersion: UInt64

    public init(address: String, port: UInt16, sessionID: UInt64, sessionVersion: UInt64) {
        self.address = address
        self.port = port
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
    }

    var addressType: String { address.contains(":") ? "IP6" : "IP4" }
}

/// An answer to send and the media it settles.
public struct SDPAnswer: Sendable, Hashable {
    public var description: SDPSessionDescription
    public var media: SDPNegotiatedMedia
}

/// RFC 3264 offer/answer for one audio stream.
///
/// Answers pick ONE codec: the first of `codecs` (our preference order) the offer has,
/// echo the offerer's telephone-event payload type, mirror the direction (hold:
/// sendonly → recvonly, inactive → inactive, `c=0.0.0.0` taken as sendonly), and ask for
/// ptime 20. Other streams are rejected with port 0, in place.
public struct SDPNegotiator: Sendable {
    public var codecs: [SDPCodec]
    public var supportsTelephoneEvent: Bool
    /// Payload type for telephone-event in our own offers.
    public var telephoneEventPayloadType: UInt8
    public var ptime: Int
    public var username: String
    public var sessionName: String

    public init(
        codecs: [SDPCodec] = [.g722, .pcmu, .pcma],
        supportsTelephoneEvent: Bool = true,
        telephoneEventPayloadType: UInt8 = 101,
        ptime: Int = 20,
        username: String = "parley",
        sessionName: String = "Parley"
    ) {
        self.codecs = codecs
        self.supportsTelephoneEvent = supportsTelephoneEvent
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.ptime = ptime
        self.username = username
        self.sessionName = sessionName
    }

    /// The answer to an offer, or the reason to answer 488.
    public func answer(to offer: SDPSessionDescription, local: SDPLocalMedia) throws(SDPNegotiationError) -> SDPAnswer {
        var sawAudio = false
        var negotiated: SDPNegotiatedMedia?
        var answerMedia: [SDPMediaDescription] = []

        for (index, offered) in offer.media.enumerated() {
            let usable = offered.isPlainRTPAudio && offered.port != 0
            sawAudio = sawAudio || usable
            guard negotiated == nil, usable, let (codec, payloadType) = commonCodec(in: offered) else {
                answerMedia.append(rejected(offered))
                continue
            }
            guard let connection = offer.effectiveConnection(of: offered) else {
                throw SDPNegotiationError(.missingConnection)
            }
            let telephoneEvent = supportsTelephoneEvent ? telephoneEventPayloadType(in: offered, clockRate: codec.clockRate) : nil
            let direction = offer.effectiveDirection(of: offered).mirrored
            var formats = [payloadType]
            if let telephoneEvent { formats.append(telephoneEvent) }
            var section = SDPMediaDescription(media: offered.media, port: local.port, formats: formats.map(String.init))
            section.attributes.append(SDPAttribute("rtpmap", codec.rtpMap(payloadType: payloadType).attributeValue))
            if let telephoneEvent {
                section.attributes.append(SDPAttribute("rtpmap", SDPCodec.telephoneEvent.rtpMap(payloadType: telephoneEvent).attributeValue))
                section.attributes.append(SDPAttribute("fmtp", "\(telephoneEvent) \(offered.fmtp(for: telephoneEvent) ?? "0-16")"))
            }
            section.attributes.append(SDPAttribute("ptime", "\(ptime)"))
            section.setDirection(direction)
            answerMedia.append(section)
            negotiated = SDPNegotiatedMedia(
                codec: codec, payloadType: payloadType, telephoneEventPayloadType: telephoneEvent,
                remoteAddress: connection.host, remoteRTPPort: offered.port, remoteRTCPPort: offered.rtcpPort,
                localDirection: direction, ptime: ptime, remotePtime: offered.ptime, mediaIndex: index
            )
        }
        guard let negotiated else {
            throw SDPNegotiationError(sawAudio ? .noCommonCodec : .noAudioStream)
        }
        var description = skeleton(local: local)
        description.media = answerMedia
        return SDPAnswer(description: description, media: negotiated)
    }

    /// An offer listing all our codecs (for an INVITE without SDP: offer in the 200 OK,
    /// answer in the ACK; or for a re-INVITE we send).
    public func offer(local: SDPLocalMedia, direction: SDPDirection = .sendrecv) -> SDPSessionDescription {
        var payloadTypes: [UInt8] = []
        var attributes: [SDPAttribute] = []
        var nextDynamic: UInt8 = 96
        for codec in codecs {
            let payloadType: UInt8
            if let fixed = codec.staticPayloadType {
                payloadType = fixed
            } else {
                while nextDynamic == telephoneEventPayloadType { nextDynamic += 1 }
                payloadType = nextDynamic
                nextDynamic += 1
            }
            payloadTypes.append(payloadType)
            attributes.append(SDPAttribute("rtpmap", codec.rtpMap(payloadType: payloadType).attributeValue))
        }
        if supportsTelephoneEvent {
            payloadTypes.append(telephoneEventPayloadType)
            attributes.append(SDPAttribute("rtpmap", SDPCodec.telephoneEvent.rtpMap(payloadType: telephoneEventPayloadType).attributeValue))
            attributes.append(SDPAttribute("fmtp", "\(telephoneEventPayloadType) 0-16"))
        }
        attributes.append(SDPAttribute("ptime", "\(ptime)"))
        attributes.append(SDPAttribute(direction.rawValue))
        var description = skeleton(local: local)
        description.media = [
            SDPMediaDescription(media: "audio", port: local.port, formats: payloadTypes.map(String.init), attributes: attributes)
        ]
        return description
    }

    /// Reads the answer to an offer we made: the codec is the answer's first format that we
    /// offered and support.
    public func process(answer: SDPSessionDescription, toOffer offer: SDPSessionDescription) throws(SDPNegotiationError) -> SDPNegotiatedMedia {
        guard let offeredIndex = offer.media.firstIndex(where: { $0.isPlainRTPAudio && $0.port != 0 }),
            answer.media.count == offer.media.count
        else { throw SDPNegotiationError(.answerRejected) }
        let offered = offer.media[offeredIndex]
        let answered = answer.media[offeredIndex]
        guard answered.port != 0, answered.isPlainRTPAudio else { throw SDPNegotiationError(.answerRejected) }
        guard let connection = answer.effectiveConnection(of: answered) else {
            throw SDPNegotiationError(.missingConnection)
        }
        var chosen: (SDPCodec, UInt8)?
        for payloadType in answered.payloadTypes where offered.payloadTypes.contains(payloadType) {
            guard let map = answered.rtpMap(for: payloadType) ?? offered.rtpMap(for: payloadType),
                let codec = codecs.first(where: { $0.matches(map) })
            else { continue }
            chosen = (codec, payloadType)
            break
        }
        guard let (codec, payloadType) = chosen else { throw SDPNegotiationError(.noCommonCodec) }
        let telephoneEvent = supportsTelephoneEvent ? telephoneEventPayloadType(in: answered, clockRate: codec.clockRate) : nil
        return SDPNegotiatedMedia(
            codec: codec, payloadType: payloadType, telephoneEventPayloadType: telephoneEvent,
            remoteAddress: connection.host, remoteRTPPort: answered.port, remoteRTCPPort: answered.rtcpPort,
            localDirection: answer.effectiveDirection(of: answered).mirrored, ptime: ptime,
            remotePtime: answered.ptime, mediaIndex: offeredIndex
        )
    }

    private func commonCodec(in media: SDPMediaDescription) -> (SDPCodec, UInt8)? {
        let offered = media.payloadTypes.compactMap { media.rtpMap(for: $0) }
        for codec in codecs {
            if let map = offered.first(where: { codec.matches($0) }) {
                return (codec, map.payloadType)
            }
        }
        return nil
    }

    private func telephoneEventPayloadType(in media: SDPMediaDescription, clockRate: Int) -> UInt8? {
        media.payloadTypes.first { payloadType in
            guard let map = media.rtpMap(for: payloadType) else { return false }
            return map.encodingName.lowercased() == "telephone-event" && map.clockRate == clockRate
        }
    }

    private func rejected(_ offered: SDPMediaDescription) -> SDPMediaDescription {
        SDPMediaDescription(
            media: offered.media, port: 0, proto: offered.proto,
            formats: offered.formats.isEmpty ? ["0"] : [offered.formats[0]]
        )
    }

    private func skeleton(local: SDPLocalMedia) -> SDPSessionDescription {
        SDPSessionDescription(
            origin: SDPOrigin(
                username: username, sessionID: local.sessionID, sessionVersion: local.sessionVersion,
                addressType: local.addressType, address: local.address
            ),
            sessionName: sessionName,
            connection: SDPConnection(addressType: local.addressType, address: local.address)
        )
    }
}
