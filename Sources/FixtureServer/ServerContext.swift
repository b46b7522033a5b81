internal import Foundation
internal import Logging
internal import NIOConcurrencyHelpers
internal import NIOCore
internal import NIOPosix

/// Shared, immutable state of one server: the root, the policy, the ETag cache.
final class ServerContext: Sendable {
    let resolver: PathResolver
    let policy: ServerPolicy
    let limits: ServerLimits
    let logger: Logger
    let isTLS: Bool
    let onResponse: (@Sendable (ServedResponse) -> Void)?
    /// False for policies without faults, so ordinary requests skip the fault lookup.
    let hasFaults: Bool
    /// Whether the log takes a line per request (checked once: a 304 is cheap enough for the
    /// log level lookup to show).
    let logsRequests: Bool
    let hashes = ContentHashCache()
    let fileIO = NonBlockingFileIO(threadPool: .singleton)
    /// Responses served per fault rule (for `times`) and for `changing` ETags.
    let faultCounts = NIOLockedValueBox<[Int: Int]>([:])
    private let fileStateCaches = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<FileStateCache>]>([:])

    init(resolver: PathResolver, policy: ServerPolicy, limits: ServerLimits, logger: Logger, isTLS: Bool,
         onResponse: (@Sendable (ServedResponse) -> Void)? = nil) {
        self.onResponse = onResponse
        self.resolver = resolver
        self.policy = policy.sanitized(logger: logger)
        self.limits = limits
        self.logger = logger
        self.isTLS = isTLS
        self.hasFaults = policy.rules.contains { $0.fault != nil }
        self.logsRequests = logger.logLevel <= .info
    }

    /// The event loop's cache of file states, made on first use there; nil without inotify.
    func fileStateCache(on loop: any EventLoop) -> FileStateCache? {
        fileStateCaches.withLockedValue { caches in
            if let cache = caches[ObjectIdentifier(loop)] { return cache.value }
            guard let cache = FileStateCache() else { return nil }
            caches[ObjectIdentifier(loop)] = NIOLoopBound(cache, eventLoop: loop)
            return cache
        }
    }

    /// The event loops' file state caches, while the server runs.
    var fileStateCacheList: [NIOLoopBound<FileStateCache>] { fileStateCaches.withLockedValue { Array($0.values) } }

    /// Stops every event loop's file state cache, closing its inotify descriptor.
    func stopCaches() async {
        let caches = fileStateCaches.withLockedValue { caches in
            defer { caches.removeAll() }
            return Array(caches.values)
        }
        for cache in caches {
            try? await cache.eventLoop.submit { cache.value.stop() }.get()
        }
    }

    /// The fault that applies to this request, counting it against the rule's `times`.
    func activeFault(for path: String) -> (fault: Fault, serial: Int)? {
        guard let (index, fault) = policy.fault(for: path) else { return nil }
        let serial = faultCounts.withLockedValue { counts -> Int in
            let n = counts[index, default: 0]
            counts[index] = n + 1
            return n
        }
        if let times = fault.times, serial >= times { return nil }
        return (fault, serial)
    }
}
