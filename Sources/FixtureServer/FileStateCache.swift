internal import Foundation
internal import NIOCore

/// What one event loop knows about the served files — resolved paths (absolute path, inside
/// the root, `stat`), where request targets lead, and representations — trusted without a
/// `stat` per request for as long as nothing it depends on can have changed.
///
/// "Nothing changed" is known from inotify: every directory from the root down to a cached
/// file (and the directory of its real path, when that is elsewhere) is watched, and any
/// event empties the cache. Requests are answered in rounds: the handlers of a loop hand
/// their complete requests to ``answerAfterChangesAreRead(on:_:)``, and after the loop's
/// current round of socket reads one task reads the inotify descriptor (without blocking),
/// then answers them all. The kernel queues an event before the system call that changed
/// the file returns, so every request is answered knowing every change that completed
/// before its bytes were read, at the cost of one read per round instead of a `stat` per
/// request. (Letting epoll report the descriptor is not enough: a connection delivered in
/// the previous round is polled first and its new request read before the event.)
///
/// Filesystems that do not report every change to inotify (network and FUSE mounts, writes
/// through a shared mmap) are covered by a second rule: what was learnt is trusted for at
/// most the second it was learnt in, then looked at again. That also bounds the memory: the
/// files asked for within one second, their small-file bytes within the hash cache's limit.
/// When inotify is unavailable (no instance or watch left), nothing is cached, requests are
/// answered at once and each `stat`s its file.
///
/// One per event loop, used only there: no locks on the way of a request.
final class FileStateCache {
    typealias Resolved = (path: String, escapes: Bool, stat: stat?)

    /// The inotify descriptor; -1 once stopped.
    private var fd: CInt
    /// Everything below was learnt in this second; it is all dropped when the second changes
    /// and on every inotify event, so whatever is present can be trusted.
    private var second = -1
    private var entries: [String: Resolved] = [:]
    /// Request targets (path part) followed to a regular file: through percent-decoding and
    /// the directory index to the file's path under the root.
    private var targets: [String: KnownFile] = [:]
    typealias KnownFile = (relativePath: String, fsPath: String, stat: stat)
    /// The representations of `targets`' files by target, once made (the same arrays as in
    /// `representations`): a repeated request is one dictionary lookup.
    private var targetRepresentations: [String: [Representation]] = [:]
    /// A file's representations (see ``FileLookup/representations(relativePath:fsPath:stat:fault:)``), by its path,
    /// and the bytes of small files they hold (kept within ``ContentHashCache/totalBytesLimit``).
    private var representations: [String: [Representation]] = [:]
    private var representationBytes = 0
    /// How many of the cached representations keep their file open (see ``keepOpen()``).
    private var openFiles = 0
    private static let maxOpenFiles = 64
    /// Directories with a watch (a deleted directory loses its watch, so the set starts
    /// again after any event).
    private var watched: Set<String> = []
    private static let maxEntries = 100_000
    private static let mask: UInt32 = UInt32(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE
        | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

    /// Nil without inotify.
    init?() {
        fd = inotify_init1(CInt(IN_NONBLOCK | IN_CLOEXEC))
        if fd < 0 { return nil }
    }

    deinit {
        stop()
        eventBuffer.deallocate()
    }

    /// Stops watching (closing the descriptor) and forgets everything: when the server stops.
    func stop() {
        if fd >= 0 { close(fd) }
        fd = -1
        forget()
    }

    var isWatching: Bool { fd >= 0 }

    /// Handlers with a request read in this round, answered once the inotify descriptor has
    /// been read; and the array of the previous round, kept for its capacity. (A closure per
    /// request, and a copy of this array per round, were each an allocation.)
    private var waiting: [StaticFileHandler] = []
    private var spare: [StaticFileHandler] = []

    /// Calls `handler.answerAwaitingRequest()` after this round of reads on `eventLoop` (which
    /// must be the cache's), once every change reported so far has been taken in.
    func answerAfterChangesAreRead(on eventLoop: any EventLoop, _ handler: StaticFileHandler) {
        waiting.append(handler)
        if waiting.count == 1 {
            eventLoop.assumeIsolated().execute { self.answerWaiting() }
        }
    }

    private func answerWaiting() {
        readChanges()
        var answers: [StaticFileHandler] = []
        swap(&answers, &waiting)
        swap(&waiting, &spare)
        for handler in answers { handler.answerAwaitingRequest() }
        answers.removeAll(keepingCapacity: true)
        spare = answers
    }

    /// Where inotify events are read to: allocated once (a temporary allocation of this size
    /// was a `posix_memalign` per round of requests).
    private let eventBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)

    private func readChanges() {
        guard fd >= 0 else { return }
        var changed = false
        while read(fd, eventBuffer.baseAddress, eventBuffer.count) > 0 { changed = true }
        if changed { forget() }
    }

    /// Drops what was learnt in an earlier second (the watches stay). Call at the start of
    /// each request, before anything else here.
    func enter(_ now: Int) {
        guard now != second else { return }
        second = now
        dropLearnt()
    }

