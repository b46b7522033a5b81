/// Where the body bytes of one response go: counted, hashed when asked, kept only when the
/// body will be read, and cut at a cap. Both fetchers count bodies here and nowhere else, so a
/// change to what a body's wire bytes are (framing, codings) has one place to go.
struct BodySink {
    /// A body larger than this is counted up to it, cut, and marked truncated.
    let limit: Int
    /// Keep the bytes (for decoding and extraction); otherwise they are counted and dropped.
    let keep: Bool
    let wantsDigest: Bool
    /// Body bytes taken, at most `limit`.
    private(set) var count = 0
    private(set) var body: [UInt8] = []
    private var hash = Digest()
    private(set) var truncated = false

    init(limit: Int, keep: Bool, digest: Bool, expectedLength: Int? = nil) {
        self.limit = limit
        self.keep = keep
        self.wantsDigest = digest
        if keep, let expectedLength { body.reserveCapacity(min(expectedLength, limit)) }
    }

    /// The FNV-1a hash of the bytes taken, when asked for.
    var digest: UInt64? { wantsDigest ? hash.value : nil }

    /// Takes the next run of body bytes; after the cap, nothing more.
    mutating func take(_ bytes: UnsafeRawBufferPointer) {
        guard !truncated else { return }
        let room = limit - count
        if bytes.count > room {
            count += max(room, 0)
            if keep, room > 0 { body.append(contentsOf: bytes.prefix(room)) }
            truncated = true
            return
        }
        count += bytes.count
        if wantsDigest { hash.update(bytes) }
        if keep { body.append(contentsOf: bytes) }
    }
}
