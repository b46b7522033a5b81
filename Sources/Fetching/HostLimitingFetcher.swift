public import CrawlModel
public import Foundation

/// At most `perHost` requests in flight to one host (scheme, host and port), and, with a
/// `delay`, at least that long between the starts of two requests to the same host.
/// A wrapper, so the crawler's scheduling stays free of sleeps and counters.
///
/// ```swift
/// let fetcher = HostLimitingFetcher(base, perHost: 6, delay: .milliseconds(100))
/// ```
public struct HostLimitingFetcher: Fetcher {
    let base: any Fetcher
    let gate: HostGate

    public init(_ base: any Fetcher, perHost: Int = 6, delay: Duration = .zero) {
        self.base = base
        self.gate = HostGate(limit: max(1, perHost), delay: delay)
    }

    public func fetch(_ request: FetchRequest) async -> FetchResponse {
        let host = WebURL.origin(of: request.url)
        guard await gate.enter(host) else {
            return FetchResponse(exchange: Exchange(url: request.url.absoluteString, method: request.method,
                                                    requestHeaders: request.headers,
                                                    error: FetchError(.notFetched, "cancelled before it was sent")))
        }
        let response = await base.fetch(request)
        await gate.leave(host)
        return response
    }

    /// The most requests seen in flight to one host at once (for tests and diagnostics).
    public func peakInFlight(_ host: String) async -> Int { await gate.peak[host] ?? 0 }
}

/// A counting semaphore per host, with FIFO waiters and an optional spacing between starts.
actor HostGate {
    struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Bool, Never>
    }

    let limit: Int
    let delay: Duration
    private var inFlight: [String: Int] = [:]
    private var waiters: [String: [Waiter]] = [:]
    private var nextStart: [String: ContinuousClock.Instant] = [:]
    private var nextID: UInt64 = 0
    private(set) var peak: [String: Int] = [:]

    init(limit: Int, delay: Duration) {
        self.limit = limit
        self.delay = delay
    }

    /// Waits for a slot; false when the task was cancelled while waiting.
    func enter(_ host: String) async -> Bool {
        // A request cancelled before its turn is never sent, whether or not it had to wait.
        if Task.isCancelled { return false }
        if inFlight[host, default: 0] >= limit {
            nextID += 1
            let id = nextID
            let granted = await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
                    if Task.isCancelled { c.resume(returning: false); return }
                    waiters[host, default: []].append(Waiter(id: id, continuation: c))
                }
            } onCancel: {
                Task { await self.cancel(id, host: host) }
            }
            guard granted else { return false }
        } else {
            inFlight[host, default: 0] += 1
        }
        peak[host] = max(peak[host] ?? 0, inFlight[host] ?? 0)
        if delay > .zero {
            let now = ContinuousClock.now
            let start = max(now, nextStart[host] ?? now)
            nextStart[host] = start + delay
            if start > now {
                do { try await Task.sleep(until: start, clock: .continuous) } catch {
                    leave(host)
                    return false
                }
            }
        }
        return true
    }

    /// Frees a slot, handing it straight to the first waiter.
    func leave(_ host: String) {
        if var queue = waiters[host], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[host] = queue.isEmpty ? nil : queue
            next.continuation.resume(returning: true)  // the slot passes on; inFlight is unchanged
        } else {
            inFlight[host, default: 1] -= 1
            if inFlight[host] == 0 { inFlight[host] = nil }
        }
    }

    private func cancel(_ id: UInt64, host: String) {
        guard var queue = waiters[host], let index = queue.firstIndex(where: { $0.id == id }) else { return }
        let waiter = queue.remove(at: index)
        waiters[host] = queue.isEmpty ? nil : queue
        waiter.continuation.resume(returning: false)
    }
}
