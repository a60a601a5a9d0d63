import NIOCore

/// The server side of STUN Binding (RFC 8489 §6.3), as a pure function from a request
/// datagram and its source to the response to send, if any.
///
/// - A Binding request gets a success response with XOR-MAPPED-ADDRESS (the source as seen
///   here), SOFTWARE and FINGERPRINT. An RFC 3489 request (no magic cookie) gets MAPPED-ADDRESS
///   and the cookie field echoed instead (RFC 8489 §11), and no FINGERPRINT.
/// - Short-term credentials (RFC 8489 §9.1.3): a request with USERNAME or MESSAGE-INTEGRITY is
///   checked against the configured password and the response is signed the same way
///   (MESSAGE-INTEGRITY-SHA256 when the request used it, else MESSAGE-INTEGRITY). Without a
///   configured password such requests get 401. A request without either is answered
///   unauthenticated: plain Binding is what reachability checks and NAT discovery send.
/// - Unknown comprehension-required attributes: 420 with UNKNOWN-ATTRIBUTES. A bad attribute
///   value or another method: 400.
/// - Anything else (not STUN, a wrong FINGERPRINT, indications, responses) gets nothing.
///
/// A response is never much larger than its request (a 20-byte request gets at most about 60
/// bytes); the caller still rate-limits per source (``STUNRateLimiter``).
public struct STUNBindingServer: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// SOFTWARE of every response; nil leaves it out.
        public var software: String?
        /// The short-term password requests with USERNAME must be signed with; nil refuses them.
        public var password: String?

        public init(software: String? = "Parley", password: String? = nil) {
            self.software = software
            self.password = password
        }
    }

    /// What happened to a datagram, for counters and logs.
    public enum Outcome: String, Hashable, Sendable {
        case success
        case errorResponse = "error_response"
        /// Not answered: not STUN, a broken header, a wrong FINGERPRINT, not a request.
        case ignored
    }

    public let configuration: Configuration
    private let key: STUNKey?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.key = configuration.password.map(STUNKey.shortTerm(password:))
    }

    /// Answers `datagram` (one STUN message at the reader index) from `source`: writes the
    /// response into `output` when there is one.
    public func respond(to datagram: ByteBuffer, from source: STUNAddress, into output: inout ByteBuffer) -> Outcome {
        guard let header = STUNMessage.Header(peeking: datagram), header.type.messageClass == .request else { return .ignored }
        var input = datagram
        let request: STUNMessage
        do {
            request = try STUNMessage(parsing: &input)
        } catch {
            guard error.headerWasValid else { return .ignored }
            writeError(.badRequest, header: header, into: &output)
            return .errorResponse
        }
        guard STUNMessageCheck.fingerprint(of: datagram) != .invalid else { return .ignored }
        guard header.type.method == .binding else {
            writeError(.badRequest, header: header, into: &output)
            return .errorResponse
        }
        let unknown = request.unknownComprehensionRequiredTypes.filter { !($0 == STUNAttributeType.changeRequest && Self.asksForNoChange(request)) }
        guard unknown.isEmpty else {
            writeError(.unknownAttribute, header: header, extra: [.unknownAttributes(unknown)], into: &output)
            return .errorResponse
        }
        var signing: STUNSigning?
        if request.username != nil || request.hasMessageIntegrity || request.hasMessageIntegritySHA256 {
            switch authenticate(request, datagram: datagram) {
            case .accepted(let accepted): signing = accepted
            case .refused(let error):
                writeError(error, header: header, into: &output)
                return .errorResponse
            }
        }
        var attributes: [STUNAttribute] = [
            request.isRFC3489 ? .mappedAddress(source) : .xorMappedAddress(source)
        ]
        if let software = configuration.software { attributes.append(.software(software)) }
        let response = STUNMessage(
            type: STUNMessageType(method: .binding, class: .successResponse), transactionID: header.transactionID,
            magicCookie: header.magicCookie, attributes: attributes)
        response.write(to: &output, signing: signing, fingerprint: !request.isRFC3489)
        return .success
    }

    /// CHANGE-REQUEST with neither "change IP" nor "change port" set asks for nothing this
    /// server cannot do: RFC 3489 clients send it in every request, so it is accepted. With a
    /// flag set it is refused with 420 like any unknown attribute (this server has one
    /// address; RFC 5780 §6.1).
    private static func asksForNoChange(_ request: STUNMessage) -> Bool {
        var found = false
        for case .other(STUNAttributeType.changeRequest, let value) in request.attributes {
            guard value.readableBytes == 4, let flags = value.getInteger(at: value.readerIndex, as: UInt32.self), flags & 0x6 == 0 else {
                return false
            }
            found = true
        }
        return found
    }

    private enum Authentication {
        case accepted(STUNSigning)
        case refused(STUNErrorCode)
    }

    /// RFC 8489 §9.1.3, with one password for every username.
    private func authenticate(_ request: STUNMessage, datagram: ByteBuffer) -> Authentication {
        guard let key else { return .refused(.unauthenticated) }
        guard request.username != nil, request.hasMessageIntegrity || request.hasMessageIntegritySHA256 else {
            return .refused(.badRequest)
        }
        if request.hasMessageIntegritySHA256 {
            guard STUNMessageCheck.messageIntegritySHA256(of: datagram, key: key) == .valid else { return .refused(.unauthenticated) }
            return .accepted(STUNSigning(key: key, algorithms: [.sha256]))
        }
        guard STUNMessageCheck.messageIntegrity(of: datagram, key: key) == .valid else { return .refused(.unauthenticated) }
        return .accepted(STUNSigning(key: key, algorithms: [.sha1]))
    }

    private func writeError(_ error: STUNErrorCode, header: STUNMessage.Header, extra: [STUNAttribute] = [], into output: inout ByteBuffer) {
        var attributes: [STUNAttribute] = [.errorCode(error)] + extra
        if let software = configuration.software { attributes.append(.software(software)) }
        let response = STUNMessage(
            type: STUNMessageType(method: header.type.method, class: .errorResponse), transactionID: header.transactionID,
            magicCookie: header.magicCookie, attributes: attributes)
        response.write(to: &output, fingerprint: header.magicCookie == STUNMessage.magicCookie)
    }
}
