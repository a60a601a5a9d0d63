import NIOCore
import ParleyRTP

/// An in-test "phone": sends 20 ms RTP packets of a sine tone (or silence) with a real UDP
/// socket, optionally RFC 4733 key presses, and keeps every datagram it receives.
struct MediaTestPhone {
    let socket: MediaTestSocket
    let codec: AudioCodec
    /// The tone it sends (nil: digital silence).
    var toneFrequency: Double?
    var amplitude = 8000.0
    /// Frames (20 ms steps of the run) during which it sends.
    var sendFrames: Range<Int> = 0..<Int.max
    /// Key presses: frame index → key. Each press replaces audio for its packets.
    var keyPresses: [Int: Character] = [:]
    let telephoneEventPayloadType: UInt8 = 101
    /// Where it sends (the engine's port).
    var destinationPort: Int

    var ssrc = UInt32.random(in: 1...UInt32.max)
    var sequenceNumber = UInt16.random(in: 0...UInt16.max)
    var timestamp = UInt32.random(in: 0...UInt32.max)
    private var encoder: MediaEncoder
    private var phase = 0.0
    private var pendingEvent: [DTMFSender.Packet] = []
    /// Answer each RTCP sender report at once with a receiver report (LSR set, DLSR 0).
    var answersSenderReports = false
    private(set) var senderReportsReceived = 0
    /// Every datagram received, in arrival order.
    private(set) var received: [[UInt8]] = []
    /// The ports the engine sent from.
    private(set) var sourcePorts: Set<Int> = []
    /// Datagrams received per frame of the run.
    private(set) var receivedByFrame: [Int: Int] = [:]

    init(codec: AudioCodec = .pcmu, tone: Double?, destinationPort: Int) throws {
        self.socket = try MediaTestSocket()
        self.codec = codec
        self.toneFrequency = tone
        self.destinationPort = destinationPort
        self.encoder = MediaEncoder(codec: codec)
    }

    /// Where the engine should expect this phone's RTP.
    var address: SocketAddress {
        get throws { try SocketAddress(ipAddress: "127.0.0.1", port: socket.port) }
    }

    /// One step of the run: send this frame's packet (if sending), collect what arrived.
    mutating func step(frame: Int) {
        if sendFrames.contains(frame) {
            if let key = keyPresses[frame], let digit = DTMFDigit(key) {
                // Start a press; its packets replace audio, and the last end packet is sent twice.
                var events = Array(DTMFSender(digit: digit, timestamp: timestamp))
                if let last = events.last { events.append(last) }
                pendingEvent = events
            }
            if !pendingEvent.isEmpty {
                let event = pendingEvent.removeFirst()
                sendEvent(event)
            } else {
                sendAudio()
            }
            timestamp &+= UInt32(AudioCodec.frameTicks)
        }
        collect(frame: frame)
    }

    /// Takes what arrived, counting it against `frame`.
    mutating func collect(frame: Int) {
        let arrivals = socket.receiveAllWithSources()
        let datagrams = arrivals.map(\.bytes)
        sourcePorts.formUnion(arrivals.map(\.sourcePort))
        received += datagrams
        receivedByFrame[frame, default: 0] += datagrams.count
        for bytes in datagrams {
            var buffer = ByteBuffer(bytes: bytes)
            guard MediaPacketKind(classifying: buffer) == .rtcp,
                let compound = try? RTCPCompoundPacket(parsing: &buffer)
            else { continue }
            for case .senderReport(let report) in compound.packets {
                senderReportsReceived += 1
                if answersSenderReports {
                    answer(report)
                }
            }
        }
    }

    private func answer(_ report: RTCPSenderReport) {
        let block = RTCPReportBlock(
            ssrc: report.ssrc,
            fractionLost: 0,
            cumulativeLost: 0,
            extendedHighestSequence: 0,
            jitter: 0,
            lastSenderReport: report.ntpTimestamp.compact,
            delaySinceLastSenderReport: 0
        )
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        RTCPCompoundPacket(packets: [.receiverReport(RTCPReceiverReport(ssrc: ssrc, reportBlocks: [block]))]).write(to: &buffer)
        socket.send(Array(buffer.readableBytesView), toPort: destinationPort)
    }

    private mutating func sendAudio() {
        let pcm: [Int16]
        if let frequency = toneFrequency {
            pcm = MediaTestAudio.sineFrame(frequency: frequency, amplitude: amplitude, phase: &phase)
        } else {
            pcm = [Int16](repeating: 0, count: AudioCodec.widebandFrameSamples)
        }
        var buffer = ByteBufferAllocator().buffer(capacity: 200)
        RTPHeader(payloadType: codec.payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc)
            .write(to: &buffer)
        pcm.withUnsafeBufferPointer { _ = encoder.encode($0, appendingTo: &buffer) }
        sequenceNumber &+= 1
        socket.send(Array(buffer.readableBytesView), toPort: destinationPort)
    }

    private mutating func sendEvent(_ packet: DTMFSender.Packet) {
        var buffer = ByteBufferAllocator().buffer(capacity: 16)
        RTPHeader(
            marker: packet.marker,
            payloadType: telephoneEventPayloadType,
            sequenceNumber: sequenceNumber,
            timestamp: packet.timestamp,
            ssrc: ssrc
        ).write(to: &buffer)
        packet.event.write(to: &buffer)
        sequenceNumber &+= 1
        socket.send(Array(buffer.readableBytesView), toPort: destinationPort)
    }

    /// The RTP packets received (RTCP and junk left out).
    var receivedRTP: [RTPPacket] {
        received.compactMap { bytes in
            var buffer = ByteBuffer(bytes: bytes)
            guard MediaPacketKind(classifying: buffer) == .rtp else { return nil }
            return try? RTPPacket(parsing: &buffer)
        }
    }

    /// The received audio decoded to 16 kHz, in sequence order.
    func receivedAudio() -> [Int16] {
        var decoder = MediaDecoder(codec: codec)
        var audio: [Int16] = []
        var frame = [Int16](repeating: 0, count: AudioCodec.widebandFrameSamples)
        for packet in receivedRTP where packet.header.payloadType == codec.payloadType {
            packet.payload.withUnsafeReadableBytes { payload in
                frame.withUnsafeMutableBufferPointer { _ = decoder.decode(payload, into: $0) }
            }
            audio += frame
        }
        return audio
    }

    /// Received datagrams during the given steps of the run.
    func receivedCount(during frames: Range<Int>) -> Int {
        frames.reduce(0) { $0 + receivedByFrame[$1, default: 0] }
    }

    func close() {
        socket.close()
    }
}

/// Runs phones in real time: every 20 ms each phone takes one step. The steps follow
/// deadlines on the continuous clock (no accumulated drift).
enum MediaTestRun {
    static func run(_ phones: inout [MediaTestPhone], frames: Range<Int>) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        for (offset, frame) in frames.enumerated() {
            for index in phones.indices {
                phones[index].step(frame: frame)
            }
            try await clock.sleep(until: start.advanced(by: .milliseconds(20 * (offset + 1))))
        }
        if let last = frames.last {
            for index in phones.indices {
                phones[index].collect(frame: last)
            }
        }
    }
}
