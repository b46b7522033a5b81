/// A set of URLs (or any keys) in memory: 64-bit hashes, 8 bytes a URL whatever its length.
///
/// The store is the truth (its frontier keys are unique); the set only spares the store a
/// query per link. Two URLs with the same 64-bit FNV-1a hash would make the second one look
/// seen: at a million URLs the chance of any such pair is about 3 in 100 million.
public struct SeenSet: Sendable {
    private var storage: Set<UInt64> = []

    public init() {}

    public init(hashes: [UInt64]) {
        storage = Set(hashes)
    }

    public var count: Int { storage.count }

    public func contains(_ key: String) -> Bool { storage.contains(Self.hash(key)) }

    /// Adds the key; false when it was (or looked) seen already.
    @discardableResult
    public mutating func insert(_ key: String) -> Bool { storage.insert(Self.hash(key)).inserted }

    /// Adds a key by its ``hash(_:)``; false when it was there already.
    @discardableResult
    public mutating func insert(hash: UInt64) -> Bool { storage.insert(hash).inserted }

    /// The hashes of the keys added, in no order.
    public var hashes: Set<UInt64> { storage }

    /// 64-bit FNV-1a of the UTF-8 bytes: stable across runs and processes (Swift's `Hasher` is not).
    public static func hash(_ key: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01B3
        }
        return h
    }
}
