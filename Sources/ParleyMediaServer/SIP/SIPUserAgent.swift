import Logging
import Metrics
import NIOCore
import ParleySIP

/// The UAS core: every SIP message of the node, on one event loop.
///
/// Confined to that loop (the UDP channel, the TCP listener and its connections all live on
/// it), so its tables need no lock. It parses and validates, runs ParleySIP's transaction and
/// dialog state machines, executes their actions (send, timers), and reports calls to call
/// control through ``SIPCallNotifier``. This file holds the receive path and the transport;
/// the extensions hold transactions, INVITE handling, in-dialog requests and the lifecycle.
final class SIPUserAgent {
    static let callIDKey = "sip_call_id"

    let loop: any EventLoop
    let configuration: SIPServiceConfiguration
    let advertisedHost: String
    var logger: Logger
    let parser: SIPMessageParser
    let negotiator: SDPNegotiator
    let policy = SIPMethodPolicy.default
    let notifier: SIPCallNotifier
    var metrics: SIPServiceMetrics
    var rateLimiter: SIPRateLimiter

    var udpChannel: (any Channel)?
    var tcpServerChannel: (any Channel)?
    var udpPort = 0
    var tcpPort = 0
    var connections: [Int: any Channel] = [:]
    private var nextConnectionID = 0

    var serverTransactions: [TransactionKey: ServerTransactionEntry] = [:]
    var clientTransactions: [String: ClientTransactionEntry] = [:]
    var calls: [String: SIPCall] = [:]
    var nextTimerID: UInt64 = 0
    var draining = false
    var drainPromise: EventLoopPromise<Void>?
    var isShutDown = false

    init(
        configuration: SIPServiceConfiguration,
        handler: any CallHandling,
        loop: any EventLoop,
        logger: Logger,
        metricsFactory: any MetricsFactory
    ) {
        self.loop = loop
        self.configuration = configuration
        self.advertisedHost = configuration.effectiveAdvertisedHost
        self.logger = logger
        self.parser = SIPMessageParser(maximumMessageSize: configuration.maximumMessageSize)
        self.negotiator = SDPNegotiator(codecs: configuration.codecs, supportsTelephoneEvent: configuration.supportsTelephoneEvent)
        self.notifier = SIPCallNotifier(handler: handler, loop: loop)
        self.metrics = SIPServiceMetrics(factory: metricsFactory)
        self.rateLimiter = SIPRateLimiter(limit: configuration.inviteRateLimit)
    }

    // MARK: Receiving

    /// One UDP datagram.
    func receiveDatagram(_ datagram: ByteBuffer, from remote: SocketAddress) {
        // Keep-alives are not SIP and not errors: CRLFs, and STUN (RFC 5626 §4.4.2), recognised
        // by its first two bits being zero and its magic cookie.
        if datagram.readableBytesView.allSatisfy({ $0 == 13 || $0 == 10 || $0 == 0 || $0 == 32 }) { return }
        if datagram.readableBytes >= 20, let first = datagram.getInteger(at: datagram.readerIndex, as: UInt8.self), first & 0xC0 == 0,
            datagram.getInteger(at: datagram.readerIndex + 4, as: UInt32.self) == 0x2112_A442
        {
            return
        }
        var bytes = datagram
        do {
            let message = try parser.parseDatagram(&bytes)
            receive(message, flow: .udp(remote: remote))
        } catch {
            receiveUnparsable(datagram, error: error, flow: .udp(remote: remote))
        }
    }

    /// One frame cut from a TCP stream by ``SIPFramingDecoder``.
    func receiveFrame(_ frame: ByteBuffer, flow: SIPFlow) {
        var bytes = frame
        do {
            let message = try parser.parseFrame(&bytes)
            receive(message, flow: flow)
        } catch {
            receiveUnparsable(frame, error: error, flow: flow)
        }
    }

