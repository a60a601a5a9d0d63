import CParleySockets
import NIOCore
import ParleyRTP
import ParleySIP

/// Runs a load plan on the calling thread: sets up every leg over SIP at the planned rate,
/// streams 50 packets/s on each (speech on the talkers, silence on the others, 1 kHz bursts
/// from one probe per meeting), measures what every leg receives, and hangs up. Bounded: set-up
/// timeout + warm-up + duration + 3 s of tear-down, whatever the server does.
///
/// One socket carries every leg's SIP and RTP (each leg sends from its own 127.x.y.z
/// source), so a tick costs one `sendmmsg` and a few `recvmmsg` calls whatever the leg count.
public final class LoadRunner {
    public struct Progress: Sendable {
        public var seconds: Double
        public var phase: String
        public var legsUp: Int
        public var legsPlanned: Int
        public var packetsPerSecond: Double
        public var serverCores: Double?
        public var serverRSSMegabytes: Double?
        public var toolCores: Double
    }

    static let tickNanoseconds: Int64 = 20_000_000
    static let warmUpNanoseconds: Int64 = 1_000_000_000
    static let probePeriodTicks = 100
    static let probeBurstTicks = 5

    let plan: LoadPlan
    let socket: BatchSocket
    var legs: [LoadLeg]
    var legBySource: [UInt32: Int] = [:]
    let target: UInt32
    // Precomputed payloads.
    let speechFrames: [[UInt8]]
    let silenceFrame: [UInt8]
    let toneFrame: [UInt8]
    // Probes: per meeting, when the current burst was sent, and the latencies heard.
    var probeSentAt: [Int64]
    var probeHeard: [Bool]
    var latencies: [Double] = []
    var probeDecoders: [Int: MediaDecoder] = [:]
    // Tool health.
    var ticks = 0
    var lateTicks = 0
    var skippedTicks = 0
    var receivedThisSecond = 0
    var setupFailures = 0
    let parser = SIPMessageParser()
    let onProgress: (Progress) -> Void
    /// Legs joined by someone else (a Janus AudioBridge): no SIP, media straight away.
    var direct = false

