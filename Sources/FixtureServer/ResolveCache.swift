internal import Foundation
internal import NIOCore

/// Resolved paths (absolute path, inside the root, `stat`) of one event loop, trusted without
/// a `stat` per request for as long as nothing they depend on can have changed.
///
/// "Nothing changed" is known from inotify: every directory from the root down to a cached
/// file (and the directory of its real path, when that is elsewhere) is watched, and each
/// request first reads the inotify descriptor without blocking. The kernel queues an event
/// before the system call that changed the file returns, so a request that starts after a
/// change completed always sees it: any event at all empties the cache. One non-blocking read
/// costs less than the path walk of a `stat` (about 8% of a 304 — `Benchmarks/server.sh`).
///
/// Filesystems that do not report every change to inotify (network and FUSE mounts, writes
/// through a shared mmap) are covered by a second rule: an entry is trusted for at most the
/// second it was made in, then `stat`ed again. When inotify is unavailable (no instance or
/// watch left), nothing is cached and every request `stat`s.
///
/// One per event loop, used only there: no locks on the way of a request.
final class ResolveCache {
    typealias Resolved = (path: String, escapes: Bool, stat: stat?)

    private struct Entry<Value> {
        var value: Value
        var generation: UInt64
        var second: Int
    }

    private let fd: CInt
    /// Bumped by every batch of inotify events; entries of an older generation are stale.
    private var generation: UInt64 = 0
    private var entries: [String: Entry<Resolved>] = [:]
    /// A file's representations (see ``StaticFileHandler/representations(relativePath:fsPath:stat:fault:)``), by its path.
    private var representations: [String: Entry<[Representation]>] = [:]
    /// Directories with a watch in this generation (a deleted directory loses its watch, so
    /// the set starts again after any event).
    private var watched: Set<String> = []
    private static let maxEntries = 100_000
    private static let mask: UInt32 = UInt32(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE
        | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

    init?() {
        fd = inotify_init1(CInt(IN_NONBLOCK | IN_CLOEXEC))
        if fd < 0 { return nil }
    }

    deinit { close(fd) }

    /// Takes in the changes reported since the last call. Call once per request, before any
    /// `resolve`.
    func refresh() {
        var changed = false
        withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 8) { buffer in
            while read(fd, buffer.baseAddress, buffer.count) > 0 { changed = true }
        }
        if changed {
            generation &+= 1
            entries.removeAll(keepingCapacity: true)
            representations.removeAll(keepingCapacity: true)
            watched.removeAll(keepingCapacity: true)
        }
    }

    /// `resolver.resolve(relative)`, from the cache when it can be trusted.
    func resolve(_ relative: String, with resolver: PathResolver, now: Int) -> Resolved {
        if let hit = entries[relative], hit.generation == generation, hit.second == now {
            return hit.value
        }
        let resolved = resolver.resolve(relative)
        // Only what exists, inside the root; watches first, then a fresh look, so a change
        // after that look is an event.
        guard let st = resolved.stat, !resolved.escapes,
              watchDirectories(of: resolved.path, isDirectory: (st.st_mode & S_IFMT) == S_IFDIR, root: resolver.root) else {
            entries[relative] = nil
            return resolved
        }
        var fresh = stat()
        guard stat(resolved.path, &fresh) == 0, ContentHashCache.key(fresh) == ContentHashCache.key(st) else { return resolved }
        if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
        entries[relative] = Entry(value: resolved, generation: generation, second: now)
        return resolved
    }

    /// `make()`'s representations of the file at `path` (absolute), from the cache when it can
    /// be trusted. Everything they are made from is in the file's directory (the file, its
    /// siblings, the listing that finds them), watched before `make` looks at it.
    func representations(of path: String, now: Int, root: String, make: () -> [Representation]?) -> [Representation]? {
        if let hit = representations[path], hit.generation == generation, hit.second == now {
            return hit.value
        }
        let generation = generation
        guard watchDirectories(of: path, isDirectory: false, root: root) else { return make() }
        guard let made = make() else {
            representations[path] = nil
            return nil
        }
        if representations.count >= Self.maxEntries { representations.removeAll(keepingCapacity: true) }
        representations[path] = Entry(value: made, generation: generation, second: now)
        return made
    }

    /// Watches every directory from the root down to `path` (its own directory, or itself
    /// when it is one), and the directory of its real path when a symlink leads elsewhere;
    /// false when a watch could not be added.
    private func watchDirectories(of path: String, isDirectory: Bool, root: String) -> Bool {
        func parent(_ p: String) -> String { (p as NSString).deletingLastPathComponent }
        var directories: [String] = []
        var directory = isDirectory ? path : parent(path)
        while true {
            directories.append(directory)
            if directory.count <= root.count { break }
            directory = parent(directory)
        }
        if path != root, let real = realpath(path, nil) {
            let realPath = String(cString: real)
            free(real)
            let realDirectory = isDirectory ? realPath : parent(realPath)
            if !directories.contains(realDirectory) { directories.append(realDirectory) }
        }
        for directory in directories where !watched.contains(directory) {
            guard inotify_add_watch(fd, directory, Self.mask) >= 0 else { return false }
            watched.insert(directory)
        }
        return true
    }
}
