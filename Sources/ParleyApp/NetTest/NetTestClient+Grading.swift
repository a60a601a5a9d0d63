import ParleyNetTest

extension NetTestClient {
    /// Turns the figures into the table's rows, with a verdict each, and the call estimate.
    func grade(_ result: inout NetTestResult) {
        let tcp = result.tcp
        if tcp.connected {
            result.add("TCP connectivity", port: tcp.port, "connected in \(Self.ms(tcp.connectMilliseconds))", .pass)
        } else {
            result.add("TCP connectivity", port: tcp.port, tcp.error ?? "no connection", .fail)
        }
        if tcp.connected {
            if let delay = tcp.delayMilliseconds {
                result.add("TCP delay", "\(Self.ms(delay)) round trip (p95 \(Self.ms(tcp.delayP95Milliseconds)))", thresholds.roundTrip(Self.ns(delay)))
            } else {
                result.add("TCP delay", "no echo answered", .fail)
            }
            for (name, rate) in [("TCP download", tcp.downloadBitsPerSecond), ("TCP upload", tcp.uploadBitsPerSecond)] {
                if let rate {
                    result.add(name, Throughput.formatted(bitsPerSecond: rate), thresholds.throughput(rate))
                } else {
                    result.add(name, "not measured (the transfer did not start)", .fail)
                }
            }
        }

        for udp in result.udp {
            guard udp.reachable else {
                result.add("UDP connectivity", port: udp.port, "no answer within 1 s: UDP \(udp.port) is blocked on the way, or nothing answers there", .fail)
                continue
            }
            result.add("UDP connectivity", port: udp.port, "echo answered", .pass)
            if let delay = udp.delayMilliseconds {
                result.add("UDP delay", port: udp.port, "\(Self.ms(delay)) round trip (p95 \(Self.ms(udp.delayP95Milliseconds)))", thresholds.roundTrip(Self.ns(delay)))
            }
            for (name, jitter) in [("UDP jitter up", udp.jitterUpMilliseconds), ("UDP jitter down", udp.jitterDownMilliseconds)] {
                if let jitter {
                    result.add(name, port: udp.port, Self.ms(jitter), thresholds.jitter(jitter * 1_000_000))
                } else {
                    result.add(name, port: udp.port, "not measured", .warn)
                }
            }
            if let loss = udp.lossUp {
                result.add("UDP loss up", port: udp.port, "\(NetTestFormat.percent(loss)) of \(udp.probesSent) probes", thresholds.loss(loss))
            }
            if let loss = udp.lossDown {
                let of = udp.streamPacketsGranted.map { " of \($0) stream packets" } ?? " of the replies"
                result.add("UDP loss down", port: udp.port, NetTestFormat.percent(loss) + of, thresholds.loss(loss))
            } else {
                result.add("UDP loss down", port: udp.port, "no stream received", .warn)
            }
            addDSCPRows(udp, to: &result)
        }

        addCallRows(&result)
        if !tcp.connected && !result.udp.contains(where: \.reachable) {
            let ports = result.udp.map { "\($0.port)" }.joined(separator: ", ")
            result.hint =
                "Nothing answered at \(result.host) (\(result.address)). Check the address, that the node runs with nettest.enabled, "
                + "and that firewalls let TCP \(tcp.port) and UDP \(ports) through."
        } else if !result.udp.contains(where: \.reachable) {
            result.hint = "TCP works but no UDP port answered: a firewall blocks UDP. Calls need UDP media; open the UDP ports (parley ports)."
        }
        result.verdict = (result.rows.compactMap { NetTestVerdict(rawValue: $0.verdict) }.max() ?? .skip).rawValue
    }

    private func addDSCPRows(_ udp: NetTestResult.UDPFigures, to result: inout NetTestResult) {
        if let sent = udp.dscpSent {
            if let received = udp.dscpUpReceived {
                let verdict = thresholds.dscp(sent: UInt8(sent << 2), received: UInt8(received << 2))
                result.add("DSCP up", port: udp.port, "sent \(DSCP(UInt8(sent))), arrived \(DSCP(UInt8(received)))", verdict)
            } else {
                result.add("DSCP up", port: udp.port, "not readable on this port (see the other port)", .skip)
            }
        }
        if let sent = udp.dscpDownSent {
            if sent == 0 {
                result.add("DSCP down", port: udp.port, "the node does not mark its packets (dscp.audio: 0)", .skip)
            } else if let received = udp.dscpDownReceived {
                let verdict = thresholds.dscp(sent: UInt8(sent << 2), received: UInt8(received << 2))
                result.add("DSCP down", port: udp.port, "sent \(DSCP(UInt8(sent))), arrived \(DSCP(UInt8(received)))", verdict)
            }
        }
    }

    /// The estimate uses the TCP rates and the first UDP port's loss and jitter (the worse
    /// direction of each).
    private func addCallRows(_ result: inout NetTestResult) {
        guard let udp = result.udp.first(where: \.reachable) else {
            for codec in VoiceCodec.allCases {
                result.add("\(codec.rawValue) calls", "0: no UDP port answered, so media cannot flow", .fail)
            }
            return
        }
        guard let up = result.tcp.uploadBitsPerSecond, let down = result.tcp.downloadBitsPerSecond else {
            for codec in VoiceCodec.allCases {
                result.add("\(codec.rawValue) calls", "not estimated: no TCP throughput", .skip)
            }
            return
        }
        // A direction not measured counts as unusable (NaN gives a factor of 0).
        let loss = max(udp.lossUp ?? .infinity, udp.lossDown ?? .infinity)
        let jitters = [udp.jitterUpMilliseconds, udp.jitterDownMilliseconds].compactMap { $0 }
        let jitter = jitters.count == 2 ? (jitters.max() ?? 0) * 1_000_000 : .nan
        for codec in VoiceCodec.allCases {
            let estimate = CallCapacityEstimate(codec: codec, uploadBitsPerSecond: up, downloadBitsPerSecond: down, loss: loss, jitterNanoseconds: jitter)
            result.calls.append(
                NetTestResult.CallFigures(
                    codec: codec.rawValue, calls: estimate.calls, rawCalls: estimate.rawCalls, lossFactor: estimate.lossFactor,
                    jitterFactor: estimate.jitterFactor))
            var text = "\(estimate.calls) concurrent"
            if estimate.calls < estimate.rawCalls {
                text += " (bandwidth alone: \(estimate.rawCalls); loss ×\(NetTestFormat.decimal(estimate.lossFactor, places: 2)), jitter ×\(NetTestFormat.decimal(estimate.jitterFactor, places: 2)))"
            }
            result.add("\(codec.rawValue) calls", text, thresholds.calls(estimate.calls))
        }
    }

    static func ms(_ value: Double?) -> String {
        value.map { "\(NetTestFormat.decimal($0, places: 1)) ms" } ?? "-"
    }

    static func ns(_ milliseconds: Double) -> UInt64 {
        milliseconds.isFinite && milliseconds > 0 ? UInt64(milliseconds * 1_000_000) : 0
    }
}

extension Throughput {
    static func formatted(bitsPerSecond: Double) -> String {
        Throughput(bytes: Int(min(bitsPerSecond, 1e15) / 8), nanoseconds: 1_000_000_000).formatted
    }
}