    private func receiveUnparsable(_ bytes: ByteBuffer, error: SIPParseError, flow: SIPFlow) {
        if var response = SIPMalformedRequest.errorResponse(to: bytes, error: error, parser: parser, source: flow.remote) {
            response.headers.add(.server, configuration.userAgent)
            metrics.malformed(answered: true)
            logger.trace("malformed SIP message answered", metadata: ["error": "\(error)", "source": "\(flow.remote)"])
            sendResponse(response, flow: flow)
        } else {
            metrics.malformed(answered: false)
            logger.trace("malformed SIP message dropped", metadata: ["error": "\(error)", "source": "\(flow.remote)"])
        }
    }

    /// A TCP stream that can no longer be framed; the connection is being closed.
    func streamFailed(_ error: any Error, connection: Int) {
        metrics.malformed(answered: false)
        logger.trace("SIP stream closed after a framing error", metadata: ["error": "\(error)"])
    }

    /// A parsed message from either transport.
    func receive(_ parsed: SIPMessage, flow: SIPFlow) {
        var message = parsed
        if message.isRequest { message.recordSource(flow.remote) }
        do {
            try message.validate()
        } catch {
            guard message.isRequest, message.method != .ack, message.topVia != nil else {
                metrics.malformed(answered: false)
                logger.trace("invalid SIP message dropped", metadata: ["error": "\(error)"])
                return
            }
            metrics.malformed(answered: true)
            logger.trace("invalid SIP request answered", metadata: ["error": "\(error)", "source": "\(flow.remote)"])
            sendResponse(makeResponse(to: message, status: error.suggestedStatus, reason: error.reasonPhrase), flow: flow)
            return
        }
        guard case .request(let method, _) = message.startLine else {
            receiveResponse(message)
            return
        }
        metrics.request(method)
        if method == .ack {
            receiveAck(message, flow: flow)
            return
        }
        guard let key = TransactionKey(request: message) else {
            metrics.malformed(answered: true)
            sendResponse(makeResponse(to: message, status: 400, reason: "Missing RFC 3261 Via Branch"), flow: flow)
            return
        }
        if serverTransactions[key] != nil {
            transactionReceive(message, key: key)  // a retransmission: absorbed or answered again
            return
        }
        if method == .invite, message.toTag == nil, let refusal = admissionRefusal(message, flow: flow) {
            sendResponse(refusal, flow: flow)
            return
        }
        let machine: ServerTransactionEntry.Machine =
            method == .invite
            ? .invite(ServerInviteTransaction(request: message, reliableTransport: flow.isReliable, timers: configuration.timers))
            : .nonInvite(ServerNonInviteTransaction(request: message, reliableTransport: flow.isReliable, timers: configuration.timers))
        serverTransactions[key] = ServerTransactionEntry(machine: machine, flow: flow)
        transactionReceive(message, key: key)
    }

    /// 503 for a new INVITE while draining or beyond its source's budget; answered statelessly
    /// so that a flood costs no state.
    private func admissionRefusal(_ invite: SIPMessage, flow: SIPFlow) -> SIPMessage? {
        let retryAfter: SIPHeaders = [.retryAfter: "\(configuration.inviteRateLimit.retryAfterSeconds)"]
        if draining {
            return makeResponse(to: invite, status: 503, reason: "Draining", toTag: makeTag(), headers: retryAfter)
        }
        let source = flow.remote.ipAddress ?? "\(flow.remote)"
        let now = Int64(clamping: NIODeadline.now().uptimeNanoseconds)
        guard rateLimiter.admit(source: source, nowNanoseconds: now) else {
            metrics.rateLimitHit()
            if metrics.statistics.rateLimited % 100 == 1 {
                logger.warning("INVITE rate limit reached", metadata: ["source": "\(source)"])
            }
            return makeResponse(to: invite, status: 503, reason: "Too Many Calls", toTag: makeTag(), headers: retryAfter)
        }
        return nil
    }

    // MARK: Transport

