import NIOCore

/// A G.711 companding law (µ-law or A-law): one sample to one code and back, with a
/// 256-entry decode table. The buffer operations below are shared by both laws; they are
/// table lookups (``G711Lookup``) on caller-provided buffers and never allocate.
public protocol G711Companding {
    /// All 256 codes decoded.
    static var decodeTable: [Int16] { get }
    /// The law's decode and encode tables, built on first use from ``decodeTable`` and the
    /// single-sample encoder.
    static var lookup: G711Lookup { get }
    /// One sample to its code.
    static func encode(_ sample: Int16) -> UInt8
}

extension G711Companding {
    /// Encodes `min(pcm.count, output.count)` samples; returns how many.
    @inlinable
    @discardableResult
    public static func encode(_ pcm: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        lookup.encode(pcm, into: output)
    }

    /// Decodes `min(codes.count, output.count)` codes; returns how many samples.
    @inlinable
    @discardableResult
    public static func decode(_ codes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        lookup.decode(codes, into: output)
    }

    /// Decodes a payload slice into `output`; returns how many samples.
    @inlinable
    @discardableResult
    public static func decode(_ payload: ByteBuffer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        payload.withUnsafeReadableBytes { decode($0, into: output) }
    }

    /// Appends the codes for `pcm` to `buffer`; returns how many bytes.
    @inlinable
    @discardableResult
    public static func encode(_ pcm: UnsafeBufferPointer<Int16>, appendingTo buffer: inout ByteBuffer) -> Int {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pcm.count) { raw in
            encode(pcm, into: raw.bindMemory(to: UInt8.self))
        }
    }
}
