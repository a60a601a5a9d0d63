import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A plain blocking-with-timeout UDP socket that reads the TOS byte of what it receives
/// (IP_RECVTOS / IPV6_RECVTCLASS) and marks what it sends: what the network test needs and
/// NIO does not offer (NIO's datagram channels read only the two ECN bits of the TOS byte).
///
/// Used by the responder on `nettest.udp_port`, by the `parley nettest` client and by tests.
/// A value type around a descriptor: one owner uses it from one thread and calls ``close()``.
package struct NetTestUDPSocket: Sendable {
    /// One datagram read.
    package struct Datagram: Sendable {
        package var bytes: ArraySlice<UInt8>
        package var source: SocketAddress
        /// The TOS byte (IPv4) or traffic class (IPv6) it arrived with; 0xFF when the kernel
        /// did not say.
        package var tos: UInt8
    }

    package let descriptor: Int32
    package let isIPv6: Bool

    private init(descriptor: Int32, isIPv6: Bool) {
        self.descriptor = descriptor
        self.isIPv6 = isIPv6
    }

    /// Binds `host:port` (0 for any port) and turns on TOS reception.
    package static func bind(host: String, port: Int) throws(NetTestSocketError) -> NetTestUDPSocket {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: host, port: port)
        } catch {
            throw NetTestSocketError("'\(host)' is not an IP address to bind")
        }
        let isIPv6 = address.protocol == .inet6
        let descriptor = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw NetTestSocketError.last("socket") }
        let socket = NetTestUDPSocket(descriptor: descriptor, isIPv6: isIPv6)
        let bound = address.withSockAddr { pointer, length in Glibc.bind(descriptor, pointer, socklen_t(length)) }
        guard bound == 0 else {
            let error = NetTestSocketError.last("bind \(host):\(port)")
            socket.close()
            throw error
        }
        var on: Int32 = 1
        if isIPv6 {
            setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_RECVTCLASS, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        setsockopt(descriptor, Int32(IPPROTO_IP), IP_RECVTOS, &on, socklen_t(MemoryLayout<Int32>.size))
        return socket
    }

    /// Binds the first free port of `range` on `host`; when every port is taken, any free
    /// port (and `fellBack` says so).
    package static func bind(host: String, preferring range: ClosedRange<Int>) throws(NetTestSocketError) -> (socket: NetTestUDPSocket, fellBack: Bool) {
        for port in range.prefix(1_000) {
            if let socket = try? bind(host: host, port: port) { return (socket, false) }
        }
        return (try bind(host: host, port: 0), true)
    }

    /// The local port.
    package var localPort: Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { return 0 }
        return Self.address(from: storage)?.port ?? 0
    }

    /// Marks every packet sent with `tos` (a TOS byte: DSCP << 2).
    package func setTOS(_ tos: Int32) throws(NetTestSocketError) {
        var value = tos
        guard setsockopt(descriptor, Int32(IPPROTO_IP), IP_TOS, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw NetTestSocketError.last("setsockopt IP_TOS")
        }
        if isIPv6 {
            setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_TCLASS, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// Sends one datagram; false when the kernel refused it (unreachable, buffer full…).
    @discardableResult
    package func send(_ bytes: [UInt8], to destination: SocketAddress) -> Bool {
        bytes.withUnsafeBytes { raw in
            destination.withSockAddr { pointer, length in
                sendto(descriptor, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT), pointer, socklen_t(length)) == raw.count
            }
        }
    }

    /// Waits up to `timeout` nanoseconds for a datagram; nil on timeout or error. `buffer`
    /// is reused storage (its capacity is the largest datagram read).
    package func receive(timeout: UInt64, buffer: inout [UInt8]) -> Datagram? {
        var descriptorSet = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(min(timeout / 1_000_000, 60_000))
        guard poll(&descriptorSet, 1, milliseconds) > 0 else { return nil }
        return receiveNow(buffer: &buffer)
    }

    /// Reads a datagram already queued (non-blocking); nil when there is none.
    package func receiveNow(buffer: inout [UInt8]) -> Datagram? {
        if buffer.count < 2048 { buffer = [UInt8](repeating: 0, count: 2048) }
        var storage = sockaddr_storage()
        var control = [UInt64](repeating: 0, count: 16)  // 128 bytes, 8-aligned for cmsghdr
        var controlLength = 0
        let count: Int = buffer.withUnsafeMutableBytes { raw in
            control.withUnsafeMutableBytes { controlBytes in
                withUnsafeMutablePointer(to: &storage) { storagePointer in
                    var vector = iovec(iov_base: raw.baseAddress, iov_len: raw.count)
                    return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                        var message = msghdr()
                        message.msg_name = UnsafeMutableRawPointer(storagePointer)
                        message.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                        message.msg_iov = vectorPointer
                        message.msg_iovlen = 1
                        message.msg_control = controlBytes.baseAddress
                        message.msg_controllen = controlBytes.count
                        let read = recvmsg(descriptor, &message, Int32(MSG_DONTWAIT))
                        controlLength = Int(message.msg_controllen)
                        return read
                    }
                }
            }
        }
        guard count >= 0, let source = Self.address(from: storage) else { return nil }
        let tos = control.withUnsafeBytes { Self.tos(inControl: UnsafeRawBufferPointer(rebasing: $0.prefix(controlLength))) }
        return Datagram(bytes: buffer[0..<count], source: source, tos: tos)
    }

    package func close() {
        _ = Glibc.close(descriptor)
    }

    /// The TOS byte in a control-message buffer: IP_TOS (one byte) or IPV6_TCLASS (an int).
    /// Parsed by hand: Swift does not import the CMSG_* macros.
    static func tos(inControl control: UnsafeRawBufferPointer) -> UInt8 {
        let headerSize = MemoryLayout<cmsghdr>.size
        var offset = 0
        var result = NetTestProbeTOS.unknown
        while offset + headerSize <= control.count {
            let length = control.loadUnaligned(fromByteOffset: offset, as: Int.self)
            let level = control.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size, as: Int32.self)
            let type = control.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size + 4, as: Int32.self)
            guard length >= headerSize, offset + length <= control.count else { break }
            let data = offset + headerSize
            if level == Int32(IPPROTO_IP), type == IP_TOS, length > headerSize {
                result = control[data]
            } else if level == Int32(IPPROTO_IPV6), type == IPV6_TCLASS, length >= headerSize + 4 {
                result = UInt8(truncatingIfNeeded: control.loadUnaligned(fromByteOffset: data, as: Int32.self))
            }
            offset += (length + 7) & ~7
        }
        return result
    }

    static func address(from storage: sockaddr_storage) -> SocketAddress? {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee) } }
        case AF_INET6:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee) } }
        default:
            return nil
        }
    }
}

/// The TOS value meaning "not known" (as ``ParleyNetTest/NetTestProbe/unknownTOS``).
enum NetTestProbeTOS {
    static let unknown: UInt8 = 0xFF
}

/// A socket call that failed: what was tried and the system's reason.
package struct NetTestSocketError: Error, CustomStringConvertible, Sendable {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }

    static func last(_ operation: String) -> NetTestSocketError {
        NetTestSocketError("\(operation): \(String(cString: strerror(errno)))")
    }
}
