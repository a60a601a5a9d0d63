import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import ParleyRTP
import Synchronization
import WSClient

/// A browser participant without a browser: the join form over HTTP, then the WebSocket of
/// docs/web-protocol.md, for `parley load --web` and the protocol tests.
///
/// ```swift
/// let ticket = try await WebParticipant.joinTicket(baseURL: url, meetingID: "123456", name: "Ada", password: "4321")
/// let ada = WebParticipant.connect(baseURL: url, meetingID: "123456")
/// try await ada.send(text: #"{"type":"hello","version":1,"ticket":"\#(ticket)"}"#)
/// for await event in ada.events { … }
/// ```
public final class WebParticipant: Sendable {
    public enum Event: Sendable {
        case text(String)
        /// One audio frame from the server: its header and its 320 samples.
        case audio(BrowserAudioFrameHeader, [Int16])
        /// The socket closed (code and reason of the server's close frame, when it sent one).
        case closed(code: Int?, reason: String?)
    }

    public enum Failure: Error, CustomStringConvertible {
        case joinRefused(status: Int, page: String)
        case noTicket
        case notConnected

        public var description: String {
            switch self {
            case .joinRefused(let status, let page): "the join form answered \(status): \(WebParticipant.visibleText(page).prefix(200))"
            case .noTicket: "the meeting page carried no join ticket"
            case .notConnected: "the WebSocket is not connected"
            }
        }
    }

    public let events: AsyncStream<Event>
    private let input: AsyncStream<Event>.Continuation
    private let writer = Mutex<WebSocketOutboundWriter?>(nil)
    private let connected: AsyncStream<Void>
    private let connectedInput: AsyncStream<Void>.Continuation
    private let stop: AsyncStream<Void>.Continuation
    private let stopSignal: AsyncStream<Void>
    /// Keep received audio as samples (tests); off, frames are only counted (load).
    let decodesAudio: Bool

    private init(decodesAudio: Bool) {
        (events, input) = AsyncStream.makeStream(of: Event.self)
        (connected, connectedInput) = AsyncStream.makeStream(of: Void.self)
        (stopSignal, stop) = AsyncStream.makeStream(of: Void.self)
        self.decodesAudio = decodesAudio
    }

    /// Opens `ws://…/join/{meetingID}/socket`; events (and `.closed` last) follow on ``events``.
    public static func connect(
        baseURL: String, meetingID: String, decodesAudio: Bool = true, logger: Logger = Logger(label: "parley.load.web"),
        onAudio: (@Sendable (BrowserAudioFrameHeader) -> Void)? = nil
    ) -> WebParticipant {
        let participant = WebParticipant(decodesAudio: decodesAudio)
        let url = baseURL.replacingOccurrences(of: "http://", with: "ws://").replacingOccurrences(of: "https://", with: "wss://")
            + "/join/\(meetingID)/socket"
        Task {
            var closed: (Int?, String?) = (nil, nil)
            do {
                let frame = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: 1 << 16), logger: logger
                ) { inbound, outbound, _ in
                    participant.writer.withLock { $0 = outbound }
                    participant.connectedInput.yield()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await _ in participant.stopSignal { break }
                            try? await outbound.close(.normalClosure, reason: "done")
                        }
                        for try await message in inbound.messages(maxSize: 1 << 16) {
                            switch message {
                            case .text(let text):
                                participant.input.yield(.text(text))
                            case .binary(var buffer):
                                guard let header = try? BrowserAudioFrameHeader(parsing: &buffer) else { continue }
                                onAudio?(header)
                                if participant.decodesAudio {
                                    var samples = [Int16]()
                                    samples.reserveCapacity(320)
                                    while let sample = buffer.readInteger(endianness: .big, as: Int16.self) { samples.append(sample) }
                                    participant.input.yield(.audio(header, samples))
                                }
                            }
                        }
                        group.cancelAll()
                    }
                }
                closed = (frame.map { Int(UInt16(webSocketErrorCode: $0.closeCode)) }, frame?.reason)
            } catch {
                closed = (nil, "\(error)")
            }
            participant.writer.withLock { $0 = nil }
            participant.connectedInput.finish()
            participant.input.yield(.closed(code: closed.0, reason: closed.1))
            participant.input.finish()
        }
        return participant
    }

    /// Waits until the socket is open (false when it failed to open).
    public func waitUntilConnected() async -> Bool {
        for await _ in connected { return true }
        return false
    }

    public func send(text: String) async throws {
        guard let writer = writer.withLock({ $0 }) else { throw Failure.notConnected }
        try await writer.write(.text(text))
    }

    public func send(frame: ByteBuffer) async throws {
        guard let writer = writer.withLock({ $0 }) else { throw Failure.notConnected }
        try await writer.write(.binary(frame))
    }

    /// One 648-byte frame of `samples` (320 at 16 kHz).
    public static func frame(sequence: UInt16, samples: ArraySlice<Int16>, talkspurtStart: Bool = false) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: BrowserAudioFrameHeader.frameBytes)
        BrowserAudioFrameHeader(talkspurtStart: talkspurtStart, sequenceNumber: sequence, timestamp: UInt32(sequence) &* 160).write(to: &buffer)
        for index in 0..<AudioCodec.widebandFrameSamples {
            let position = samples.startIndex + index
            buffer.writeInteger(position < samples.endIndex ? samples[position] : 0, endianness: .big)
        }
        return buffer
    }

    /// Closes the socket (normal closure).
    public func close() {
        stop.yield()
        stop.finish()
    }

    // MARK: The join form

    /// Posts the join form and returns the ticket of the meeting page.
    public static func joinTicket(
        baseURL: String, meetingID: String, name: String, password: String? = nil, hostPIN: String? = nil,
        client: HTTPClient = .shared
    ) async throws -> String {
        var form = "name=\(formEncode(name))"
        if let password { form += "&password=\(formEncode(password))" }
        if let hostPIN { form += "&host_pin=\(formEncode(hostPIN))" }
        var request = HTTPClientRequest(url: "\(baseURL)/join/\(meetingID)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await client.execute(request, timeout: .seconds(10))
        let page = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else { throw Failure.joinRefused(status: Int(response.status.code), page: page) }
        guard let ticket = attribute("data-ticket", in: page) else { throw Failure.noTicket }
        return ticket
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
    }

    /// The value of the first `name="…"` attribute in an HTML page (entities for quotes and
    /// ampersands undone).
    static func attribute(_ name: String, in page: String) -> String? {
        guard let start = page.range(of: "\(name)=\"") else { return nil }
        guard let end = page[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(page[start.upperBound..<end]).replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// A page's text without tags, for error messages.
    static func visibleText(_ page: String) -> String {
        page.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }
}
