internal import Foundation
internal import NIOConcurrencyHelpers

/// Which files in a directory could be precompressed siblings (`*.br`, `*.gz`), cached by the
/// directory's identity and mtime: adding, removing or renaming an entry changes the mtime.
/// The directory is looked at again at most once a second, so a sibling added while the
/// server runs is used within a second; a removed one is noticed at once (each candidate is
/// still `stat`ed before use). This saves a `stat` per request, the cost of a 304.
final class SiblingIndex: Sendable {
    private struct Entry {
        var key: ContentHashCache.Key
        var names: Set<String>
        var checkedAt: Int
    }

    private let cache = NIOLockedValueBox<[String: Entry]>([:])

    /// The names in `directory` ending in one of the sibling suffixes.
    func candidates(in directory: String, now: Int) -> Set<String> {
        let cached = cache.withLockedValue { $0[directory] }
        if let cached, cached.checkedAt == now { return cached.names }
        var st = stat()
        guard stat(directory, &st) == 0 else { return [] }
        let key = ContentHashCache.key(st)
        if var hit = cached, hit.key == key {
            hit.checkedAt = now
            cache.withLockedValue { $0[directory] = hit }
            return hit.names
        }
        let suffixes = ContentCoding.allCases.map(\.fileSuffix)
        let names = Set(((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { name in
            suffixes.contains { name.hasSuffix($0) }
        })
        cache.withLockedValue { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[directory] = Entry(key: key, names: names, checkedAt: now)
        }
        return names
    }
}
