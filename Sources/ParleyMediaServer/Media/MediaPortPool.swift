/// The per-call port range (`media.port_range`): RTP on an even port, RTCP on the next odd
/// one (RFC 3550), handed out round-robin so a port just released is not reused at once
/// (late packets of the old call then cannot reach the new one).
struct MediaPortPool: Sendable, Hashable {
    let first: Int
    let last: Int
    private var next: Int
    private var inUse: Set<Int> = []

    /// Nil when the range holds no even port with a following odd one.
    init?(_ range: ClosedRange<Int>) {
        let first = range.lowerBound + (range.lowerBound % 2)
        guard first + 1 <= range.upperBound, first > 0 else { return nil }
        self.first = first
        self.last = range.upperBound
        self.next = first
    }

    /// How many RTP/RTCP pairs the range holds.
    var capacity: Int { (last - first + 1) / 2 }

    var used: Int { inUse.count }

    /// The next free RTP port (even), or nil when every pair is taken.
    mutating func allocate() -> Int? {
        for _ in 0..<capacity {
            let port = next
            next = next + 2 > last - 1 ? first : next + 2
            if !inUse.contains(port) {
                inUse.insert(port)
                return port
            }
        }
        return nil
    }

    mutating func release(_ port: Int) {
        inUse.remove(port)
    }
}
