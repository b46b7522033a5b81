internal import NIOCore
internal import NIOPosix

/// Runs Swift concurrency's global executor on SwiftNIO's event loops.
public enum EventLoopExecutor {
    /// Makes NIO's singleton event loop group Swift concurrency's global executor, so a fetch
    /// resumes on the event loop that read its response instead of hopping to another thread
    /// pool. Call it once, before the crawl; returns false when it could not be installed.
    public static func install() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