    /// After a change: what was learnt, and the set of watched directories.
    private func forget() {
        dropLearnt()
        watched.removeAll(keepingCapacity: true)
    }

    private func dropLearnt() {
        entries.removeAll(keepingCapacity: true)
        targets.removeAll(keepingCapacity: true)
        targetRepresentations.removeAll(keepingCapacity: true)
        representations.removeAll(keepingCapacity: true)
        representationBytes = 0
        openFiles = 0
    }

    /// `resolver.resolve(relative)`, from the cache when it can be trusted.
    func resolve(_ relative: String, with resolver: PathResolver) -> Resolved {
        if let hit = entries[relative] { return hit }
        let resolved = resolver.resolve(relative)
        guard fd >= 0 else { return resolved }
        // Only what exists, inside the root; watches first, then a fresh look, so a change
        // after that look is an event. When every directory was watched already (before the
        // resolver's look: watches are added only on this loop), that look was the fresh one.
        guard let st = resolved.stat, !resolved.escapes,
              let added = watchDirectories(of: resolved.path, isDirectory: (st.st_mode & S_IFMT) == S_IFDIR, root: resolver.root) else {
            return resolved
        }
        if added {
            var fresh = stat()
            guard stat(resolved.path, &fresh) == 0, ContentHashCache.key(fresh) == ContentHashCache.key(st) else { return resolved }
        }
        if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
        entries[relative] = resolved
        return resolved
    }

    /// The file a request target led to, when that can be trusted.
    func file(forTarget target: String) -> KnownFile? {
        targets[target]
    }

    /// The representations a target leads to, when that can be trusted.
    func representations(forTarget target: String) -> [Representation]? {
        targetRepresentations[target]
    }

    /// Remembers a known target's representations, if those of its file (at `path`) are cached.
    func remember(target: String, representations made: [Representation], of path: String) {
        guard targets[target] != nil, representations[path] != nil else { return }
        targetRepresentations[target] = made
    }

    /// Remembers where a target led, if the file's resolution itself is trusted (so its
    /// directories are watched).
    func remember(target: String, relativePath: String, fsPath: String, stat: stat) {
        guard entries[relativePath] != nil else { return }
        if targets.count >= Self.maxEntries {
            targets.removeAll(keepingCapacity: true)
            targetRepresentations.removeAll(keepingCapacity: true)
        }
        targets[target] = (relativePath, fsPath, stat)
    }

    /// `make()`'s representations of the file at `path` (absolute), from the cache when it can
    /// be trusted. Everything they are made from is in the file's directory (the file and
    /// its siblings), watched before `make` looks at it.
    func representations(of path: String, root: String, make: () -> [Representation]?) -> [Representation]? {
        if let hit = representations[path] { return hit }
        guard fd >= 0, watchDirectories(of: path, isDirectory: false, root: root) != nil else { return make() }
        guard let made = make() else { return nil }
        let bytes = made.reduce(0) { $0 + ($1.bytes?.readableBytes ?? 0) }
        if representations.count >= Self.maxEntries || representationBytes + bytes > ContentHashCache.totalBytesLimit {
            representations.removeAll(keepingCapacity: true)
            targetRepresentations.removeAll(keepingCapacity: true)
            representationBytes = 0
            openFiles = 0
        }
        representations[path] = made
        representationBytes += bytes
        return made
    }

    /// Whether one more cached representation may keep its file open (each is closed once its
    /// representation is dropped with the rest and no response still sends from it): a few
    /// dozen per event loop, so a site of many large files does not run out of descriptors.
    func keepOpen() -> Bool {
        guard fd >= 0, openFiles < Self.maxOpenFiles else { return false }
        openFiles += 1
        return true
    }

    /// Watches every directory from the root down to `path` (its own directory, or itself
    /// when it is one), and the directory of its real path when a symlink leads elsewhere:
    /// whether a watch was added (false when all were watched already); nil when a watch
    /// could not be added.
    private func watchDirectories(of path: String, isDirectory: Bool, root: String) -> Bool? {
        // The parent folder by the last slash: NSString's path methods were 5% of `crawl --serve`.
        func parent(_ p: String) -> String {
            var end = p.utf8.endIndex
            if p.utf8.count > 1, p.utf8.last == UInt8(ascii: "/") { end = p.utf8.index(before: end) }
            guard let slash = p.utf8[..<end].lastIndex(of: UInt8(ascii: "/")) else { return "" }
            return slash == p.utf8.startIndex ? "/" : String(p[..<slash])
        }
        var directories: [String] = []
        var directory = isDirectory ? path : parent(path)
        while true {
            directories.append(directory)
            if directory.utf8.count <= root.utf8.count { break }
            directory = parent(directory)
        }
        if path != root, let real = realpath(path, nil) {
            let realPath = String(cString: real)
            free(real)
            let realDirectory = isDirectory ? realPath : parent(realPath)
            if !directories.contains(realDirectory) { directories.append(realDirectory) }
        }
        var added = false
        for directory in directories where !watched.contains(directory) {
            guard inotify_add_watch(fd, directory, Self.mask) >= 0 else { return nil }
            watched.insert(directory)
            added = true
        }
        return added
    }
}
