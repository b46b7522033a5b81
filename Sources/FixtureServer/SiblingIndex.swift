internal import Foundation
internal import NIOConcurrencyHelpers

/// Which files in a directory could be precompressed siblings (`*.br`, `*.gz`), cached by the
/// directory's identity and mtime: adding, removing or renaming an entry changes the mtime,
/// so one `stat` of the directory replaces a `stat` per candidate on every request.
final class SiblingIndex: Sendable {
    private let cache = NIOLockedValueBox<[String: (key: ContentHashCache.Key, names: Set<String>)]>([:])

    /// The names in `directory` ending in one of the sibling suffixes.
    func candidates(in directory: String) -> Set<String> {
        var st = stat()
        guard stat(directory, &st) == 0 else { return [] }
        let key = ContentHashCache.key(st)
        if let hit = cache.withLockedValue({ $0[directory] }), hit.key == key { return hit.names }
        let suffixes = ContentCoding.allCases.map(\.fileSuffix)
        let names = Set(((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { name in
            suffixes.contains { name.hasSuffix($0) }
        })
        cache.withLockedValue { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[directory] = (key, names)
        }
        return names
    }
}
