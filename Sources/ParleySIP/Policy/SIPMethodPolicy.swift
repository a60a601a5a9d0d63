/// Which methods the server handles, and the answers for the others (RFC 3261 §8.2.1,
/// §8.2.3): a method we know but do not allow gets 405 with Allow, an unknown method 501
/// (also with Allow, which is useful to the caller), and a body of a type we do not
/// read gets 415 with Accept.
public struct SIPMethodPolicy: Sendable, Hashable {
    public enum Classification: Sendable, Hashable {
        case supported
        /// A method we know and refuse: 405.
        case notAllowed
        /// A method we do not know: 501.
        case notImplemented
    }

    public var supported: [SIPMethod]
    public var knownNotAllowed: [SIPMethod]

    public init(
        supported: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options, .info, .update],
        knownNotAllowed: [SIPMethod] = [.register, .subscribe, .notify, .publish, .message, .refer, .prack]
    ) {
        self.supported = supported
        self.knownNotAllowed = knownNotAllowed
    }

    public static let `default` = SIPMethodPolicy()

    public func classify(_ method: SIPMethod) -> Classification {
        if supported.contains(method) { return .supported }
        if knownNotAllowed.contains(method) { return .notAllowed }
        return .notImplemented
    }

    /// The value of our Allow header.
    public var allowHeaderValue: String {
        supported.map(\.rawValue).joined(separator: ", ")
    }

    /// The 405 or 501 for a request we will not handle, nil for a supported method.
    /// An ACK is never answered (RFC 3261 §17), so it always yields nil.
    public func rejection(for request: SIPMessage, toTag: String) -> SIPMessage? {
        guard let method = request.method, method != .ack else { return nil }
        switch classify(method) {
        case .supported:
            return nil
        case .notAllowed:
            return SIPMessage.response(to: request, status: 405, toTag: toTag, headers: [.allow: allowHeaderValue])
        case .notImplemented:
            return SIPMessage.response(to: request, status: 501, toTag: toTag, headers: [.allow: allowHeaderValue])
        }
    }

    /// The body types the server reads for each method.
    public func acceptedContentTypes(for method: SIPMethod) -> [SIPContentType] {
        switch method {
        case .invite, .ack, .update: return [.sdp]
        case .info: return [.dtmfRelay, .dtmf]
        default: return []
        }
    }

    /// A 415 with Accept if the request has a body whose type we do not read (RFC 3261
    /// §8.2.3, RFC 4475 invut). A body without Content-Type is taken as SDP for
    /// INVITE-like methods. A multipart body with an SDP part is left to the caller.
    public func unsupportedMediaTypeResponse(for request: SIPMessage, toTag: String) -> SIPMessage? {
        guard let method = request.method, request.hasBody else { return nil }
        let accepted = acceptedContentTypes(for: method)
        guard !accepted.isEmpty else { return nil }
        if let contentType = request.contentType {
            if accepted.contains(where: { $0.matches(contentType) }) { return nil }
            if contentType.type == "multipart", method != .info { return nil }
        } else if method != .info {
            return nil
        }
        let accept = accepted.map(\.mediaType).joined(separator: ", ")
        return SIPMessage.response(to: request, status: 415, toTag: toTag, headers: [.accept: accept])
    }
}
