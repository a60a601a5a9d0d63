import NIOCore

/// The contributing sources (CSRC list) of an RTP header: at most 15 32-bit identifiers.
///
/// Parsed lists are a view on the received bytes (a `ByteBuffer` slice), so reading a packet
/// that carries CSRCs allocates nothing. Lists built by the application are written into a
/// small buffer once.
public struct RTPCSRCList: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral {
    /// RFC 3550 section 5.1: the CC field has four bits.
    public static let maximumCount = 15

    private var storage: ByteBuffer?

    /// An empty list; allocates nothing.
    public init() {
        self.storage = nil
    }

    /// A list of identifiers. At most ``maximumCount`` (a programming error otherwise).
    public init(_ identifiers: some Collection<UInt32>) {
        precondition(identifiers.count <= Self.maximumCount, "an RTP header holds at most 15 CSRCs")
        if identifiers.isEmpty {
            self.storage = nil
            return
        }
        var buffer = ByteBufferAllocator().buffer(capacity: identifiers.count * 4)
        for identifier in identifiers {
            buffer.writeInteger(identifier)
        }
        self.storage = buffer
    }

    public init(arrayLiteral elements: UInt32...) {
        self.init(elements)
    }

    /// A view on `count` identifiers already validated to be present in `slice`.
    init(validatedSlice slice: ByteBuffer) {
        self.storage = slice.readableBytes == 0 ? nil : slice
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { (storage?.readableBytes ?? 0) / 4 }

    public subscript(position: Int) -> UInt32 {
        guard let storage else { return 0 }
        return storage.getInteger(at: storage.readerIndex + position * 4, as: UInt32.self) ?? 0
    }

    /// Writes the identifiers in network order.
    func write(to buffer: inout ByteBuffer) {
        guard let storage else { return }
        buffer.writeImmutableBuffer(storage)
    }

    public static func == (lhs: RTPCSRCList, rhs: RTPCSRCList) -> Bool {
        lhs.elementsEqual(rhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for identifier in self {
            hasher.combine(identifier)
        }
    }
}
