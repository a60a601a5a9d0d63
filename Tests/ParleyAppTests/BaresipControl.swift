import Foundation
import ParleyTestSupport
import Synchronization
// In a clean build the compiler may attribute the socket constants to NIO's CNIOLinux module.
#if canImport(CNIOLinux)
    import CNIOLinux
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A client of baresip's `ctrl_tcp` module: commands go out as netstrings of JSON
/// (`{"command":"dial","params":"sip:…","token":"3"}`), responses and events come back the
/// same way (`{"response":true,"ok":true,"token":"3",…}`, `{"event":true,"type":"CALL_ESTABLISHED",…}`).
///
/// The socket is non-blocking and polled every 10 ms with a deadline: a test must not block a
/// thread of the cooperative pool that the in-process server's call control also runs on.
final class BaresipControl: Sendable {
    /// One message from baresip: a response to a command or an event.
    struct Message: Sendable, CustomStringConvertible {
        var isEvent: Bool
        var type: String?
        var token: String?
        var ok: Bool?
        var data: String?
        var param: String?
        var text: String

        var description: String { text }
    }

    private struct State {
        var buffer: [UInt8] = []
        var messages: [Message] = []
        var nextToken = 1
        var closed = false
    }

    private let descriptor: Int32
    private let state = Mutex(State())

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Connects to `127.0.0.1:port`, retrying while nobody listens yet, until `limit`.
    static func open(port: Int, within limit: Duration) async throws -> BaresipControl {
        let deadline = ContinuousClock.now + limit
        while true {
            if let descriptor = try connectOnce(port: port) {
                return BaresipControl(descriptor: descriptor)
            }
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("Nothing listened on baresip's control port 127.0.0.1:\(port) within \(limit).")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A connected, non-blocking socket; nil when the connection was refused.
    private static func connectOnce(port: Int) throws -> Int32? {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw TestSupportError("Could not create a TCP socket (errno \(errno)).") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        // A connect on loopback completes (or is refused) at once, so it may block.
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            return nil
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        return descriptor
    }

    /// Sends a command and waits for its response; throws unless baresip answers `ok`.
    @discardableResult
    func command(_ name: String, _ params: String = "", within limit: Duration = .seconds(5)) async throws -> Message {
        let token = state.withLock { state in
            defer { state.nextToken += 1 }
            return "\(name)-\(state.nextToken)"
        }
        let object: [String: String] = ["command": name, "params": params, "token": token]
        let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try write(Array("\(json.count):".utf8) + Array(json) + Array(",".utf8))
        let response = try await message(within: limit, "the response to \(name) \(params)") { !$0.isEvent && $0.token == token }
        guard response.ok == true else {
            throw TestSupportError("baresip refused \(name) \(params): \(response)")
        }
        return response
    }

    /// The first event of one of `types` received so far (or arriving within `limit`).
    @discardableResult
    func event(_ types: String..., within limit: Duration) async throws -> Message {
        try await message(within: limit, "the event \(types.joined(separator: " or "))") { message in
            message.isEvent && types.contains { $0 == message.type }
        }
    }

    /// Every message received so far, oldest first.
    var messages: [Message] {
        state.withLock { state in
            _ = drain(&state)
            return state.messages
        }
    }

    private func message(within limit: Duration, _ what: String, where matches: (Message) -> Bool) async throws -> Message {
        let deadline = ContinuousClock.now + limit
        while true {
            let (found, closed) = state.withLock { state in
                let closed = drain(&state)
                return (state.messages.first(where: matches), closed)
            }
            if let found { return found }
            guard !closed, ContinuousClock.now < deadline else {
                let seen = messages.map(\.text).joined(separator: "\n")
                throw TestSupportError(
                    "baresip sent no \(what) within \(limit)\(closed ? " (it closed the connection)" : ""); it sent:\n\(seen)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        let deadline = ContinuousClock.now + .seconds(2)
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                offset += sent
            } else if sent < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline {
                continue
            } else {
                throw TestSupportError("Could not send a command to baresip (errno \(errno)).")
            }
        }
    }

    /// Reads what has arrived and splits it into messages; returns whether the peer closed.
    private func drain(_ state: inout State) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while !state.closed {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                state.buffer += chunk[..<count]
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                state.closed = true
            } else {
                break
            }
        }
        while let (payload, consumed) = Self.netstring(in: state.buffer) {
            state.buffer.removeFirst(consumed)
            state.messages.append(Self.decode(payload))
        }
        return state.closed
    }

    /// The first complete netstring (`<length>:<payload>,`) and the bytes it takes.
    static func netstring(in buffer: [UInt8]) -> (payload: [UInt8], consumed: Int)? {
        guard let colon = buffer.firstIndex(of: UInt8(ascii: ":")),
            let length = Int(String(decoding: buffer[..<colon], as: UTF8.self))
        else { return nil }
        let end = colon + 1 + length
        guard buffer.count > end else { return nil }
        return (Array(buffer[(colon + 1)..<end]), end + 1)
    }

    private static func decode(_ payload: [UInt8]) -> Message {
        let text = String(decoding: payload, as: UTF8.self)
        let object = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] ?? [:]
        return Message(
            isEvent: object["event"] as? Bool ?? false, type: object["type"] as? String, token: object["token"] as? String,
            ok: object["ok"] as? Bool, data: object["data"] as? String, param: object["param"] as? String, text: text)
    }
}
