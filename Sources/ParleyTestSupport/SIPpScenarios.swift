/// sipp scenarios (UAC side) for the interop tests, as string literals because the test
/// targets have no resources. Each is written to a temporary file and passed with `-sf`.
public enum SIPpScenarios {
    /// The INVITE every scenario starts with: PCMU and telephone-event, sendrecv.
    private static func invite(user: String) -> String {
        """
          <send retrans="500">
            <![CDATA[

              INVITE sip:\(user)@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              To: <sip:\(user)@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 INVITE
              Contact: sip:sipp@[local_ip]:[local_port]
              Max-Forwards: 70
              Content-Type: application/sdp
              Content-Length: [len]

              v=0
              o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
              s=-
              c=IN IP[media_ip_type] [media_ip]
              t=0 0
              m=audio [media_port] RTP/AVP 0 101
              a=rtpmap:0 PCMU/8000
              a=rtpmap:101 telephone-event/8000
              a=fmtp:101 0-15
              a=sendrecv

            ]]>
          </send>

        """
    }

    /// An in-dialog request or ACK; the To (with our tag) is taken from the last response.
    private static func inDialog(_ method: String, cseq: Int, user: String, retransmit: Bool = false, headers: String? = nil, body: String = "") -> String {
        let extraHeader = headers.map { "\n      \($0)" } ?? ""
        return """
          <send\(retransmit ? " retrans=\"500\"" : "")>
            <![CDATA[

              \(method) sip:\(user)@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              [last_To:]
              Call-ID: [call_id]
              CSeq: \(cseq) \(method)
              Contact: sip:sipp@[local_ip]:[local_port]
              Max-Forwards: 70\(extraHeader)
              Content-Length: [len]

              \(body)
            ]]>
          </send>

        """
    }

    private static let answered = """
          <recv response="100" optional="true"/>
          <recv response="180" optional="true"/>
          <recv response="200" rtd="true"/>

        """

    /// INVITE, ACK, then BYE and its 200: how every call ends.
    private static func bye(cseq: Int, user: String) -> String {
        inDialog("BYE", cseq: cseq, user: user, retransmit: true) + """
              <recv response="200" crlf="true"/>

            """
    }

    /// CANCEL after the 180 (the `slow` user is held by call control): 200 to the CANCEL,
    /// 487 to the INVITE, then the ACK for the 487 (same branch as the INVITE).
    public static let cancel = """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="Parley CANCEL before answer">
        \(invite(user: "slow"))
          <recv response="100" optional="true"/>
          <recv response="180"/>
          <send>
            <![CDATA[

              CANCEL sip:slow@[remote_ip]:[remote_port] SIP/2.0
              [last_Via:]
              From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              To: <sip:slow@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 CANCEL
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
          <recv response="200"/>
          <recv response="487"/>
          <send>
            <![CDATA[

              ACK sip:slow@[remote_ip]:[remote_port] SIP/2.0
              [last_Via:]
              From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              [last_To:]
              Call-ID: [call_id]
              CSeq: 1 ACK
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
        </scenario>

        """

    /// A call put on hold by re-INVITE with `a=sendonly`: the 200 must answer `a=recvonly`.
    public static let hold = """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="Parley re-INVITE hold">
        \(invite(user: "hold"))\(answered)\(inDialog("ACK", cseq: 1, user: "hold"))\
        \(inDialog("INVITE", cseq: 2, user: "hold", retransmit: true, headers: "Content-Type: application/sdp", body: """
              v=0
              o=user1 53655765 2353687638 IN IP[local_ip_type] [local_ip]
              s=-
              c=IN IP[media_ip_type] [media_ip]
              t=0 0
              m=audio [media_port] RTP/AVP 0 101
              a=rtpmap:0 PCMU/8000
              a=rtpmap:101 telephone-event/8000
              a=fmtp:101 0-15
              a=sendonly

            """))
          <recv response="100" optional="true"/>
          <recv response="200">
            <action>
              <ereg regexp="a=recvonly" search_in="body" check_it="true" assign_to="recvonly"/>
            </action>
          </recv>
        \(inDialog("ACK", cseq: 2, user: "hold"))\(bye(cseq: 3, user: "hold"))
          <Reference variables="recvonly"/>
        </scenario>

        """

    /// Two digits by SIP INFO: `5` as application/dtmf-relay, `#` as application/dtmf.
    public static let infoDTMF = """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="Parley INFO DTMF">
        \(invite(user: "dtmf"))\(answered)\(inDialog("ACK", cseq: 1, user: "dtmf"))\
        \(inDialog("INFO", cseq: 2, user: "dtmf", retransmit: true, headers: "Content-Type: application/dtmf-relay", body: """
              Signal=5
              Duration=160

            """))
          <recv response="200"/>
        \(inDialog("INFO", cseq: 3, user: "dtmf", retransmit: true, headers: "Content-Type: application/dtmf", body: """
              #

            """))
          <recv response="200"/>
        \(bye(cseq: 4, user: "dtmf"))
        </scenario>

        """

    /// INVITE with PCMU, ACK, then wait for the node's BYE and answer it 200: a caller who
    /// stays until the node hangs up (ejected, meeting ended).
    public static func waitForBye(user: String) -> String {
        """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="call and wait for the node to hang up">
        \(invite(user: user))\(answered)\(inDialog("ACK", cseq: 1, user: user))
          <recv request="BYE"/>
          <send>
            <![CDATA[

              SIP/2.0 200 OK
              [last_Via:]
              [last_From:]
              [last_To:]
              [last_Call-ID:]
              [last_CSeq:]
              Content-Length: 0

            ]]>
          </send>
        </scenario>

        """
    }
}
