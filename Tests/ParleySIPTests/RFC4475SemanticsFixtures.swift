/// RFC 4475 §3.2 (transaction layer) and §3.3 (application layer) semantics.
extension RFC4475 {
    // MARK: 3.2 Transaction layer semantics

    /// 3.2.1 Missing Transaction Identifier: the branch is only the magic cookie.
    static let badbranch = wire(
        """
        OPTIONS sip:user@example.com SIP/2.0
        To: sip:user@example.com
        From: sip:caller@example.org;tag=33242
        Max-Forwards: 3
        Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK
        Accept: application/sdp
        Call-ID: badbranch.sadonfo23i420jv0as0derf3j3n
        CSeq: 8 OPTIONS
        l: 0


        """
    )

    // MARK: 3.3 Application layer semantics

    /// 3.3.1 Missing Required Header Fields.
    static let insuf = wire(
        """
        INVITE sip:user@example.com SIP/2.0
        CSeq: 193942 INVITE
        Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf
        Content-Type: application/sdp
        l: 152

        v=0
        o=mhandley 29739 7272939 IN IP4 192.0.2.95
        s=-
        c=IN IP4 192.0.2.95
        t=0 0
        m=audio 49217 RTP/AVP 0 12
        m=video 3227 RTP/AVP 31
        a=rtpmap:31 LPC

        """
    )

    /// 3.3.2 Request-URI with Unknown Scheme.
    static let unkscm = wire(
        """
        OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0
        To: sip:user@example.com
        From: sip:caller@example.net;tag=384
        Max-Forwards: 3
        Call-ID: unkscm.nasdfasser0q239nwsdfasdkl34
        CSeq: 3923423 OPTIONS
        Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234
        Content-Length: 0


        """
    )

    /// 3.3.6 Unknown Content-Type.
    static let invut = wire(
        """
        INVITE sip:user@example.com SIP/2.0
        Contact: <sip:caller@host5.example.net>
        To: sip:j.user@example.com
        From: sip:caller@example.net;tag=8392034
        Max-Forwards: 70
        Call-ID: invut.0ha0isndaksdjadsfij34n23d
        CSeq: 235448 INVITE
        Via: SIP/2.0/UDP somehost.example.com;branch=z9hG4bKkdjuw
        Content-Type: application/unknownformat
        Content-Length: 40

        <audio>
         <pcmps>
         </pcmps>
        </audio>

        """
    )

    /// 3.3.8 Multiple Values in Single Value Required Fields.
    static let multi01 = wire(
        """
        INVITE sip:user@company.com SIP/2.0
        Contact: <sip:caller@host25.example.net>
        Via: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw
        Max-Forwards: 70
        CSeq: 5 INVITE
        Call-ID: multi01.98asdh@192.0.2.1
        CSeq: 59 INVITE
        Call-ID: multi01.98asdh@192.0.2.2
        From: sip:caller@example.com;tag=3413415
        To: sip:user@example.com
        To: sip:other@example.net
        From: sip:caller@example.net;tag=2923420123
        Content-Type: application/sdp
        l: 152
        Contact: <sip:caller@host36.example.net>
        Max-Forwards: 5

        v=0
        o=mhandley 29739 7272939 IN IP4 192.0.2.25
        s=-
        c=IN IP4 192.0.2.25
        t=0 0
        m=audio 49217 RTP/AVP 0 12
        m=video 3227 RTP/AVP 31
        a=rtpmap:31 LPC

        """
    )

    /// 3.3.9 Multiple Content-Length Values.
    static let mcl01 = wire(
        """
        OPTIONS sip:user@example.com SIP/2.0
        Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423
        To: sip:user@example.com
        From: sip:other@example.net;tag=3923942
        Call-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf
        CSeq: 15932 OPTIONS
        Content-Length: 13
        Max-Forwards: 60
        Content-Length: 5
        Content-Type: text/plain

        There's no way to know how many octets are supposed to be here.

        """
    )

    /// 3.3.10 200 OK Response with Broadcast Via Header Field Value.
    static let bcast = wire(
        """
        SIP/2.0 200 OK
        Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923
        Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23
        Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf
        CSeq: 35 INVITE
        From: sip:user@example.com;tag=11141343
        To: sip:user@example.edu;tag=2229
        Content-Length: 154
        Content-Type: application/sdp
        Contact: <sip:user@host28.example.com>

        v=0
        o=mhandley 29739 7272939 IN IP4 192.0.2.198
        s=-
        c=IN IP4 192.0.2.198
        t=0 0
        m=audio 49217 RTP/AVP 0 12
        m=video 3227 RTP/AVP 31
        a=rtpmap:31 LPC

        """
    )

    /// 3.3.11 Max-Forwards of Zero.
    static let zeromf = wire(
        """
        OPTIONS sip:user@example.com SIP/2.0
        To: sip:user@example.com
        From: sip:caller@example.net;tag=3ghsd41
        Call-ID: zeromf.jfasdlfnm2o2l43r5u0asdfas
        CSeq: 39234321 OPTIONS
        Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw2349i
        Max-Forwards: 0
        Content-Length: 0


        """
    )

    /// 3.3.13 Content-Type with parameters (cparam01).
    static let cparam01 = wire(
        """
        OPTIONS sip:user@example.com SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw
        To: sip:user@example.com
        From: sip:caller@example.net;tag=2234923
        Max-Forwards: 70
        Call-ID: cparam01.239423mnsadf3j23lj42--sedfnm234
        CSeq: 1392934 OPTIONS
        Content-Type: application/sdp; charset = "ISO-10646"
        Content-Length: 0


        """
    )
}
