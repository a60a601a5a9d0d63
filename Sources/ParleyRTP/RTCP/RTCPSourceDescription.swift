import NIOCore

/// An RTCP source description, packet type 202 (RFC 3550 section 6.5).
///
/// Each chunk names one source and lists its items; the CNAME item is the one the media
/// server reads (a stable identity across SSRC changes). Item values stay byte slices;
/// ``Chunk/cname`` turns the CNAME into a `String` on demand.
public struct RTCPSourceDescription: Hashable, Sendable {
    public static let packetType: UInt8 = 202

    /// One SDES item: a type and up to 255 bytes of UTF-8 text.
    public struct Item: Hashable, Sendable {
        public static let end: UInt8 = 0
        public static let cname: UInt8 = 1
        public static let name: UInt8 = 2
        public static let email: UInt8 = 3
        public static let phone: UInt8 = 4
        public static let location: UInt8 = 5
        public static let tool: UInt8 = 6
        public static let note: UInt8 = 7
        public static let privateExtension: UInt8 = 8

        public var type: UInt8
        public var value: ByteBuffer

        public init(type: UInt8, value: ByteBuffer) {
            self.type = type
            self.value = value
        }

        /// An item with a text value, truncated to 255 bytes.
        public init(type: UInt8, text: String) {
            self.type = type
            var buffer = ByteBufferAllocator().buffer(capacity: min(text.utf8.count, 255))
            buffer.writeBytes(text.utf8.prefix(255))
            self.value = buffer
        }
    }

    /// The items describing one source.
    public struct Chunk: Hashable, Sendable {
        public var ssrc: UInt32
        public var items: [Item]

        public init(ssrc: UInt32, items: [Item]) {
            self.ssrc = ssrc
            self.items = items
        }

        /// The canonical name, if the chunk has one (invalid UTF-8 is repaired).
        public var cname: String? {
            guard let item = items.first(where: { $0.type == Item.cname }) else { return nil }
            return String(buffer: item.value)
        }

        var encodedLength: Int {
            let items = items.reduce(0) { $0 + 2 + min($1.value.readableBytes, 255) }
            // At least one terminating zero, then padding to a 32-bit boundary.
            return 4 + ((items + 1 + 3) & ~3)
        }
    }

    /// At most 31 chunks.
    public var chunks: [Chunk]

    public init(chunks: [Chunk]) {
        self.chunks = chunks
    }

    /// A description with one chunk holding just a CNAME, as every compound packet needs.
    public init(ssrc: UInt32, cname: String) {
        self.chunks = [Chunk(ssrc: ssrc, items: [Item(type: Item.cname, text: cname)])]
    }

    init(body: ByteBuffer, count: Int) throws(RTPParseError) {
        var input = body
        let bodyLength = body.readableBytes
        func offset() -> Int { 4 + bodyLength - input.readableBytes }
        var chunks: [Chunk] = []
        chunks.reserveCapacity(count)
        for _ in 0..<count {
            guard let ssrc = input.readInteger(as: UInt32.self) else {
                throw RTPParseError(.badLength, kind: .rtcp, offset: offset())
            }
            var items: [Item] = []
            while true {
                guard let type = input.readInteger(as: UInt8.self) else {
                    throw RTPParseError(.badItem, kind: .rtcp, offset: offset())
                }
                if type == Item.end {
                    // Skip the remaining zero octets up to the next 32-bit boundary.
                    let consumed = bodyLength - input.readableBytes
                    let padding = (4 - consumed % 4) % 4
                    guard input.readableBytes >= padding else {
                        throw RTPParseError(.badItem, kind: .rtcp, offset: offset())
                    }
                    input.moveReaderIndex(forwardBy: padding)
                    break
                }
                guard
                    let length = input.readInteger(as: UInt8.self),
                    let value = input.readSlice(length: Int(length))
                else {
                    throw RTPParseError(.badItem, kind: .rtcp, offset: offset())
                }
                items.append(Item(type: type, value: value))
            }
            chunks.append(Chunk(ssrc: ssrc, items: items))
        }
        self.chunks = chunks
    }

    var count: Int { chunks.count }

    func writeBody(to buffer: inout ByteBuffer) {
        for chunk in chunks.prefix(31) {
            let start = buffer.writerIndex
            buffer.writeInteger(chunk.ssrc)
            for item in chunk.items {
                let length = min(item.value.readableBytes, 255)
                buffer.writeInteger(item.type)
                buffer.writeInteger(UInt8(length))
                buffer.writeImmutableBuffer(item.value.getSlice(at: item.value.readerIndex, length: length) ?? item.value)
            }
            let written = buffer.writerIndex - start
            let terminator = ((written + 1 + 3) & ~3) - written
            buffer.writeRepeatingByte(0, count: terminator)
        }
    }
}
