internal import Foundation

/// Rows a report needs sorted, deduplicated or grouped, kept in a scratch SQLite file instead of
/// memory: the asset graph of a million URLs (``insert(_:value:)`` then ``forEach(_:)`` in key
/// order), or body digests to find duplicate files (``group(_:_:bytes:)``, ``largestGroups(limit:)``).
///
/// Memory stays at SQLite's page cache (capped at 8 MB); the file is deleted by ``close()`` or on deinit.
public final class ScratchTable {
    private let db: SQLiteDatabase
    private let path: String
    private let put, putDigest: SQLiteStatement
    private var pending = 0
    private var closed = false

    /// A new empty scratch file in the temporary folder.
    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-scratch-\(UUID().uuidString).sqlite").path
        db = try SQLiteDatabase(path: path)
        try db.execute("""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-8192; PRAGMA temp_store=FILE;
            CREATE TABLE rows(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE digests(digest INTEGER NOT NULL, url TEXT NOT NULL, bytes INTEGER NOT NULL);
            BEGIN
            """)
        put = try db.prepare("INSERT OR IGNORE INTO rows(key, value) VALUES (?, ?)")
        putDigest = try db.prepare("INSERT INTO digests(digest, url, bytes) VALUES (?, ?, ?)")
    }

    deinit { close() }

    /// Deletes the scratch file.
    public func close() {
        guard !closed else { return }
        closed = true
        try? db.execute("COMMIT")
        for suffix in ["", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Adds a row; a key already present keeps its first value.
    public func insert(_ key: String, value: String) throws {
        try put.run(.text(key), .text(value))
        try batch()
    }

    /// Every value, in key order (byte order of the UTF-8 key).
    public func forEach(_ body: (String) throws -> Void) throws {
        try db.prepare("SELECT value FROM rows ORDER BY key").query { try body($0.text(0)) }
    }

    /// Distinct keys so far.
    public func count() throws -> Int {
        var n = 0
        try db.prepare("SELECT count(*) FROM rows").query { n = $0.int(0) }
        return n
    }

    /// Records that `url` has a body with this digest, of `bytes` bytes.
    public func group(_ digest: UInt64, _ url: String, bytes: Int) throws {
        try putDigest.run(.int(Int(Int64(bitPattern: digest))), .text(url), .int(bytes))
        try batch()
    }

    /// A body found at several URLs: the URLs (sorted, at most 20) and how many there are.
    public struct Group: Sendable, Equatable {
        public var urls: [String]
        public var count: Int
        public var bytes: Int
        /// What fetching the copies costs beyond the first.
        public var wastedBytes: Int { bytes * (count - 1) }
    }

    /// The groups of two or more URLs with the same digest, most wasted bytes first.
    public func largestGroups(limit: Int) throws -> [Group] {
        var out: [Group] = []
        let top = try db.prepare("""
            SELECT digest, count(*), max(bytes) FROM digests GROUP BY digest HAVING count(*) > 1
            ORDER BY max(bytes) * (count(*) - 1) DESC, min(url) LIMIT ?
            """)
        var groups: [(Int, Int, Int)] = []
        try top.query(.int(limit)) { groups.append(($0.int(0), $0.int(1), $0.int(2))) }
        let urls = try db.prepare("SELECT url FROM digests WHERE digest = ? ORDER BY url LIMIT 20")
        for (digest, count, bytes) in groups {
            var list: [String] = []
            try urls.query(.int(digest)) { list.append($0.text(0)) }
            out.append(Group(urls: list, count: count, bytes: bytes))
        }
        return out
    }

    /// One transaction per 10,000 rows.
    private func batch() throws {
        pending += 1
        if pending >= 10_000 {
            pending = 0
            try db.execute("COMMIT; BEGIN")
        }
    }
}
