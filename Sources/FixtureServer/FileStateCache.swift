internal import Foundation
internal import Logging
internal import NIOCore
internal import NIOPosix

/// What one event loop knows about the served files — resolved paths (absolute path, inside
/// the root, `stat`) and representations — trusted without a `stat` per request for as long
/// as nothing it depends on can have changed.
///
/// "Nothing changed" is known from inotify: every directory from the root down to a cached
/// file (and the directory of its real path, when that is elsewhere) is watched, and the
/// inotify descriptor is one more descriptor of the event loop, so any event empties the
/// cache as soon as the loop sees it. The kernel queues an event before the system call that
/// changed the file returns, and the loop takes ready descriptors in the order they became
/// ready, so a request sent after a change completed is answered after the cache was emptied
/// (the one exception: a request pipelined behind another one already being read). A `stat`
/// per request would cost about 8% of a 304, a non-blocking read of the descriptor per
/// request about 5% (`Benchmarks/server.sh` and `perf`).
///
/// Filesystems that do not report every change to inotify (network and FUSE mounts, writes
/// through a shared mmap) are covered by a second rule: an entry is trusted for at most the
/// second it was made in, then looked at again. Until the descriptor is registered with the
/// loop, after it fails, or when inotify is unavailable (no instance or watch left), nothing
/// is cached and every request `stat`s.
///
/// One per event loop, used only there: no locks on the way of a request.
final class FileStateCache {
    typealias Resolved = (path: String, escapes: Bool, stat: stat?)

    private struct Entry<Value> {
        var value: Value
        var generation: UInt64
        var second: Int
    }

    private let fd: CInt
    /// The loop's channel reading `fd`; nil until registered and once closed.
    private var watchChannel: (any Channel)?
    private var stopped = false
    /// Bumped by every batch of inotify events; entries of an older generation are stale.
    private var generation: UInt64 = 0
    private var entries: [String: Entry<Resolved>] = [:]
    /// Request targets (path part) followed to a regular file: through percent-decoding and
    /// the directory index to the file's path under the root.
    private var targets: [String: Entry<KnownFile>] = [:]
    typealias KnownFile = (relativePath: String, fsPath: String, stat: stat)
    /// A file's representations (see ``StaticFileHandler/representations(relativePath:fsPath:stat:fault:)``), by its path.
    private var representations: [String: Entry<[Representation]>] = [:]
    /// Directories with a watch in this generation (a deleted directory loses its watch, so
    /// the set starts again after any event).
    private var watched: Set<String> = []
    private static let maxEntries = 100_000
    private static let mask: UInt32 = UInt32(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE
        | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

    /// Starts watching on `eventLoop` (must be called there); nil without inotify.
    init?(eventLoop: any EventLoop, logger: Logger) {
        fd = inotify_init1(CInt(IN_NONBLOCK | IN_CLOEXEC))
        if fd < 0 { return nil }
        let fd = fd
        let handler = NIOLoopBound(ChangeHandler(cache: self), eventLoop: eventLoop)
        NIOPipeBootstrap(group: eventLoop)
            // inotify refuses a read into a buffer smaller than one event with its name.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 16 * 1024))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler.value) }
            }
            .takingOwnershipOfDescriptor(input: fd)
            .assumeIsolated()
            .whenComplete { [weak self] result in
                switch result {
                case .success(let channel):
                    guard let self, !self.stopped else { channel.close(promise: nil); return }
                    self.watchChannel = channel
                case .failure(let error):
                    // The descriptor is still ours.
                    close(fd)
                    logger.debug("file changes not watched, every request stats its file: \(error)")
                }
            }
    }

    /// Stops watching and forgets everything (when the server shuts down); the future
    /// completes once the inotify descriptor is closed.
    func stop(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        stopped = true
        forget()
        defer { watchChannel = nil }
        return watchChannel?.close() ?? eventLoop.makeSucceededVoidFuture()
    }

    /// The channel reading the inotify descriptor, while there is one.
    var watching: (any Channel)? { watchChannel }

    private func forget() {
        generation &+= 1
        entries.removeAll(keepingCapacity: true)
        targets.removeAll(keepingCapacity: true)
        representations.removeAll(keepingCapacity: true)
        watched.removeAll(keepingCapacity: true)
    }

    /// Empties the cache on every batch of inotify events; stops trusting it if the
    /// descriptor fails.
    private final class ChangeHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        weak var cache: FileStateCache?

        init(cache: FileStateCache) { self.cache = cache }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            cache?.forget()
        }

        func channelInactive(context: ChannelHandlerContext) {
            if let cache {
                cache.forget()
                cache.watchChannel = nil
            }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    /// `resolver.resolve(relative)`, from the cache when it can be trusted.
    func resolve(_ relative: String, with resolver: PathResolver, now: Int) -> Resolved {
        if let hit = entries[relative], hit.generation == generation, hit.second == now {
            return hit.value
        }
        let resolved = resolver.resolve(relative)
        guard watchChannel != nil else { return resolved }
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

    /// The file a request target led to, when that can be trusted.
    func file(forTarget target: String, now: Int) -> KnownFile? {
        guard let hit = targets[target], hit.generation == generation, hit.second == now else { return nil }
        return hit.value
    }

    /// Remembers where a target led, if the file's resolution itself is trusted (so its
    /// directories are watched).
    func remember(target: String, relativePath: String, fsPath: String, stat: stat, now: Int) {
        guard let resolved = entries[relativePath], resolved.generation == generation, resolved.second == now else { return }
        if targets.count >= Self.maxEntries { targets.removeAll(keepingCapacity: true) }
        targets[target] = Entry(value: (relativePath, fsPath, stat), generation: generation, second: now)
    }

    /// `make()`'s representations of the file at `path` (absolute), from the cache when it can
    /// be trusted. Everything they are made from is in the file's directory (the file, its
    /// siblings, the listing that finds them), watched before `make` looks at it.
    func representations(of path: String, now: Int, root: String, make: () -> [Representation]?) -> [Representation]? {
        if let hit = representations[path], hit.generation == generation, hit.second == now {
            return hit.value
        }
        let generation = generation
        guard watchChannel != nil, watchDirectories(of: path, isDirectory: false, root: root) else { return make() }
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