    /// Sends a response: over UDP to the Via's received/rport address (RFC 3261 §18.2.2,
    /// RFC 3581), over TCP on the connection the request came in on.
    func sendResponse(_ response: SIPMessage, flow: SIPFlow) {
        if let status = response.status { metrics.response(status: status) }
        switch flow {
        case .udp(let source):
            var destination = source
            if let target = response.responseDestination,
                let address = try? SocketAddress(ipAddress: target.host, port: Int(target.port))
            {
                destination = address
            }
            write(response, toUDP: destination)
        case .tcp(let connection, _):
            connections[connection]?.writeAndFlush(response.serialized, promise: nil)
        }
    }

    /// Sends a request we originate back along the flow the dialog came from (NAT friendly:
    /// the source address of the peer's last request, or its TCP connection).
    func sendRequest(_ request: SIPMessage, flow: SIPFlow) {
        switch flow {
        case .udp(let remote):
            write(request, toUDP: remote)
        case .tcp(let connection, _):
            connections[connection]?.writeAndFlush(request.serialized, promise: nil)
        }
    }

    func canSend(on flow: SIPFlow) -> Bool {
        switch flow {
        case .udp: return udpChannel != nil
        case .tcp(let connection, _): return connections[connection] != nil
        }
    }

    private func write(_ message: SIPMessage, toUDP destination: SocketAddress) {
        guard let udpChannel else { return }
        udpChannel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: message.serialized), promise: nil)
    }

    func connectionOpened(_ channel: any Channel) -> Int? {
        guard !isShutDown, connections.count < configuration.maximumTCPConnections else { return nil }
        nextConnectionID += 1
        connections[nextConnectionID] = channel
        return nextConnectionID
    }

    func connectionClosed(_ id: Int) {
        connections.removeValue(forKey: id)
    }

    // MARK: Building messages

    func makeTag() -> String {
        String(UInt64.random(in: 1...UInt64.max), radix: 36)
    }

    /// A response with our Server header.
    func makeResponse(
        to request: SIPMessage,
        status: Int,
        reason: String? = nil,
        toTag: String? = nil,
        headers: SIPHeaders = [:],
        body: ByteBuffer = ByteBuffer()
    ) -> SIPMessage {
        var extra = headers
        extra.add(.server, configuration.userAgent)
        return SIPMessage.response(to: request, status: status, reason: reason, toTag: toTag, headers: extra, body: body)
    }

    /// Our Contact for a dialog on this flow.
    func contactURI(for flow: SIPFlow) -> SIPURI {
        let port = flow.isReliable ? tcpPort : udpPort
        var uri = SIPURI(user: configuration.contactUser, host: advertisedHost, port: UInt16(clamping: port))
        if flow.isReliable { uri.parameters.set("transport", "tcp") }
        return uri
    }

    /// A top Via for a request we send on this flow, with a fresh branch.
    func makeVia(for flow: SIPFlow) -> SIPVia {
        let port = flow.isReliable ? tcpPort : udpPort
        var via = SIPVia(
            transport: flow.isReliable ? "TCP" : "UDP", host: advertisedHost, port: UInt16(clamping: port),
            branch: SIPVia.magicCookie + makeTag() + makeTag()
        )
        if !flow.isReliable { via.parameters.append("rport") }
        return via
    }

    /// Allow and Supported, as in OPTIONS answers and 2xx to INVITE.
    var capabilityHeaders: SIPHeaders {
        var headers: SIPHeaders = [.allow: policy.allowHeaderValue]
        if configuration.sessionTimers != nil { headers.add(.supported, "timer") }
        return headers
    }

    /// Logger metadata for a call.
    func metadata(_ callID: String) -> Logger.Metadata {
        [Self.callIDKey: "\(callID)"]
    }
}

extension SIPMessage {
    /// Stamps the top Via with where the request really came from (RFC 3261 §18.2.1,
    /// RFC 3581), so that responses find their way back through NATs.
    mutating func recordSource(_ source: SocketAddress) {
        guard let host = source.ipAddress, let port = source.port, let port16 = UInt16(exactly: port) else { return }
        recordSource(host: host, port: port16)
    }
}
