/// Where a request came from and where its responses go (RFC 3261 §18.2.1, §18.2.2;
/// RFC 3581 symmetric response routing).
extension SIPMessage {
    /// Records the packet's source in the top Via of a received request: `received` when the
    /// source differs from sent-by, and the port in `rport` when the client asked for it.
    /// Responses copy the Via, so they carry the stamp back. Does nothing if the top Via
    /// does not parse (`validate()` reports that).
    public mutating func recordSource(host: String, port: UInt16) {
        guard let index = headers.fields.firstIndex(where: { $0.name == .via }) else { return }
        var values = SIPValueScanner.splitTopLevelCommas(headers.fields[index].value)
        guard let first = values.first, var via = try? SIPVia(parsing: first) else { return }
        if via.host.lowercased() != host.lowercased() || via.rportRequested {
            via.parameters.set("received", host)
        }
        if via.rportRequested {
            via.parameters.set("rport", "\(port)")
        }
        values[0] = via.description
        var fields = headers.fields
        fields[index].value = values.joined(separator: ", ")
        headers = SIPHeaders(fields)
    }

    /// The address to send a response to over an unreliable transport: `received` (or
    /// sent-by) and `rport` (or the sent-by port, or 5060/5061). Over TCP/TLS, answer on
    /// the connection the request came in on instead.
    public var responseDestination: (host: String, port: UInt16)? {
        guard let via = topVia else { return nil }
        let defaultPort: UInt16 = via.transport == "TLS" ? 5061 : 5060
        return (via.received ?? via.host, via.rport ?? via.port ?? defaultPort)
    }
}
