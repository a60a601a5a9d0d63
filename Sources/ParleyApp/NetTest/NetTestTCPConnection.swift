import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A plain non-blocking TCP connection for the network test: every operation waits with
/// `poll` up to a deadline, so the test's time stays bounded whatever the network does.
struct NetTestTCPConnection {
    let descriptor: Int32

    /// Connects to `address` within `timeout` ns; throws a message that says what failed.
    static func connect(to address: SocketAddress, timeout: UInt64) throws(NetTestClientError) -> NetTestTCPConnection {
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw NetTestClientError("socket: \(String(cString: strerror(errno)))") }
        let connection = NetTestTCPConnection(descriptor: descriptor)
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        let started = address.withSockAddr { pointer, length in Glibc.connect(descriptor, pointer, socklen_t(length)) }
        if started != 0 && errno != EINPROGRESS {
            let reason = errno
            connection.close()
            throw NetTestClientError.connect(address, errno: reason)
        }
        var descriptorSet = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&descriptorSet, 1, Int32(timeout / 1_000_000)) > 0 else {
            connection.close()
            throw NetTestClientError("no answer within \(timeout / 1_000_000_000) s (a firewall may drop it)")
        }
        var failure: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
        guard failure == 0 else {
            connection.close()
            throw NetTestClientError.connect(address, errno: failure)
        }
        return connection
    }

    /// Writes all of `bytes` before `deadline` (monotonic ns); false if time ran out or the
    /// connection broke.
    @discardableResult
    func write(_ bytes: [UInt8], before deadline: UInt64) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written > 0 {
                    offset += written
                    continue
                }
                guard written < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { return false }
                guard wait(for: Int16(POLLOUT), before: deadline) else { return false }
            }
            return true
        }
    }

    /// Reads exactly `count` bytes before `deadline`; nil if time ran out or the connection ended.
    func read(exactly count: Int, before deadline: UInt64) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = out.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + filled, count - filled, 0) }
            if got > 0 {
                filled += got
                continue
            }
            guard got < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { return nil }
            guard wait(for: Int16(POLLIN), before: deadline) else { return nil }
        }
        return out
    }

    /// Reads and discards up to `count` bytes until `deadline`, calling `progress` with the
    /// time of each read; returns the bytes read.
    func drain(_ count: Int, before deadline: UInt64, progress: (Int, UInt64) -> Void) -> Int {
        var scratch = [UInt8](repeating: 0, count: 256 * 1024)
        var total = 0
        while total < count {
            let got = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, min($0.count, count - total), 0) }
            if got > 0 {
                total += got
                progress(got, NetTestClock.now())
                continue
            }
            guard got < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { break }
            guard wait(for: Int16(POLLIN), before: deadline) else { break }
        }
        return total
    }

    /// Sends as much of a repeating block as the connection takes until `deadline` or
    /// `count` bytes; returns the bytes handed to the kernel.
    func fill(_ count: Int, before deadline: UInt64) -> Int {
        let block = [UInt8](repeating: 0x5A, count: 64 * 1024)
        var total = 0
        while total < count, NetTestClock.now() < deadline {
            let written = block.withUnsafeBytes { send(descriptor, $0.baseAddress!, min($0.count, count - total), Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                total += written
                continue
            }
            guard written < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { break }
            guard wait(for: Int16(POLLOUT), before: deadline) else { break }
        }
        return total
    }

    /// Closes the sending side (the responder sees the end of an upload).
    func shutdownWrite() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    func close() {
        _ = Glibc.close(descriptor)
    }

    private func wait(for events: Int16, before deadline: UInt64) -> Bool {
        let now = NetTestClock.now()
        guard now < deadline else { return false }
        var descriptorSet = pollfd(fd: descriptor, events: events, revents: 0)
        let milliseconds = Int32(max(1, min((deadline - now) / 1_000_000, 60_000)))
        return poll(&descriptorSet, 1, milliseconds) > 0
    }
}

/// The monotonic clock of the test, in nanoseconds.
enum NetTestClock {
    static func now() -> UInt64 {
        NIODeadline.now().uptimeNanoseconds
    }
}

/// Something the network test could not do, said for the person running it.
public struct NetTestClientError: Error, CustomStringConvertible, Sendable {
    public var description: String

    init(_ description: String) {
        self.description = description
    }

    static func connect(_ address: SocketAddress, errno code: Int32) -> NetTestClientError {
        switch code {
        case ECONNREFUSED:
            return NetTestClientError("refused: nothing listens there (is the node running, with nettest.enabled?)")
        case EHOSTUNREACH, ENETUNREACH:
            return NetTestClientError("no route to \(address.ipAddress ?? "the host") (\(String(cString: strerror(code))))")
        default:
            return NetTestClientError(String(cString: strerror(code)))
        }
    }
}
