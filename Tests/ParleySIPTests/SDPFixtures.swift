/// SDP offers as phones and PBXs send them (readable form; `wire` adds CRLF).
enum OfferFixtures {
    /// A G.711 µ-law-only phone with RFC 4733 events on payload type 101.
    static let pcmuOnly = """
        v=0
        o=alice 2890844526 2890844526 IN IP4 192.0.2.10
        s=-
        c=IN IP4 192.0.2.10
        t=0 0
        m=audio 49170 RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=ptime:20
        a=sendrecv

        """

    /// A softphone offering Opus, G.722, PCMA and PCMU, telephone-event on 96 and at 48 kHz too.
    static let wideband = """
        v=0
        o=- 1000 1 IN IP4 198.51.100.7
        s=softphone
        t=0 0
        m=audio 40000 RTP/AVP 111 8 0 9 96 110
        c=IN IP4 198.51.100.7
        a=rtpmap:111 opus/48000/2
        a=rtpmap:8 PCMA/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:9 G722/8000
        a=rtpmap:96 telephone-event/8000
        a=fmtp:96 0-16
        a=rtpmap:110 telephone-event/48000
        a=rtcp:40001 IN IP4 198.51.100.7
        m=video 40002 RTP/AVP 97
        a=rtpmap:97 H264/90000

        """

    /// Only codecs the server does not speak.
    static let noCommonCodec = """
        v=0
        o=- 1 1 IN IP4 203.0.113.5
        s=-
        c=IN IP4 203.0.113.5
        t=0 0
        m=audio 30000 RTP/AVP 18 111
        a=rtpmap:18 G729/8000
        a=rtpmap:111 opus/48000/2

        """

    /// A re-INVITE putting the call on hold (RFC 3264 §8.4).
    static let hold = """
        v=0
        o=alice 2890844526 2890844527 IN IP4 192.0.2.10
        s=-
        c=IN IP4 192.0.2.10
        t=0 0
        m=audio 49170 RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        a=sendonly

        """

    /// RFC 2543-style hold: connection address 0.0.0.0.
    static let holdNullAddress = """
        v=0
        o=alice 2890844526 2890844528 IN IP4 192.0.2.10
        s=-
        c=IN IP4 0.0.0.0
        t=0 0
        m=audio 49170 RTP/AVP 0
        a=rtpmap:0 PCMU/8000

        """

    /// Both directions off.
    static let inactive = """
        v=0
        o=alice 2890844526 2890844529 IN IP4 192.0.2.10
        s=-
        c=IN IP4 192.0.2.10
        t=0 0
        m=audio 49170 RTP/AVP 8
        a=inactive

        """
}
