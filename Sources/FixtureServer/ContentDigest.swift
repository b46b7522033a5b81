/// The 64-bit content hash behind ETags: the bytes as 8-byte little-endian words through
/// xxHash64's round and final avalanche, in one lane (so the same on every platform and in
/// every run). Eight bytes a step: byte-at-a-time FNV-1a was 7% of `crawl --serve`, whose
/// every request is the server's first for its file. Not cryptographic: an ETag only has to
/// change when the content does.
struct ContentDigest {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87, p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F, p3: UInt64 = 0x1656_67B1_9E37_79F9
    private var acc: UInt64 = 0x27D4_EB2F_1656_67C5
    private var length: UInt64 = 0
    /// Bytes not yet making up a word, little-endian from the low byte.
    private var tail: UInt64 = 0
    private var tailCount = 0

    @inline(__always)
    private mutating func round(_ word: UInt64) {
        acc = ((acc &+ word &* Self.p2) << 31 | (acc &+ word &* Self.p2) >> 33) &* Self.p1
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        length &+= UInt64(n)
        var i = 0
        if tailCount > 0 {
            while tailCount < 8, i < n {
                tail |= UInt64(bytes[i]) << (8 * UInt64(tailCount))
                tailCount += 1
                i += 1
            }
            guard tailCount == 8 else { return }
            round(tail)
            (tail, tailCount) = (0, 0)
        }
        while i + 8 <= n {
            round(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        while i < n {
            tail |= UInt64(bytes[i]) << (8 * UInt64(tailCount))
            tailCount += 1
            i += 1
        }
    }

    func finish() -> UInt64 {
        var h = acc ^ (length &* Self.p3)
        if tailCount > 0 {
            // The last word's length is in `length`, so a short tail is not a word of zeros.
            h = ((h ^ (tail &* Self.p2)) << 27 | (h ^ (tail &* Self.p2)) >> 37) &* Self.p1
        }
        h ^= h >> 33
        h &*= Self.p2
        h ^= h >> 29
        h &*= Self.p3
        h ^= h >> 32
        return h
    }
}
