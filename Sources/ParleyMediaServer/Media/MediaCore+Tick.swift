import Logging
import Metrics
import NIOCore
import ParleyMixer
import ParleyRTP

extension MediaCore {
    /// Starts the 20 ms clock (on the loop).
    func startClock() {
        scheduleNextTick()
    }

    private func scheduleNextTick() {
        guard !isStopped else { return }
        let deadline = NIODeadline.uptimeNanoseconds(schedule.nextDeadline)
        do {
            scheduledTick = try eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: MediaTickCallback(core: self))
        } catch {
            logger.error("media clock stopped: the event loop refused to schedule a tick", metadata: ["error": "\(error)"])
        }
    }

    /// One tick: every room mixed and sent, every lobby leg's prompt sent, timers checked.
    func runTick() {
        guard !isStopped else { return }
        let now = clockNow()
        guard let tick = schedule.begin(now: now) else {
            scheduleNextTick()
            return
        }
        if tick.skipped > 0 {
            logger.warning("media clock stalled; ticks skipped", metadata: ["skipped": "\(tick.skipped)"])
        }
        process(tick: tick.number, now: now)
        metrics.tickDuration.recordNanoseconds(Int64(clamping: clockNow() &- now))
        if tick.number % 50 == 0 {
            pruneAwaitingMedia(now: now)
            let current = statistics()
            metrics.report(from: reportedCounters, to: current)
            reportedCounters = current
        }
        scheduleNextTick()
    }

    private func process(tick: UInt64, now: UInt64) {
        let rtpNow = rtpTime(now)
        outBuffer.clear()
        pendingSends.removeAll(keepingCapacity: true)
        let writable = context?.channel.isWritable ?? false
        if !writable, context != nil {
            counters.droppedUnwritable &+= UInt64(legList.count)
        }
        for room in roomList {
            mix(room, tick: tick, rtpNow: rtpNow, writable: writable)
        }
        for leg in legList where leg.room == nil {
            // The IVR lobby: keep the jitter buffer moving, play prompts or silence.
            _ = leg.jitterBuffer.pop(now: rtpNow)
            if canSend(leg, writable: writable) {
                compose(base: nil, baseGain: 0, tone: false, prompt: leg)
                sendPersonal(leg, tick: tick)
            } else {
                advancePrompt(of: leg)
            }
        }
        for leg in legList {
            if leg.isWatchedForTimeout, now > leg.lastReceivedAt, now - leg.lastReceivedAt > rtpTimeout {
                leg.timedOut = true
                timedOut.append(leg)
            }
            if leg.playbackJustFinished {
                leg.playbackJustFinished = false
                finishedPlayback.append(leg)
            }
            if tick >= leg.nextReportTick {
                leg.nextReportTick = tick + reportIntervalTicks
                if leg.outlet == nil, canSend(leg, writable: writable) {
                    writeReport(for: leg, tick: tick, now: now)
                }
            }
        }
        metrics.mixDuration.recordNanoseconds(Int64(clamping: clockNow() &- now))
        flushSends()
        // Events last, after the tick's packets are out.
        for leg in finishedPlayback {
            leg.events.onPlaybackFinished()
        }
        finishedPlayback.removeAll(keepingCapacity: true)
        for leg in timedOut {
            logger.info("media leg timed out: no RTP", metadata: ["sip_call_id": "\(leg.id)"])
            leg.events.onTimeout()
        }
        timedOut.removeAll(keepingCapacity: true)
    }

    func canSend(_ leg: MediaLeg, writable: Bool) -> Bool {
        leg.parameters.sends && (leg.outlet != nil || (writable && leg.currentAddress != nil))
    }

    // MARK: Rooms

    private func mix(_ room: MediaRoom, tick: UInt64, rtpNow: Int64, writable: Bool) {
        // 1. Each member's frame: jitter buffer → decoder → the mixer's input slot.
        for leg in room.members {
            guard let participant = leg.mixerID else { continue }
            let output = leg.jitterBuffer.pop(now: rtpNow)
            room.mixer.withInputFrame(for: participant) { frame in
                _ = leg.decoder.render(output, from: leg.jitterBuffer, into: frame)
            }
        }
        room.mixer.mix(tick: tick)

        // 2. The room's tone for this tick, if one is playing.
        let tone = room.tone.isPlaying
        if tone {
            toneFrame.withUnsafeMutableBufferPointer { frame in
                frame.update(repeating: 0)
                _ = room.tone.render(addingInto: frame)
            }
        }

        // 3. Who hears the shared mix; personal encoders catch up before the shared encode.
        var sharedCodecs = 0
        for leg in room.members {
            guard canSend(leg, writable: writable), let participant = leg.mixerID,
                let buffer = room.mixer.output(for: participant)
            else {
                advancePrompt(of: leg)
                continue
            }
            let index = MediaRoom.codecIndex(leg.parameters.codec)
            if buffer.isShared && !leg.prompts.isPlaying {
                sharedCodecs |= 1 << index
                leg.hearsSharedMix = true
            } else {
                if leg.hearsSharedMix {
                    leg.encoder.copyState(from: room.sharedEncoders[index])
                }
                leg.hearsSharedMix = false
            }
        }

        // 4. The shared mix, encoded once per codec in use.
        for index in 0..<room.sharedEncoders.count where sharedCodecs & (1 << index) != 0 {
            _ = room.mixer.withOutput(.shared) { shared in
                compose(base: shared, baseGain: 32768, tone: tone, prompt: nil)
            }
            let start = index * AudioCodec.maximumPayloadBytes
            let bytes = room.sharedEncoders[index].codec.payloadBytes
            frame.withUnsafeBufferPointer { pcm in
                room.sharedPayloads.withUnsafeMutableBufferPointer { payloads in
                    let slot = UnsafeMutableBufferPointer(rebasing: payloads[start..<(start + bytes)])
                    _ = room.sharedEncoders[index].encode(pcm, into: slot)
                }
            }
        }

        // 5. Every member's packet: the shared bytes, or its own encode.
        for leg in room.members where canSend(leg, writable: writable) {
            guard let participant = leg.mixerID, let buffer = room.mixer.output(for: participant) else { continue }
            if leg.hearsSharedMix {
                sendShared(leg, room: room, tick: tick)
            } else {
                let gain = leg.prompts.isPlaying ? configuration.roomGainUnderPrompt : 32768
                _ = room.mixer.withOutput(buffer) { mix in
                    compose(base: mix, baseGain: gain, tone: tone, prompt: leg)
                }
                sendPersonal(leg, tick: tick)
            }
        }
    }

    // MARK: Frames and packets

    /// Writes `base·gain + tone + prompt`, limited, into `frame`. Returns true when the
    /// leg's prompt queue ran out in this frame. `baseGain` is Q15 (32768 = unity).
    @discardableResult
    private func compose(base: UnsafeBufferPointer<Int16>?, baseGain: Int32, tone: Bool, prompt leg: MediaLeg?) -> Bool {
        var finished = false
        accumulator.withUnsafeMutableBufferPointer { sum in
            if let base, baseGain > 0 {
                let count = min(base.count, sum.count)
                if baseGain >= 32768 {
                    for index in 0..<count { sum[index] = Int32(base[index]) }
                } else {
                    for index in 0..<count { sum[index] = (Int32(base[index]) * baseGain) >> 15 }
                }
                for index in count..<sum.count { sum[index] = 0 }
            } else {
                sum.update(repeating: 0)
            }
            if tone {
                toneFrame.withUnsafeBufferPointer { tone in
                    for index in 0..<sum.count { sum[index] &+= tone[index] }
                }
            }
            if let leg, leg.prompts.isPlaying {
                finished = leg.prompts.render(addingInto: sum)
            }
        }
        let limiter = self.limiter
        accumulator.withUnsafeBufferPointer { sum in
            frame.withUnsafeMutableBufferPointer { output in
                for index in 0..<output.count { output[index] = limiter.limit(sum[index]) }
            }
        }
        if finished, let leg {
            leg.playbackJustFinished = true
        }
        return finished
    }

    /// Moves a leg's prompt on by one frame without sending it (on hold, unwritable).
    private func advancePrompt(of leg: MediaLeg) {
        guard leg.prompts.isPlaying else { return }
        accumulator.withUnsafeMutableBufferPointer { sum in
            if leg.prompts.render(addingInto: sum) {
                leg.playbackJustFinished = true
            }
        }
    }

    /// Writes the header of the leg's next packet: RTP, or a browser leg's frame header.
    private func writeHeader(_ leg: MediaLeg, tick: UInt64) {
        let header = leg.sender.nextHeader(
            payloadType: leg.parameters.payloadType,
            timestamp: leg.timestamp(at: tick),
            marker: leg.needsMarker,
            payloadLength: leg.parameters.codec.payloadBytes
        )
        leg.needsMarker = false
        if let prefix = leg.outlet?.framePrefix {
            outBuffer.writeBytes(prefix)
            BrowserAudioFrameHeader(talkspurtStart: header.marker, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp)
                .write(to: &outBuffer)
        } else {
            header.write(to: &outBuffer)
        }
    }

    /// Queues the packet written since `start` for the leg's destination.
    private func queue(_ leg: MediaLeg, from start: Int) {
        pendingSends.append(
            PendingSend(
                start: start, length: outBuffer.writerIndex - start, address: leg.currentAddress,
                socket: leg.sockets?.rtpContext, outlet: leg.outlet))
    }

    private func sendShared(_ leg: MediaLeg, room: MediaRoom, tick: UInt64) {
        guard leg.outlet != nil || leg.currentAddress != nil else { return }
        let start = outBuffer.writerIndex
        writeHeader(leg, tick: tick)
        let slot = MediaRoom.codecIndex(leg.parameters.codec) * AudioCodec.maximumPayloadBytes
        let bytes = leg.parameters.codec.payloadBytes
        room.sharedPayloads.withUnsafeBytes { payloads in
            _ = outBuffer.writeBytes(UnsafeRawBufferPointer(rebasing: payloads[slot..<(slot + bytes)]))
        }
        queue(leg, from: start)
    }

    /// Encodes `frame` with the leg's own encoder and queues the packet.
    private func sendPersonal(_ leg: MediaLeg, tick: UInt64) {
        guard leg.outlet != nil || leg.currentAddress != nil else { return }
        let start = outBuffer.writerIndex
        writeHeader(leg, tick: tick)
        frame.withUnsafeBufferPointer { pcm in
            _ = leg.encoder.encode(pcm, appendingTo: &outBuffer)
        }
        queue(leg, from: start)
    }

    /// Hands the tick's packets to the channel as slices of one buffer, and flushes once
    /// (NIO sends the batch with `sendmmsg`); browser participants' frames go to their
    /// WebSocket loops, one hop per loop.
    private func flushSends() {
        guard !pendingSends.isEmpty else { return }
        var sent: UInt64 = 0
        var shared = false
        for send in pendingSends {
            guard let slice = outBuffer.getSlice(at: send.start, length: send.length) else { continue }
            if let outlet = send.outlet {
                // A browser participant: gathered per WebSocket loop, handed over below.
                browserSends.append((outlet, slice))
            } else if let address = send.address, let socket = send.socket {
                // A per-call socket carries one packet (two with RTCP) per tick: no batch to gather.
                socket.writeAndFlush(NIOAny(AddressedEnvelope(remoteAddress: address, data: slice)), promise: nil)
            } else if let address = send.address, let context {
                context.write(NIOAny(AddressedEnvelope(remoteAddress: address, data: slice)), promise: nil)
                shared = true
            } else {
                counters.droppedUnwritable &+= 1
                continue
            }
            sent &+= 1
        }
        counters.packetsSent &+= sent
        pendingSends.removeAll(keepingCapacity: true)
        if shared { context?.flush() }
        if !browserSends.isEmpty { BrowserAudioOutlet.deliver(&browserSends) }
    }
}
