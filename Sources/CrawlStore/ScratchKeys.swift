public import CrawlModel
internal import Foundation

/// Distinct keys in memory up to a limit, then in a scratch SQLite file (one integer-keyed
/// table of the keys' 64-bit hashes), so a walk over a million URLs keeps none of them in
/// memory: what a stored crawl's reader gives its walks (``StoreReader/makeDistinctKeys()``).
///
/// Memory past the limit is SQLite's page cache (capped at 2 MB). Should the scratch file fail
/// (disk full), the keys stay in memory from then on: the same answers, more memory. The file is
/// deleted on deinit.
public final class ScratchKeys: DistinctKeys {
    /// Keys kept in memory before they move to disk (8 bytes each in a ``SeenSet``).
    public let memoryLimit: Int
    private var memory: SeenSet? = SeenSet()
    private var disk: Disk?
    public private(set) var count = 0

    public init(memoryLimit: Int = 16_384) {
        self.memoryLimit = memoryLimit
    }

    public func insert(_ key: String) -> Bool {
        let hash = SeenSet.hash(key)
        if let disk {
            guard let added = try? disk.insert(hash) else { return fallBack(inserting: key) }
            if added { count += 1 }
            return added
        }
        guard memory!.insert(key) else { return false }
        count += 1
        if count > memoryLimit, let moved = try? Disk(hashes: memory!.hashes) {
            disk = moved
            memory = nil
        }
        return true
    }

    public func contains(_ key: String) -> Bool {
        guard let disk else { return memory!.contains(key) }
        guard let found = try? disk.contains(SeenSet.hash(key)) else {
            _ = fallBack(inserting: nil)
            return memory!.contains(key)
        }
        return found
    }

    /// The scratch file failed: every key it holds back into memory (then `key`, if any).
    private func fallBack(inserting key: String?) -> Bool {
        var set = SeenSet()
        try? disk?.forEach { set.insert(hash: $0) }
        disk = nil
        let added = key.map { set.insert($0) } ?? false
        if added { count += 1 }
        memory = set
        return added
    }

    /// The scratch file: one table of hashes, written in transactions of 10,000 rows.
    final class Disk {
        private let db: SQLiteDatabase
        private let path: String
        private let put, find: SQLiteStatement
        private var pending = 0

        init(hashes: some Sequence<UInt64>) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-keys-\(UUID().uuidString).sqlite").path
            db = try SQLiteDatabase(path: path)
            try db.execute("""
                PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-2048; PRAGMA temp_store=FILE;
                CREATE TABLE keys(hash INTEGER PRIMARY KEY);
                BEGIN
                """)
            put = try db.prepare("INSERT OR IGNORE INTO keys(hash) VALUES (?)")
            find = try db.prepare("SELECT 1 FROM keys WHERE hash = ?")
            for hash in hashes { _ = try insert(hash) }
        }

        deinit {
            try? db.execute("COMMIT")
            for suffix in ["", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }

        func insert(_ hash: UInt64) throws -> Bool {
            try put.run(.int(Int(Int64(bitPattern: hash))))
            pending += 1
            if pending >= 10_000 {
                pending = 0
                try db.execute("COMMIT; BEGIN")
            }
            return db.changes == 1
        }

        func contains(_ hash: UInt64) throws -> Bool {
            var found = false
            try find.query(.int(Int(Int64(bitPattern: hash)))) { _ in found = true }
            return found
        }

        func forEach(_ body: (UInt64) -> Void) throws {
            try db.prepare("SELECT hash FROM keys").query { body(UInt64(bitPattern: Int64($0.int(0)))) }
        }
    }
}