    public init(plan: LoadPlan, onProgress: @escaping (Progress) -> Void = { _ in }) throws {
        guard !plan.meetings.isEmpty, plan.legs > 0 else { throw BatchSocket.Failure(description: "a load run needs at least one meeting and one leg") }
        let octets = plan.host.split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 < 256 }) else {
            throw BatchSocket.Failure(description: "the target must be an IPv4 address such as 127.0.0.1, not '\(plan.host)'")
        }
        guard octets[0] == 127 else {
            throw BatchSocket.Failure(description: "the load tool only calls loopback addresses (127.0.0.0/8); \(plan.host) is not one")
        }
        self.plan = plan
        target = octets[0] | octets[1] << 8 | octets[2] << 16 | octets[3] << 24
        socket = try BatchSocket()
        let runTag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        legs = (0..<plan.legs).map { LoadLeg(index: $0, plan: plan, runTag: runTag) }
        for leg in legs { legBySource[leg.source] = leg.index }
        (speechFrames, silenceFrame, toneFrame) = Self.payloads(plan)
        probeSentAt = [Int64](repeating: 0, count: plan.meetings.count)
        probeHeard = [Bool](repeating: true, count: plan.meetings.count)
        self.onProgress = onProgress
    }

    /// Encodes the speech (from a few offsets it loops), one silent frame and one tone frame.
    static func payloads(_ plan: LoadPlan) -> ([[UInt8]], [UInt8], [UInt8]) {
        var encoder = MediaEncoder(codec: plan.codec)
        var output = [UInt8](repeating: 0, count: 400)
        func encode(_ frame: ArraySlice<Int16>) -> [UInt8] {
            let count = Array(frame).withUnsafeBufferPointer { pcm in output.withUnsafeMutableBufferPointer { encoder.encode(pcm, into: $0) } }
            return Array(output[0..<count])
        }
        let samples = AudioCodec.widebandFrameSamples
        var speech: [[UInt8]] = []
        var start = 0
        while start + samples <= plan.speech.count {
            speech.append(encode(plan.speech[start..<(start + samples)]))
            start += samples
        }
        var silenceEncoder = MediaEncoder(codec: plan.codec)
        let zeros = [Int16](repeating: 0, count: samples)
        let silence = zeros.withUnsafeBufferPointer { pcm in
            Array(output[0..<output.withUnsafeMutableBufferPointer { silenceEncoder.encode(pcm, into: $0) }])
        }
        let tone = (0..<samples).map { Int16(16_000 * sin(2 * Double.pi * 1_000 * Double($0) / 16_000)) }
        var toneEncoder = MediaEncoder(codec: plan.codec)
        let toneFrame = tone.withUnsafeBufferPointer { pcm in
            Array(output[0..<output.withUnsafeMutableBufferPointer { toneEncoder.encode(pcm, into: $0) }])
        }
        return (speech.isEmpty ? [silence] : speech, silence, toneFrame)
    }

    /// Where each leg sends from: its own loopback address and the shared socket's port.
    public var legSources: [(ip: String, port: Int)] {
        legs.map { ($0.sourceText, socket.port) }
    }

    /// Media targets for legs joined without SIP (`parley load --janus`): every leg is up at
    /// once and sends to its target; nothing is signalled at the end.
    public func attachMedia(_ targets: [(ip: String, port: Int)]) throws {
        guard targets.count == legs.count else {
            throw BatchSocket.Failure(description: "\(targets.count) media targets for \(legs.count) legs")
        }
        for (index, target) in targets.enumerated() {
            let octets = target.ip.split(separator: ".").compactMap { UInt32($0) }
            guard octets.count == 4, octets[0] == 127, octets.allSatisfy({ $0 < 256 }), (1...65_535).contains(target.port) else {
                throw BatchSocket.Failure(description: "media target \(target.ip):\(target.port) is not a loopback address and port")
            }
            legs[index].mediaAddress = octets[0] | octets[1] << 8 | octets[2] << 16 | octets[3] << 24
            legs[index].mediaPort = UInt16(target.port).bigEndian
            legs[index].state = .up
            legBySource[legs[index].source] = index
        }
        direct = true
    }

    // MARK: Run

    public func run() -> LoadReport {
        let started = parley_realtime_ns()
        var deadline = started + Self.tickNanoseconds
        let setupLimit = started + Int64(plan.setupTimeout.components.seconds) * 1_000_000_000
        let inviteInterval = 1_000_000_000 / Int64(plan.callsPerSecond)
        var nextInviteAt = started
        var nextInvite = direct ? legs.count : 0
        var windowStart: Int64?
        var windowEnd: Int64 = .max
        var setupDone: Int64?
        var hangUpStarted: Int64?
        var startSamples: (server: ProcessSample?, tool: ProcessSample?)
        var endSamples: (server: ProcessSample?, tool: ProcessSample?)
        var nextProgress = started + 1_000_000_000
        var lastProgressTool = ProcessSample.read(pid: nil, at: started)
        var lastProgressServer = ProcessSample.read(pid: plan.serverPID, at: started)
        var peakRSS: UInt64 = 0
        var packetBuffer = [UInt8](repeating: 0, count: max(1, plan.legs) * 200)
        var datagrams: [parley_datagram] = []
        datagrams.reserveCapacity(plan.legs + 64)
        var signalling: [(leg: Int, text: [UInt8])] = []

        mainLoop: while true {
            let now = parley_realtime_ns()
            // Ramp: new INVITEs at the planned rate.
            while nextInvite < legs.count, now >= nextInviteAt, hangUpStarted == nil {
                legs[nextInvite].state = .inviting
                legs[nextInvite].sentAt = now
                signalling.append((nextInvite, Array(legs[nextInvite].invite(plan: plan, localPort: socket.port).utf8)))
                nextInvite += 1
                nextInviteAt += inviteInterval
            }
            // Timers run once per tick, not at every wake-up: scanning every leg each time the
            // socket wakes the thread would cost more than the media itself at 2,000 legs.
            let tickDue = now >= deadline
            // Retransmissions (RFC 3261 Timer A: 500 ms doubling) and give-ups.
            if tickDue {
                for index in legs.indices {
                    switch legs[index].state {
                    case .inviting, .hangingUp:
                        let interval = Int64(500_000_000) << min(legs[index].retransmits, 3)
                        guard now - legs[index].sentAt >= interval else { continue }
                        if legs[index].retransmits >= 5 {
                            if legs[index].state == .inviting { setupFailures += 1 }
                            legs[index].state = legs[index].state == .inviting ? .failed("no answer to INVITE") : .done
                            continue
                        }
                        legs[index].retransmits += 1
                        legs[index].sentAt = now
                        let text = legs[index].state == .inviting ? legs[index].invite(plan: plan, localPort: socket.port) : legs[index].bye(plan: plan, localPort: socket.port)
                        signalling.append((index, Array(text.utf8)))
                    default:
                        continue
                    }
                }
            }
            // Set-up complete (or out of time): the window opens after a warm-up.
            if tickDue, setupDone == nil, nextInvite == legs.count, !legs.contains(where: { $0.state == .inviting }) || now >= setupLimit {
                setupDone = now
                windowStart = now + Self.warmUpNanoseconds
                windowEnd = windowStart! + Int64(plan.duration.components.seconds) * 1_000_000_000 + plan.duration.components.attoseconds / 1_000_000_000
            }
            if let start = windowStart, now >= start, startSamples.tool == nil {
                for index in legs.indices {
                    legs[index].meter = LegMeter()
                    legs[index].upAtWindowStart = legs[index].state == .up
                }
                latencies.removeAll()
                startSamples = (ProcessSample.read(pid: plan.serverPID, at: now), ProcessSample.read(pid: nil, at: now))
            }
            if now >= windowEnd, hangUpStarted == nil {
                for index in legs.indices where legs[index].isStreaming || legs[index].state == .up {
                    legs[index].meter.close(at: now)
                }
                endSamples = (ProcessSample.read(pid: plan.serverPID, at: now), ProcessSample.read(pid: nil, at: now))
                hangUpStarted = now
                for index in legs.indices where legs[index].state == .up && direct {
                    legs[index].state = .done
                }
                for index in legs.indices where legs[index].state == .up {
                    legs[index].state = .hangingUp
                    legs[index].retransmits = 0
                    legs[index].sentAt = now
                    signalling.append((index, Array(legs[index].bye(plan: plan, localPort: socket.port).utf8)))
                }
                for index in legs.indices where legs[index].state == .inviting || legs[index].state == .waiting {
                    legs[index].state = .failed("still setting up when the run ended")
                }
            }
            if let hangUp = hangUpStarted, now - hangUp > 3_000_000_000 || !legs.contains(where: { $0.state == .hangingUp }) {
                break mainLoop
            }

            // The tick: every streaming leg's packet in one batch, then signalling.
            if tickDue {
                ticks += 1
                let behind = now - deadline
                if behind > 5_000_000 { lateTicks += 1 }
                if behind > 2 * Self.tickNanoseconds {
                    // Fell behind by whole ticks: skip them (the run becomes invalid).
                    let missed = Int(behind / Self.tickNanoseconds)
                    skippedTicks += missed
                    deadline += Int64(missed) * Self.tickNanoseconds
                    for index in legs.indices {
                        legs[index].sequence &+= UInt16(truncatingIfNeeded: missed)
                        legs[index].timestamp &+= UInt32(missed * AudioCodec.frameTicks)
                    }
                }
                deadline += Self.tickNanoseconds
                datagrams.removeAll(keepingCapacity: true)
                packetBuffer.withUnsafeMutableBytes { storage in
                    var offset = 0
                    for index in legs.indices where legs[index].isStreaming && legs[index].mediaPort != 0 {
                        let payload = nextPayload(index, now: now)
                        let base = storage.baseAddress!.advanced(by: offset)
                        writeRTP(into: base, leg: &legs[index], payload: payload)
                        datagrams.append(
                            parley_datagram(
                                data: base.assumingMemoryBound(to: UInt8.self), capacity: 0, length: UInt32(12 + payload.count),
                                address: legs[index].mediaAddress, port: legs[index].mediaPort, local: legs[index].source, nanoseconds: 0))
                        offset += 12 + payload.count
                        if offset + 200 > storage.count { break }
                    }
                    _ = socket.send(&datagrams)
                }
            }
            if !signalling.isEmpty {
                sendSignalling(signalling)
                signalling.removeAll(keepingCapacity: true)
            }
            // Progress once a second.
            if now >= nextProgress {
                nextProgress += 1_000_000_000
                let tool = ProcessSample.read(pid: nil, at: now)
                let server = ProcessSample.read(pid: plan.serverPID, at: now)
                if let server { peakRSS = max(peakRSS, server.residentBytes) }
                let phase = hangUpStarted != nil ? "hanging up" : windowStart.map { now >= $0 ? "measuring" : "warming up" } ?? "setting up"
                onProgress(
                    Progress(
                        seconds: Double(now - started) / 1e9, phase: phase, legsUp: legs.filter { $0.state == .up }.count, legsPlanned: legs.count,
                        packetsPerSecond: Double(receivedThisSecond),
                        serverCores: both(lastProgressServer, server).map { ProcessSample.cores(from: $0, to: $1) },
                        serverRSSMegabytes: server.map { Double($0.residentBytes) / 1_048_576 },
                        toolCores: both(lastProgressTool, tool).map { ProcessSample.cores(from: $0, to: $1) } ?? 0))
                receivedThisSecond = 0
                lastProgressTool = tool
                lastProgressServer = server
            }
            // Until the next tick: receive.
            drain(now: now, windowStart: windowStart, windowEnd: windowEnd, signalling: &signalling)
            let wait = deadline - parley_realtime_ns()
            if wait > 0 { socket.wait(nanoseconds: min(wait, 2_000_000)) }
        }
        return report(
            setupSeconds: Double((setupDone ?? parley_realtime_ns()) - started) / 1e9, start: startSamples, end: endSamples,
            measured: windowStart.map { Double(min(windowEnd, hangUpStarted ?? parley_realtime_ns()) - $0) / 1e9 } ?? 0, peakRSS: peakRSS)
    }

    // MARK: Sending

    private func sendSignalling(_ messages: [(leg: Int, text: [UInt8])]) {
        var storage = messages.map(\.text)
        var datagrams: [parley_datagram] = []
        datagrams.reserveCapacity(storage.count)
        let port = UInt16(plan.sipPort).bigEndian
        for index in storage.indices {
            let length = storage[index].count
            storage[index].withUnsafeMutableBufferPointer { bytes in
                datagrams.append(
                    parley_datagram(
                        data: bytes.baseAddress, capacity: 0, length: UInt32(length), address: target, port: port,
                        local: legs[messages[index].leg].source, nanoseconds: 0))
            }
        }
        // The pointers stay valid: `storage` is not mutated until the send returns.
        withExtendedLifetime(storage) { _ = socket.send(&datagrams) }
    }

    private func nextPayload(_ index: Int, now: Int64) -> [UInt8] {
        let leg = legs[index]
        if leg.place == 0 {
            // The probe: silence, and a 100 ms burst of 1 kHz every 2 s.
            let phase = ticks % Self.probePeriodTicks
            if phase == 0 {
                probeSentAt[leg.meeting] = now
                probeHeard[leg.meeting] = false
            }
            return phase < Self.probeBurstTicks ? toneFrame : silenceFrame
        }
        // Seats 1…talkersPerMeeting talk; the others send silence.
        guard leg.place >= 1 && leg.place <= plan.talkersPerMeeting else { return silenceFrame }
        legs[index].speechFrame &+= 1
        return speechFrames[legs[index].speechFrame % speechFrames.count]
    }

    private func writeRTP(into base: UnsafeMutableRawPointer, leg: inout LoadLeg, payload: [UInt8]) {
        let header = base.assumingMemoryBound(to: UInt8.self)
        header[0] = 0x80
        header[1] = plan.codec.payloadType
        header[2] = UInt8(leg.sequence >> 8)
        header[3] = UInt8(leg.sequence & 0xFF)
        for byte in 0..<4 {
            header[4 + byte] = UInt8((leg.timestamp >> (24 - 8 * UInt32(byte))) & 0xFF)
            header[8 + byte] = UInt8((leg.ssrc >> (24 - 8 * UInt32(byte))) & 0xFF)
        }
        payload.withUnsafeBytes { base.advanced(by: 12).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        leg.sequence &+= 1
        leg.timestamp &+= UInt32(AudioCodec.frameTicks)
    }

    // MARK: Receiving

    private func drain(now: Int64, windowStart: Int64?, windowEnd: Int64, signalling: inout [(leg: Int, text: [UInt8])]) {
        let measuring = windowStart.map { now >= $0 && now < windowEnd } ?? false
        _ = socket.receive { bytes, datagram in
            guard datagram.address == target, let index = legBySource[datagram.local], let first = bytes.first else { return }
            if first & 0xC0 == 0x80 {
                guard bytes.count >= 12, bytes[1] & 0x7F < 72 || bytes[1] & 0x7F > 76 else { return }  // RTCP: ignore
                receivedThisSecond += 1
                guard measuring, legs[index].isStreaming else { return }
                let sequence = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
                let timestamp = UInt32(bytes[4]) << 24 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7])
                let arrival = datagram.nanoseconds != 0 ? datagram.nanoseconds : now
                legs[index].meter.record(sequence: sequence, timestamp: timestamp, arrival: arrival)
                listenForProbe(index, packet: bytes, arrival: arrival)
            } else if first >= 0x41 && first <= 0x5A {
                handleSIP(bytes, leg: index, now: now, signalling: &signalling)
            }
        }
    }

    /// The last seat of each meeting listens for the probe's bursts: the first packet whose
    /// audio is mostly 1 kHz after a burst was sent gives the mouth-to-ear time.
    private func listenForProbe(_ index: Int, packet: UnsafeRawBufferPointer, arrival: Int64) {
        let leg = legs[index]
        let size = plan.legs / plan.meetings.count + (leg.meeting < plan.legs % plan.meetings.count ? 1 : 0)
        guard leg.place == size - 1, leg.place > 0, !probeHeard[leg.meeting], probeSentAt[leg.meeting] != 0 else { return }
        let elapsed = arrival - probeSentAt[leg.meeting]
        guard elapsed >= 0, elapsed < 1_000_000_000 else { return }
        let headerLength = 12 + 4 * Int(packet[0] & 0x0F)
        guard packet.count > headerLength else { return }
        var decoder = probeDecoders[index] ?? MediaDecoder(codec: plan.codec)
        var frame = [Int16](repeating: 0, count: AudioCodec.widebandFrameSamples)
        frame.withUnsafeMutableBufferPointer { _ = decoder.decode(UnsafeRawBufferPointer(rebasing: packet[headerLength...]), into: $0) }
        probeDecoders[index] = decoder
        if Self.isTone(frame) {
            probeHeard[leg.meeting] = true
            latencies.append(Double(elapsed) / 1e6)
        }
    }

    /// Goertzel at 1 kHz: most of a loud frame's energy is the probe tone.
    static func isTone(_ frame: [Int16]) -> Bool {
        let coefficient = 2 * cos(2 * Double.pi * 1_000 / 16_000)
        var (previous, beforePrevious, energy) = (0.0, 0.0, 0.0)
        for sample in frame {
            let x = Double(sample)
            energy += x * x
            let current = x + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        let n = Double(frame.count)
        // A pure tone of amplitude A gives power ≈ (A·n/2)² and energy ≈ A²·n/2: ratio n/2.
        return energy > n * 1_000_000 && power / energy > n / 2 * 0.4
    }

    private func handleSIP(_ bytes: UnsafeRawBufferPointer, leg index: Int, now: Int64, signalling: inout [(leg: Int, text: [UInt8])]) {
        var buffer = ByteBuffer(bytes: bytes)
        guard let message = try? parser.parseDatagram(&buffer), message.callID == legs[index].callID else { return }
        if message.isRequest, let method = message.method {
            // The node hangs up (eject, meeting ended) or asks something: answer 200 (BYE ends the leg).
            var reply = ByteBufferAllocator().buffer(capacity: 512)
            SIPMessage.response(to: message, status: 200).write(into: &reply)
            signalling.append((index, Array(reply.readableBytesView)))
            if method == .bye {
                legs[index].state = legs[index].state == .up ? .failed("the node hung up") : .done
            }
            return
        }
        guard let status = message.status, let cseq = message.cseq else { return }
        switch (cseq.method, status) {
        case (.invite, 100..<200):
            return
        case (.invite, 200..<300):
            let to = message.headers[.to] ?? ""
            signalling.append((index, Array(legs[index].ack(plan: plan, localPort: socket.port, to: to, success: true).utf8)))
            guard legs[index].state == .inviting else { return }
            let sdp = String(buffer: message.body)
            guard let media = LoadLeg.mediaTarget(fromSDP: sdp) else {
                legs[index].state = .failed("200 without a usable SDP answer")
                setupFailures += 1
                return
            }
            legs[index].toHeader = to
            legs[index].mediaAddress = media.address
            legs[index].mediaPort = media.port
            legs[index].state = .up
        case (.invite, _):
            signalling.append((index, Array(legs[index].ack(plan: plan, localPort: socket.port, to: message.headers[.to] ?? "", success: false).utf8)))
            if legs[index].state == .inviting {
                legs[index].state = .failed("\(status) \(message.reasonPhrase ?? "")")
                setupFailures += 1
            }
        case (.bye, 200..<700):
            legs[index].state = .done
        default:
            return
        }
    }

    // MARK: Report

    private func report(
        setupSeconds: Double, start: (server: ProcessSample?, tool: ProcessSample?), end: (server: ProcessSample?, tool: ProcessSample?),
        measured: Double, peakRSS: UInt64
    ) -> LoadReport {
        var failures: [String: Int] = [:]
        for leg in legs {
            if case .failed(let why) = leg.state { failures[why, default: 0] += 1 }
        }
        return LoadReport.summarising(
            legs.filter(\.upAtWindowStart).map(\.meter), planned: plan.legs, setupFailures: setupFailures, setupSeconds: setupSeconds,
            measured: measured, codec: plan.codec.rawValue, meetings: plan.meetings.count, talkersPerMeeting: plan.talkersPerMeeting,
            latencies: latencies, server: (start.server, end.server), tool: (start.tool, end.tool),
            peakRSS: plan.serverPID == nil ? nil : peakRSS, lateTicks: lateTicks, skippedTicks: skippedTicks, ticks: ticks, failures: failures)
    }
}

/// Both values, or nil.
func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

#if canImport(Glibc)
    import Glibc
#endif
