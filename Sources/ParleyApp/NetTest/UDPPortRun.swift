import NIOCore
import ParleyNetTest

/// What the client learns about one UDP port of the responder: connectivity, then the
/// echo (delay, upstream jitter and loss, DSCP both ways) and the stream (downstream loss
/// and jitter).
struct UDPPortRun {
    let port: Int
    let destination: SocketAddress
    let connectivitySession = UInt32.random(in: 1...UInt32.max)
    let measureSession = UInt32.random(in: 1...UInt32.max)
    let streamSession = UInt32.random(in: 1...UInt32.max)

    var reachable = false
    var firstReplyNanoseconds: UInt64?
    /// The responder's cookie (from any reply), which a stream request must carry.
    var cookie: UInt32 = 0
    var sent = 0
    var roundTrips: [UInt64] = []
    var jitterUp = InterarrivalJitter()
    var echoLoss = EchoLossCalculator()
    var stream = StreamReception()
    /// DSCP marks seen: what the responder read of ours, and what arrived of its own.
    var upMarks: [UInt8: Int] = [:]
    var downMarks: [(sent: UInt8, received: UInt8)] = []
    var dscpSent: UInt8 = 0

    init(port: Int, destination: SocketAddress) {
        self.port = port
        self.destination = destination
        roundTrips.reserveCapacity(1_000)
    }

    mutating func receive(_ probe: NetTestProbe, tos: UInt8, arrived: UInt64) {
        if probe.cookie != 0 { cookie = probe.cookie }
        switch probe.kind {
        case .echoReply where probe.session == connectivitySession:
            if !reachable { firstReplyNanoseconds = arrived &- probe.clientTime }
            reachable = true
        case .echoReply where probe.session == measureSession:
            reachable = true
            roundTrips.append(arrived &- probe.clientTime)
            jitterUp.record(sent: probe.clientTime, arrived: probe.responderTime)
            echoLoss.record(sequence: probe.sequence, responderCount: probe.count)
            upMarks[probe.receivedTOS, default: 0] += 1
            if downMarks.count < 10_000 { downMarks.append((probe.sentTOS, tos)) }
        case .streamPacket where probe.session == streamSession:
            stream.record(sequence: probe.sequence, granted: probe.count, responderTime: probe.responderTime, arrived: arrived)
            if downMarks.count < 10_000 { downMarks.append((probe.sentTOS, tos)) }
        default:
            break
        }
    }

    /// Every echo answered and the stream complete: no need to wait longer.
    func isComplete(sent sequences: UInt32) -> Bool {
        guard reachable else { return true }
        return echoLoss.repliesReceived >= Int(sequences) && stream.granted > 0 && stream.packetsReceived >= Int(stream.granted)
    }

    var figures: NetTestResult.UDPFigures {
        var figures = NetTestResult.UDPFigures(port: port)
        figures.reachable = reachable
        figures.probesSent = sent
        figures.repliesReceived = echoLoss.repliesReceived
        let delay = DelayStatistics(samples: roundTrips)
        figures.delayMilliseconds = delay.median?.nanosecondsAsMilliseconds ?? firstReplyNanoseconds?.nanosecondsAsMilliseconds
        figures.delayP95Milliseconds = delay.p95?.nanosecondsAsMilliseconds
        if jitterUp.samples > 1 { figures.jitterUpMilliseconds = jitterUp.milliseconds }
        if stream.jitter.samples > 1 { figures.jitterDownMilliseconds = stream.jitter.milliseconds }
        figures.lossUp = echoLoss.upstream
        figures.lossDown = stream.loss ?? echoLoss.downstream
        if stream.granted > 0 {
            figures.streamPacketsGranted = Int(stream.granted)
            figures.streamPacketsReceived = stream.packetsReceived
        }
        if dscpSent != 0 {
            figures.dscpSent = Int(DSCP(tos: dscpSent).value)
            // The mark the responder read most often (0xFF: it cannot read marks there).
            if let common = upMarks.max(by: { $0.value < $1.value })?.key, common != NetTestProbe.unknownTOS {
                figures.dscpUpReceived = Int(DSCP(tos: common).value)
            }
        }
        if let sample = mostCommonDownMark {
            figures.dscpDownSent = Int(DSCP(tos: sample.sent).value)
            if sample.received != NetTestProbe.unknownTOS { figures.dscpDownReceived = Int(DSCP(tos: sample.received).value) }
        }
        return figures
    }

    private var mostCommonDownMark: (sent: UInt8, received: UInt8)? {
        var counts: [UInt16: Int] = [:]
        for mark in downMarks { counts[UInt16(mark.sent) << 8 | UInt16(mark.received), default: 0] += 1 }
        guard let key = counts.max(by: { $0.value < $1.value })?.key else { return nil }
        return (UInt8(key >> 8), UInt8(key & 0xFF))
    }
}
