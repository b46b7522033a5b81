internal import Foundation
#if canImport(Glibc)
internal import Glibc
#endif

/// Ctrl-C (SIGINT) for `crawl`: cancels the task of the pass that runs (the crawl, then the
/// browser pass), so that each stops and the reports of what was done are written.
///
/// One signal source for the whole run: once a libdispatch source for SIGINT was cancelled,
/// a new one never fires again on Linux, so the passes share this one.
final class Interrupt: @unchecked Sendable {  // `current` and `watcher` only under `lock`
    static let shared = Interrupt()
    private let lock = NSLock()
    private var watcher: SignalWatcher?
    private var current: (@Sendable () -> Void)?

    /// Waits for `task`, cancelling it on SIGINT; outside of such a wait SIGINT exits at once with 130.
    func during<T: Sendable>(_ task: Task<T, Never>) async -> T {
        install { task.cancel() }
        defer { lock.withLock { current = nil } }
        return await task.value
    }

    /// The same for a throwing task.
    func during<T: Sendable>(_ task: Task<T, any Error>) async throws -> T {
        install { task.cancel() }
        defer { lock.withLock { current = nil } }
        return try await task.value
    }

    private func install(_ cancel: @escaping @Sendable () -> Void) {
        lock.withLock {
            current = cancel
            if watcher == nil { watcher = SignalWatcher(signals: [SIGINT]) { Interrupt.shared.fire() } }
        }
    }

    private func fire() {
        if let cancel = lock.withLock({ current }) { cancel() } else { _exit(130) }
    }
}
