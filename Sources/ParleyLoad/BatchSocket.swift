import CParleySockets

/// A UDP socket for the load generator: one descriptor for every leg (each leg sends from
/// its own 127.x.y.z source with IP_PKTINFO), batched sends and receives, kernel receive
/// timestamps. Not thread-safe: the runner's one thread owns it.
final class BatchSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let descriptor: Int32
    let port: Int
    /// Receive slots (payload storage and the C descriptors pointing into it).
    private var receiveStorage: [UInt8]
    private var receiveSlots: [parley_datagram]
    static let slotBytes = 2_048

    /// Binds the wildcard address (the legs' 127.x.y.z sources and replies to them all land
    /// here) on `port` (0 picks one).
    init(port: Int = 0, batch: Int = 512) throws {
        let fd = parley_udp_open(0, UInt16(port).bigEndian, 8 * 1024 * 1024, 8 * 1024 * 1024)
        guard fd >= 0 else { throw Failure(description: "could not open the load socket: errno \(-fd)") }
        descriptor = fd
        let bound = parley_udp_port(fd)
        self.port = Int(max(0, bound))
        receiveStorage = [UInt8](repeating: 0, count: batch * Self.slotBytes)
        receiveSlots = [parley_datagram](repeating: parley_datagram(), count: batch)
    }

    deinit {
        _ = close(descriptor)
    }

    /// Sends `datagrams` (their `data` pointers must stay valid during the call).
    func send(_ datagrams: inout [parley_datagram]) -> Int {
        guard !datagrams.isEmpty else { return 0 }
        return Int(datagrams.withUnsafeMutableBufferPointer { parley_udp_send_batch(descriptor, $0.baseAddress, Int32($0.count)) })
    }

    /// Drains what is waiting, calling `body` for each datagram (bytes valid only inside).
    func receive(_ body: (UnsafeRawBufferPointer, parley_datagram) -> Void) -> Int {
        var total = 0
        while true {
            let count = receiveStorage.withUnsafeMutableBytes { storage -> Int32 in
                receiveSlots.withUnsafeMutableBufferPointer { slots in
                    for index in slots.indices {
                        slots[index].data = storage.baseAddress!.advanced(by: index * Self.slotBytes).assumingMemoryBound(to: UInt8.self)
                        slots[index].capacity = UInt32(Self.slotBytes)
                    }
                    return parley_udp_receive_batch(descriptor, slots.baseAddress, Int32(slots.count))
                }
            }
            guard count > 0 else { break }
            receiveStorage.withUnsafeBytes { storage in
                for index in 0..<Int(count) {
                    let slot = receiveSlots[index]
                    body(UnsafeRawBufferPointer(rebasing: storage[(index * Self.slotBytes)..<(index * Self.slotBytes + Int(slot.length))]), slot)
                }
            }
            total += Int(count)
            if Int(count) < receiveSlots.count { break }
        }
        return total
    }

    /// Waits until readable or `nanoseconds` pass.
    func wait(nanoseconds: Int64) {
        _ = parley_udp_wait(descriptor, nanoseconds)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
