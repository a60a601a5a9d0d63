import Foundation
import ParleyNetTest

/// What `parley nettest` measured: the figures (for `--json` and scripts) and the rows of the
/// human table, each with its verdict.
public struct NetTestResult: Sendable, Codable {
    public struct Row: Sendable, Codable {
        public var check: String
        public var port: Int?
        public var result: String
        public var verdict: String
    }

    public struct TCPFigures: Sendable, Codable {
        public var port: Int
        public var connected = false
        public var error: String?
        public var connectMilliseconds: Double?
        public var delayMilliseconds: Double?
        public var delayP95Milliseconds: Double?
        public var downloadBitsPerSecond: Double?
        public var downloadBytes: Int?
        public var uploadBitsPerSecond: Double?
        public var uploadBytes: Int?
    }

    public struct UDPFigures: Sendable, Codable {
        public var port: Int
        public var reachable = false
        public var probesSent = 0
        public var repliesReceived = 0
        public var delayMilliseconds: Double?
        public var delayP95Milliseconds: Double?
        public var jitterUpMilliseconds: Double?
        public var jitterDownMilliseconds: Double?
        public var lossUp: Double?
        public var lossDown: Double?
        public var streamPacketsGranted: Int?
        public var streamPacketsReceived: Int?
        /// DSCP the client marked its probes with, and what the responder read (nil: unreadable there).
        public var dscpSent: Int?
        public var dscpUpReceived: Int?
        /// DSCP the responder marked its replies with, and what arrived.
        public var dscpDownSent: Int?
        public var dscpDownReceived: Int?
    }

    public struct CallFigures: Sendable, Codable {
        public var codec: String
        public var calls: Int
        public var rawCalls: Int
        public var lossFactor: Double
        public var jitterFactor: Double
    }

    public var host: String
    public var address: String
    public var sourcePort: Int
    /// Whether the UDP source port is in `clients.audio_ports`.
    public var sourcePortInRange: Bool
    public var durationSeconds: Double
    public var tcp: TCPFigures
    public var udp: [UDPFigures]
    public var calls: [CallFigures] = []
    public var rows: [Row] = []
    /// The worst verdict of the rows.
    public var verdict = NetTestVerdict.skip.rawValue
    public var warnings: [String] = []
    /// What to do when the node could not be reached at all (or not over UDP).
    public var hint: String?

    mutating func add(_ check: String, port: Int? = nil, _ result: String, _ verdict: NetTestVerdict) {
        rows.append(Row(check: check, port: port, result: result, verdict: verdict.rawValue))
    }

    /// The human table.
    public var table: String {
        let body = TextTable(
            headers: ["CHECK", "RESULT", "VERDICT"],
            rows: rows.map { row in
                [row.check + (row.port.map { " (\($0))" } ?? ""), row.result, row.verdict == NetTestVerdict.skip.rawValue ? "-" : row.verdict]
            }
        ).rendered
        var text = "Network test to \(host) (\(address)) from UDP port \(sourcePort)\n\n\(body)\n\nOverall: \(verdict)"
        if let hint { text += "\n\(hint)" }
        return text
    }

    /// The JSON form (`--json`): snake_case keys, sorted.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    /// Whether any row failed (the command's exit status is 1 then).
    public var failed: Bool { rows.contains { $0.verdict == NetTestVerdict.fail.rawValue } }
}
