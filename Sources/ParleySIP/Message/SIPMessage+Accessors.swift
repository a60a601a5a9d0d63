import NIOCore

/// Typed views of the headers the SIP core reads. Each returns nil when the header is
/// absent or does not parse; `validate()` reports which one and why.
extension SIPMessage {
    public var callID: String? {
        headers[.callID]
    }

    public var cseq: SIPCSeq? {
        headers[.cseq].flatMap { try? SIPCSeq(parsing: $0) }
    }

    public var from: SIPNameAddress? {
        headers[.from].flatMap { try? SIPNameAddress(parsing: $0, header: "From") }
    }

    public var to: SIPNameAddress? {
        headers[.to].flatMap { try? SIPNameAddress(parsing: $0, header: "To") }
    }

    /// All Via values, top first; nil if any does not parse.
    public var vias: [SIPVia]? {
        var result: [SIPVia] = []
        for value in headers.values(for: .via) {
            guard let via = try? SIPVia(parsing: value) else { return nil }
            result.append(via)
        }
        return result
    }

    public var topVia: SIPVia? {
        headers.values(for: .via).first.flatMap { try? SIPVia(parsing: $0) }
    }

    public var maxForwards: Int? {
        headers[.maxForwards].flatMap { SIPValueScanner.number(Array(SIPValueScanner.trim($0).utf8), limit: 255) }
            .map { Int($0) }
    }

    /// Contact values; nil if any does not parse. `*` (REGISTER only) is not represented.
    public var contacts: [SIPNameAddress]? {
        nameAddresses(.contact, header: "Contact")
    }

    public var recordRoutes: [SIPNameAddress]? {
        nameAddresses(.recordRoute, header: "Record-Route")
    }

    public var routes: [SIPNameAddress]? {
        nameAddresses(.route, header: "Route")
    }

    public var contentLength: Int? {
        headers[.contentLength].flatMap { SIPValueScanner.number(Array($0.utf8), limit: UInt64(Int32.max)) }
            .map { Int($0) }
    }

    public var contentType: SIPContentType? {
        headers[.contentType].flatMap { try? SIPContentType(parsing: $0) }
    }

    /// Methods listed in Allow.
    public var allow: [SIPMethod] {
        headers.values(for: .allow).filter { !$0.isEmpty }.map { SIPMethod($0) }
    }

    /// Option tags in Supported, lowercased.
    public var supported: [String] {
        optionTags(.supported)
    }

    /// Option tags in Require, lowercased.
    public var require: [String] {
        optionTags(.require)
    }

    public var sessionExpires: SIPSessionExpires? {
        headers[.sessionExpires].flatMap { try? SIPSessionExpires(parsing: $0) }
    }

    /// Min-SE in seconds (RFC 4028 §5).
    public var minSE: UInt32? {
        guard let value = headers[.minSE] else { return nil }
        var scanner = SIPValueScanner(value)
        scanner.skipWhitespace()
        guard let seconds = scanner.readNumber(limit: UInt64(UInt32.max)),
            SIPParameters.parseHeaderParameters(&scanner) != nil
        else { return nil }
        scanner.skipWhitespace()
        return scanner.isAtEnd ? UInt32(seconds) : nil
    }

    /// Whether the message has a body.
    public var hasBody: Bool { body.readableBytes > 0 }

    private func nameAddresses(_ name: SIPHeaderName, header: String) -> [SIPNameAddress]? {
        var result: [SIPNameAddress] = []
        for value in headers.values(for: name) {
            guard let address = try? SIPNameAddress(parsing: value, header: header) else { return nil }
            result.append(address)
        }
        return result
    }

    private func optionTags(_ name: SIPHeaderName) -> [String] {
        headers.values(for: name).filter { !$0.isEmpty }.map { $0.lowercased() }
    }
}
