import Foundation
import NIOCore
import ParleySIP

// In a clean build the compiler may attribute the socket structs to NIO's CNIOLinux module
// (which includes the same headers) rather than Glibc; import both.
#if canImport(CNIOLinux)
import CNIOLinux
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny SIP client socket for the tests: UDP on 127.0.0.1 with a system-chosen port, or a
/// TCP connection to the service. Blocking reads run on a thread of their own (never on Swift's
/// cooperative pool, which the service's call-control tasks need) and are bounded by `poll`.
///
/// `@unchecked Sendable`: one test owns a socket and awaits each read before the next, so the
/// descriptor and the TCP read buffer are never used from two threads at once.
final class SIPTestSocket: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let fd: Int32
    let localPort: Int
    let isTCP: Bool
    private var streamBuffer = ByteBuffer()

    private init(fd: Int32, isTCP: Bool) throws {
        self.fd = fd
        self.isTCP = isTCP
        // sockaddr_in's port sits in bytes 2-3, network order (raw bytes: the C struct's members
        // are not visible here under MemberImportVisibility).
        var storage = [UInt8](repeating: 0, count: 128)
        var length = socklen_t(storage.count)
        let named = storage.withUnsafeMutableBytes {
            getsockname(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
        }
        guard named == 0 else { throw Failure(description: "getsockname() failed: \(errno)") }
        self.localPort = Int(storage[2]) << 8 | Int(storage[3])
    }

    /// A UDP socket bound to 127.0.0.1 on a free port.
    static func udp() throws -> SIPTestSocket {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket() failed: \(errno)") }
        let bound = try loopback(port: 0).withSockAddr { bind(fd, $0, socklen_t($1)) }
        guard bound == 0 else { throw Failure(description: "bind() failed: \(errno)") }
        return try SIPTestSocket(fd: fd, isTCP: false)
    }

    /// A TCP connection to 127.0.0.1:`port`.
    static func tcp(connectingTo port: Int) throws -> SIPTestSocket {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket() failed: \(errno)") }
        let connected = try loopback(port: port).withSockAddr { connect(fd, $0, socklen_t($1)) }
        guard connected == 0 else { throw Failure(description: "connect() failed: \(errno)") }
        return try SIPTestSocket(fd: fd, isTCP: true)
    }

    /// A port that was free a moment ago (for peers such as sipp that want one on the command line).
    static func freeUDPPort() throws -> Int {
        let socket = try udp()
        defer { socket.close() }
        return socket.localPort
    }

    private static func loopback(port: Int) throws -> SocketAddress {
        try SocketAddress(ipAddress: "127.0.0.1", port: port)
    }

    func close() {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    /// Sends `text` (to 127.0.0.1:`port` over UDP; on the connection over TCP).
    func send(_ text: String, to port: Int = 0) {
        let bytes = Array(text.utf8)
        if isTCP {
            #if canImport(Glibc)
            _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            #else
            _ = bytes.withUnsafeBytes { Darwin.send(fd, $0.baseAddress, $0.count, 0) }
            #endif
            return
        }
        guard let address = try? Self.loopback(port: port) else { return }
        _ = bytes.withUnsafeBytes { raw in
            address.withSockAddr { sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t($1)) }
        }
    }

    /// The next SIP message, or nil if none arrives within `timeout`.
    func receive(timeout: Duration = .seconds(3)) async -> SIPMessage? {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: self.blockingReceive(timeout: timeout)) }
            thread.start()
        }
    }

    /// Messages until one matches `predicate` (returned) or `timeout` passes (nil); the others
    /// are collected in `skipped`.
    func receive(
        timeout: Duration = .seconds(3),
        skipped: inout [SIPMessage],
        until predicate: (SIPMessage) -> Bool
    ) async -> SIPMessage? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let message = await receive(timeout: ContinuousClock.now.duration(to: deadline)) else { return nil }
            if predicate(message) { return message }
            skipped.append(message)
        }
        return nil
    }

    /// The next response with this status, skipping others (100 Trying, retransmissions).
    func response(_ status: Int, method: SIPMethod? = nil, timeout: Duration = .seconds(3)) async -> SIPMessage? {
        var skipped: [SIPMessage] = []
        return await receive(timeout: timeout, skipped: &skipped) { message in
            message.status == status && (method == nil || message.cseq?.method == method)
        }
    }

    /// The next request with this method, skipping responses and other requests.
    func request(_ method: SIPMethod, timeout: Duration = .seconds(3)) async -> SIPMessage? {
        var skipped: [SIPMessage] = []
        return await receive(timeout: timeout, skipped: &skipped) { $0.isRequest && $0.method == method }
    }

    private func blockingReceive(timeout: Duration) -> SIPMessage? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if isTCP, let message = nextStreamMessage() { return message }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return nil }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, milliseconds) > 0 else { return nil }
            var bytes = [UInt8](repeating: 0, count: 65_536)
            let count = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            if isTCP {
                streamBuffer.writeBytes(bytes[0..<count])
                continue
            }
            return try? SIPMessage(parsing: String(decoding: bytes[0..<count], as: UTF8.self))
        }
    }

    private func nextStreamMessage() -> SIPMessage? {
        while let frame = try? SIPStreamFramer().nextFrame(&streamBuffer) {
            guard case .message(var bytes) = frame else { continue }
            return try? SIPMessageParser().parseFrame(&bytes)
        }
        return nil
    }
}
