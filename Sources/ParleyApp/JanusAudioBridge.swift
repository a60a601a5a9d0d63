import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Janus's AudioBridge over its HTTP API, as the side-by-side peer of `parley load --janus`
/// (../shared/peers/janus): rooms of plain-RTP participants, each joined with the address it
/// sends from; Janus answers with the address it wants that participant's RTP at.
public struct JanusAudioBridge: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let base: String
    let client: HTTPClient

    public init(base: String = "http://127.0.0.1:8088/janus") {
        self.base = base
        self.client = HTTPClient.shared
    }

    /// Creates `rooms` rooms and joins every participant (`sources[i]` in room `room(i)`):
    /// returns, per participant, where Janus wants its RTP (IPv4 text and port).
    public func join(
        rooms: Int, codec: String, sources: [(ip: String, port: Int)], room: (Int) -> Int
    ) async throws -> [(ip: String, port: Int)] {
        let session = try await id(of: post(base, ["janus": "create"]))
        let sessionURL = "\(base)/\(session)"
        let firstRoom = Int.random(in: 100_000...900_000)
        for index in 0..<rooms {
            let handle = try await id(of: post(sessionURL, ["janus": "attach", "plugin": "janus.plugin.audiobridge"]))
            let reply = try await post(
                "\(sessionURL)/\(handle)",
                [
                    "janus": "message",
                    "body": [
                        "request": "create", "room": firstRoom + index, "sampling_rate": 8000, "allow_rtp_participants": true,
                        "audiolevel_ext": false, "permanent": false,
                    ],
                ])
            let data = ((reply["plugindata"] as? [String: Any])?["data"] as? [String: Any]) ?? [:]
            guard data["audiobridge"] as? String == "created" else {
                throw Failure(description: "Janus did not create room \(firstRoom + index): \(reply)")
            }
        }
        // One handle per participant; the `joined` events arrive on the session's long poll.
        var handles: [Int: Int] = [:]
        for (index, source) in sources.enumerated() {
            let handle = try await id(of: post(sessionURL, ["janus": "attach", "plugin": "janus.plugin.audiobridge"]))
            handles[handle] = index
            _ = try await post(
                "\(sessionURL)/\(handle)",
                [
                    "janus": "message",
                    "body": [
                        "request": "join", "room": firstRoom + room(index), "codec": codec.lowercased(), "display": "load \(index)",
                        "rtp": ["ip": source.ip, "port": source.port],
                    ],
                ])
        }
        var targets = [(ip: String, port: Int)?](repeating: nil, count: sources.count)
        var remaining = sources.count
        let deadline = ContinuousClock.now + .seconds(60)
        while remaining > 0, ContinuousClock.now < deadline {
            var request = HTTPClientRequest(url: "\(sessionURL)?maxev=100&rid=\(UInt32.random(in: 0...UInt32.max))")
            request.method = .GET
            let response = try await client.execute(request, timeout: .seconds(35))
            let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
            let parsed = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
            let events = (parsed as? [[String: Any]]) ?? (parsed as? [String: Any]).map { [$0] } ?? []
            for event in events {
                guard let sender = event["sender"] as? Int, let index = handles[sender],
                    let data = (event["plugindata"] as? [String: Any])?["data"] as? [String: Any]
                else { continue }
                if let error = data["error"] as? String {
                    throw Failure(description: "Janus refused participant \(index): \(error)")
                }
                guard data["audiobridge"] as? String == "joined", let rtp = data["rtp"] as? [String: Any],
                    let ip = rtp["ip"] as? String, let port = rtp["port"] as? Int, targets[index] == nil
                else { continue }
                targets[index] = (ip, port)
                remaining -= 1
            }
        }
        guard remaining == 0 else { throw Failure(description: "Janus confirmed \(sources.count - remaining) of \(sources.count) joins within 60 s.") }
        return targets.compactMap { $0 }
    }

    private func post(_ url: String, _ body: [String: Any]) async throws -> [String: Any] {
        var object = body
        object["transaction"] = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object)))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(10))
        } catch {
            throw Failure(description: "Janus at \(base) did not answer (\(error)). Start it as ../shared/peers/janus/README.md says.")
        }
        let bytes = try await response.body.collect(upTo: 1024 * 1024)
        guard let reply = try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any] else {
            throw Failure(description: "Janus answered \(url) with something that is not a JSON object.")
        }
        if reply["janus"] as? String == "error" {
            throw Failure(description: "Janus refused a request: \(reply["error"] ?? reply)")
        }
        return reply
    }

    private func id(of reply: [String: Any]) throws -> Int {
        guard let data = reply["data"] as? [String: Any], let id = data["id"] as? Int else {
            throw Failure(description: "Janus's answer has no id: \(reply)")
        }
        return id
    }
}
