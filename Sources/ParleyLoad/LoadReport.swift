/// The outcome of a load run: per-leg figures reduced to the quality bar, the
/// server's and the tool's own CPU and memory, and whether the run is valid.
public struct LoadReport: Sendable, Hashable, Codable {
    public var legsPlanned: Int
    public var legsUp: Int
    public var setupFailures: Int
    public var setupSeconds: Double
    public var measuredSeconds: Double
    public var codec: String
    public var meetings: Int
    public var talkersPerMeeting: Int

    // Quality (over legs that were up for the whole window).
    public var meanLossAndLatePercent: Double
    public var p5PacketsPerSecond: Double
    public var p95JitterMilliseconds: Double
    public var p95LargestGapMilliseconds: Double
    /// Mouth-to-ear added by the server: probe bursts heard by a listener in each meeting.
    public var mouthToEarMedianMilliseconds: Double?
    public var mouthToEarSamples: Int

    // Cost.
    public var serverCPUCores: Double?
    public var serverCPUMicrosecondsPerLegSecond: Double?
    public var serverRSSMegabytes: Double?
    public var toolCPUCores: Double
    public var toolLateTicks: Int
    public var toolSkippedTicks: Int
    public var ticks: Int
    /// Legs that did not make it or dropped, by reason.
    public var failures: [String: Int]

    /// The bar: mean loss+late ≤ 0.5 %, 5th-percentile leg ≥ 47.5 packets/s, p95
    /// jitter ≤ 20 ms, p95 largest gap ≤ 100 ms, every planned leg up.
    public var meetsQualityBar: Bool {
        legsUp == legsPlanned && meanLossAndLatePercent <= 0.5 && p5PacketsPerSecond >= 47.5
            && p95JitterMilliseconds <= 20 && p95LargestGapMilliseconds <= 100
    }

    /// The tool itself fell behind (more than 1 % of its ticks late, or any skipped): the
    /// figures then say more about the tool than about the server.
    public var isValid: Bool {
        toolSkippedTicks == 0 && Double(toolLateTicks) <= Double(max(ticks, 1)) * 0.01
    }

    /// The report of a measured window: the legs' meters reduced to the quality figures, the
    /// mouth-to-ear samples, and the server's and the tool's CPU between two samples each.
    /// `peakRSS` is nil when no server was sampled.
    static func summarising(
        _ meters: [LegMeter], planned: Int, setupFailures: Int, setupSeconds: Double, measured: Double, codec: String, meetings: Int,
        talkersPerMeeting: Int, latencies: [Double], server: (start: ProcessSample?, end: ProcessSample?),
        tool: (start: ProcessSample?, end: ProcessSample?), peakRSS: UInt64?, lateTicks: Int, skippedTicks: Int, ticks: Int,
        failures: [String: Int]
    ) -> LoadReport {
        let serverCores = both(server.start, server.end).map { ProcessSample.cores(from: $0, to: $1) }
        let legSeconds = Double(meters.count) * measured
        return LoadReport(
            legsPlanned: planned, legsUp: meters.count, setupFailures: setupFailures, setupSeconds: setupSeconds, measuredSeconds: measured,
            codec: codec, meetings: meetings, talkersPerMeeting: talkersPerMeeting,
            meanLossAndLatePercent: meters.isEmpty ? 100 : meters.map(\.lossAndLatePercent).reduce(0, +) / Double(meters.count),
            p5PacketsPerSecond: percentile(5, of: meters.map { $0.packetRate(over: measured) }),
            p95JitterMilliseconds: percentile(95, of: meters.map(\.jitterMilliseconds)),
            p95LargestGapMilliseconds: percentile(95, of: meters.map { Double($0.largestGapNanoseconds) / 1e6 }),
            mouthToEarMedianMilliseconds: latencies.isEmpty ? nil : percentile(50, of: latencies), mouthToEarSamples: latencies.count,
            serverCPUCores: serverCores,
            serverCPUMicrosecondsPerLegSecond: serverCores.flatMap { cores in legSeconds > 0 ? cores * measured * 1e6 / legSeconds : nil },
            serverRSSMegabytes: peakRSS.map { Double(max($0, server.end?.residentBytes ?? 0)) / 1_048_576 },
            toolCPUCores: both(tool.start, tool.end).map { ProcessSample.cores(from: $0, to: $1) } ?? 0,
            toolLateTicks: lateTicks, toolSkippedTicks: skippedTicks, ticks: ticks, failures: failures)
    }

    /// Percentile `p` (0-100) of `values` by nearest rank; 0 for none.
    static func percentile(_ p: Double, of values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// A human summary, one row per figure, with the bar where there is one.
    public var table: String {
        func f(_ value: Double, _ digits: Int = 1) -> String {
            let scale = (0..<digits).reduce(1.0) { r, _ in r * 10 }
            let rounded = (value * scale).rounded() / scale
            return "\(rounded)"
        }
        var rows: [(String, String, String)] = [
            ("legs up", "\(legsUp) of \(legsPlanned) (\(setupFailures) failed, set-up \(f(setupSeconds)) s)", legsUp == legsPlanned ? "ok" : "FAIL"),
            ("meetings", "\(meetings) × \(legsPlanned / max(meetings, 1)), \(talkersPerMeeting) talking, \(codec)", ""),
            ("measured", "\(f(measuredSeconds)) s", ""),
            ("loss + late (mean)", "\(f(meanLossAndLatePercent, 3)) %", meanLossAndLatePercent <= 0.5 ? "ok ≤ 0.5 %" : "FAIL > 0.5 %"),
            ("packets/s, 5th percentile leg", f(p5PacketsPerSecond, 2), p5PacketsPerSecond >= 47.5 ? "ok ≥ 47.5" : "FAIL < 47.5"),
            ("jitter p95", "\(f(p95JitterMilliseconds, 2)) ms", p95JitterMilliseconds <= 20 ? "ok ≤ 20 ms" : "FAIL > 20 ms"),
            ("largest gap p95", "\(f(p95LargestGapMilliseconds)) ms", p95LargestGapMilliseconds <= 100 ? "ok ≤ 100 ms" : "FAIL > 100 ms"),
            (
                "mouth-to-ear added (median)", mouthToEarMedianMilliseconds.map { "\(f($0)) ms (\(mouthToEarSamples) probes)" } ?? "no probe heard",
                mouthToEarMedianMilliseconds.map { $0 <= 60 ? "ok ≤ 60 ms" : "over 60 ms" } ?? ""
            ),
        ]
        if let cores = serverCPUCores {
            rows.append(("server CPU", "\(f(cores, 2)) cores, \(f(serverCPUMicrosecondsPerLegSecond ?? 0)) µs per leg-second", ""))
        }
        if let rss = serverRSSMegabytes { rows.append(("server RSS", "\(f(rss)) MB", "")) }
        rows.append(("load tool CPU", "\(f(toolCPUCores, 2)) cores; \(toolLateTicks) late, \(toolSkippedTicks) skipped of \(ticks) ticks", isValid ? "valid" : "INVALID: the tool fell behind"))
        let width = rows.map(\.0.count).max() ?? 0
        var out = rows.map { row in
            row.0 + String(repeating: " ", count: width - row.0.count) + "  " + row.1 + (row.2.isEmpty ? "" : "  [" + row.2 + "]")
        }
        for (reason, count) in failures.sorted(by: { $0.value > $1.value }) {
            out.append("  \(count) leg(s): \(reason)")
        }
        out.append("verdict: " + (isValid ? (meetsQualityBar ? "SUSTAINED at the quality bar" : "NOT sustained") : "INVALID run"))
        return out.joined(separator: "\n")
    }
}
