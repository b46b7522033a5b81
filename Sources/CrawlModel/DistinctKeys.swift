/// A set of keys that only grows, for a walk over a crawl that counts each URL once (the site
/// walk, the pages' URLs): ``CrawlRecords/makeDistinctKeys()`` gives one in memory for a crawl in
/// memory, and a stored crawl's reader one that moves to a scratch file past a few thousand
/// keys, so a walk over a million URLs holds none of them in memory.
///
/// Keys are compared by ``SeenSet/hash(_:)``, in memory and on disk alike, so both give the
/// same answers.
public protocol DistinctKeys: AnyObject {
    /// Adds the key; false when it was there already.
    func insert(_ key: String) -> Bool
    func contains(_ key: String) -> Bool
    /// Distinct keys added.
    var count: Int { get }
}

/// Distinct keys in memory (a ``SeenSet``, 8 bytes a key).
public final class InMemoryKeys: DistinctKeys {
    private var keys = SeenSet()

    public init() {}

    public func insert(_ key: String) -> Bool { keys.insert(key) }
    public func contains(_ key: String) -> Bool { keys.contains(key) }
    public var count: Int { keys.count }
}
