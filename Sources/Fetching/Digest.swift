/// FNV-1a, 64 bits: a cheap fingerprint of a body, computed as bytes arrive.
/// Used only to tell "same bytes re-sent" from "different bytes", never for security.
public struct Digest: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        var h = value
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        value = h
    }
}
