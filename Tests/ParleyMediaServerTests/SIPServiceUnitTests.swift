import NIOCore
import ParleySIP
import Testing

@testable import ParleyMediaServer

/// The SIP service's pure parts, without sockets: the rate limiter, our client transaction,
/// the salvage of malformed requests, the configuration.
@Suite("SIP service parts")
struct SIPServiceUnitTests {
    private static let second: Int64 = 1_000_000_000

    @Test("token bucket: a burst, then the sustained rate; other sources are unaffected")
    func tokenBucket() {
        var limiter = SIPRateLimiter(limit: SIPRateLimit(invitesPerSecond: 2, burst: 3))
        let admitted = (0..<5).map { _ in limiter.admit(source: "192.0.2.1", nowNanoseconds: 0) }
        #expect(admitted == [true, true, true, false, false])
        let otherSource = limiter.admit(source: "192.0.2.2", nowNanoseconds: 0)
        let afterQuarter = limiter.admit(source: "192.0.2.1", nowNanoseconds: Self.second / 4)  // half a token
        let afterHalf = limiter.admit(source: "192.0.2.1", nowNanoseconds: Self.second / 2)
        let again = limiter.admit(source: "192.0.2.1", nowNanoseconds: Self.second / 2)
        #expect(otherSource && !afterQuarter && afterHalf && !again)
        // Refills to the burst, not beyond.
        let later = (0..<4).map { _ in limiter.admit(source: "192.0.2.1", nowNanoseconds: 100 * Self.second) }
        #expect(later == [true, true, true, false])
    }

    @Test("the table stays bounded under a spoofed-source flood, keeping recent sources")
    func boundedTable() {
        var limiter = SIPRateLimiter(limit: SIPRateLimit(invitesPerSecond: 1, burst: 1, maximumSources: 100))
        let first = limiter.admit(source: "victim", nowNanoseconds: 0)
        #expect(first)
        for index in 0..<10_000 {
            _ = limiter.admit(source: "10.0.\(index / 256).\(index % 256)", nowNanoseconds: 0)
            #expect(limiter.trackedSources <= 100)
        }
        let recentFirst = limiter.admit(source: "recent", nowNanoseconds: 0)
        let recentSecond = limiter.admit(source: "recent", nowNanoseconds: 0)
        #expect(recentFirst && !recentSecond)
    }

    private func bye(transport: String = "UDP") throws -> SIPMessage {
        try SIPMessage(
            parsing: "BYE sip:a@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/\(transport) 192.0.2.9;branch=z9hG4bKabc\r\nMax-Forwards: 70\r\n"
                + "From: <sip:p@192.0.2.9>;tag=1\r\nTo: <sip:a@192.0.2.1>;tag=2\r\nCall-ID: c\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n"
        )
    }

    @Test("client transaction over UDP: Timer E doubles to T2, a final response ends it")
    func clientTransactionRetransmits() throws {
        let timers = SIPTimerValues(t1: .milliseconds(500), t2: .seconds(4), t4: .seconds(5))
        let request = try bye()
        var transaction = SIPClientTransaction(request: request, reliableTransport: false, timers: timers)
        let actions1 = transaction.start()
        #expect(actions1 == [.send(request), .startTimer(.retransmit, after: .milliseconds(500)), .startTimer(.timeout, after: .seconds(32))])
        let actions2 = transaction.timerFired(.retransmit)
        #expect(actions2 == [.send(request), .startTimer(.retransmit, after: .seconds(1))])
        let actions3 = transaction.timerFired(.retransmit)
        #expect(actions3 == [.send(request), .startTimer(.retransmit, after: .seconds(2))])
        let actions4 = transaction.timerFired(.retransmit)
        #expect(actions4 == [.send(request), .startTimer(.retransmit, after: .seconds(4))])
        let actions5 = transaction.timerFired(.retransmit)
        #expect(actions5 == [.send(request), .startTimer(.retransmit, after: .seconds(4))])
        let ok = SIPMessage.response(to: request, status: 200)
        let actions6 = transaction.receive(ok)
        #expect(actions6 == [.cancelTimer(.retransmit), .cancelTimer(.timeout), .final(ok), .startTimer(.linger, after: .seconds(5))])
        #expect(transaction.receive(ok).isEmpty)  // retransmitted response absorbed
        let actions7 = transaction.timerFired(.linger)
        #expect(actions7 == [.terminated])
    }

    @Test("client transaction: timeout after 64·T1; over TCP no retransmission")
    func clientTransactionTimeout() throws {
        let request = try bye(transport: "TCP")
        var transaction = SIPClientTransaction(request: request, reliableTransport: true, timers: .rfc3261)
        let actions8 = transaction.start()
        #expect(actions8 == [.send(request), .startTimer(.timeout, after: .seconds(32))])
        let actions9 = transaction.timerFired(.timeout)
        #expect(actions9 == [.cancelTimer(.retransmit), .timedOut, .terminated])
        let actions10 = transaction.receive(SIPMessage.response(to: request, status: 200))
        #expect(actions10.isEmpty)
    }

    @Test("a request with a broken start line or Content-Length can still be answered")
    func salvage() throws {
        let headers = "Via: SIP/2.0/UDP 192.0.2.9:5062;branch=z9hG4bKx\r\nMax-Forwards: 70\r\nFrom: <sip:p@192.0.2.9>;tag=1\r\n"
            + "To: <sip:a@192.0.2.1>\r\nCall-ID: salvage\r\nCSeq: 7 INVITE\r\n"
        let parser = SIPMessageParser()
        let cases: [(String, String)] = [
            ("INVITE sip:a@192.0.2.1 SIP/7.0\r\n" + headers + "Content-Length: 0\r\n\r\n", "505"),
            ("INVITE sip:a@192.0.2.1 SIP/2.0\r\n" + headers + "Content-Length: 99\r\n\r\nshort", "400"),
            ("INVITE  sip:a@192.0.2.1 SIP/2.0\r\n" + headers + "\r\n", "400"),
        ]
        for (text, status) in cases {
            var buffer = ByteBuffer(string: text)
            let error = try #require(throws: SIPParseError.self) { try parser.parseDatagram(&buffer) }
            let response = try #require(SIPMalformedRequest.errorResponse(to: ByteBuffer(string: text), error: error, parser: parser))
            #expect("\(response.status ?? 0)" == status)
            #expect(response.callID == "salvage" && response.cseq == SIPCSeq(7, .invite))
            #expect(response.responseDestination?.port == 5062)
        }
        // A response is never answered; headers that do not lex cannot be.
        for text in ["SIP/2.0 200 OK\r\n" + headers + "Content-Length: 5\r\n\r\n", "INVITE sip:a@b SIP/2.0\r\nno colon here\r\n\r\n"] {
            var buffer = ByteBuffer(string: text)
            let error = try #require(throws: SIPParseError.self) { try parser.parseDatagram(&buffer) }
            #expect(SIPMalformedRequest.errorResponse(to: ByteBuffer(string: text), error: error, parser: parser) == nil)
        }
    }

    @Test("configuration: defaults, advertised host, validation naming the setting")
    func configuration() {
        #expect(SIPServiceConfiguration().effectiveAdvertisedHost == "127.0.0.1")
        #expect(SIPServiceConfiguration(bindAddress: "192.0.2.7").effectiveAdvertisedHost == "192.0.2.7")
        #expect(SIPServiceConfiguration(advertisedHost: "sip.example.com").effectiveAdvertisedHost == "sip.example.com")
        #expect(SIPServiceConfiguration().userAgent == "Parley/0.1")
        #expect(throws: SIPServiceError.self) { try SIPServiceConfiguration(udpPort: 70_000).validate() }
        #expect(throws: SIPServiceError.self) { try SIPServiceConfiguration(codecs: []).validate() }
        #expect(throws: Never.self) { try SIPServiceConfiguration().validate() }
        do {
            try SIPServiceConfiguration(tcpPort: -1).validate()
        } catch {
            #expect(error.message.contains("tcpPort"))
        }
    }
}
