internal import CrawlModel
public import Fetching
internal import Foundation
internal import PostgresNIO

/// `--per-host` and `--delay` for all the processes of a crawl together: at most `perHost`
/// requests in flight to one origin, and with a `delay` at least that long between the starts
/// of two requests to it, whichever process sends them.
///
/// An origin has `perHost` slot rows in the store (`host_slots`); a request is sent only while
/// its process holds a slot, under the same lease as its claims. A process keeps a slot it
/// holds for its next requests to the origin — handed from a finished request to a waiting one,
/// or kept idle for the next — for up to ``holdLimit`` (no round trip per request), then gives
/// it back so the other processes get their turn.
///
/// With a delay, a request to an origin is sent only while its process holds the origin's pace
/// row (`host_pace`, under the same lease), and the next one starts at least the delay after
/// the previous one's answer, on the database's clock: one request at a time per origin for
/// the whole crawl. A start granted on the database's clock reaches the server a moment later
/// (the grant's answer, the process's scheduling, a new connection), so spacing starts from
/// their grants would let a late request arrive less than the delay before the next one; from
/// the answer, the server never sees two requests closer than the delay.
public struct SharedHostLimitingFetcher: Fetcher {
    let base: any Fetcher
    let gate: SharedHostGate

    public init(_ base: any Fetcher, store: PostgresCrawlStore, perHost: Int, delay: Duration) {
        self.base = base
        gate = SharedHostGate(store: store, limit: max(1, perHost), delay: delay)
    }

    public func fetch(_ request: FetchRequest) async -> FetchResponse {
        let origin = WebURL.origin(of: request.url)
        let slot: SharedHostGate.Slot
        do {
            slot = try await gate.enter(origin)
        } catch {
            let cause = error is CancellationError ? "cancelled before it was sent" : "the crawl store failed: \(error)"
            return FetchResponse(exchange: Exchange(url: request.url.absoluteString, method: request.method, requestHeaders: request.headers,
                                                    error: FetchError(.notFetched, cause)))
        }
        let response = await base.fetch(request)
        if gate.delay > .zero { await gate.paced(origin) }
        await gate.leave(origin, slot)
        return response
    }
}

/// The slots of ``SharedHostLimitingFetcher`` this process holds, and its waiting requests.
actor SharedHostGate {
    struct Slot: Sendable {
        var number: Int
        var since: ContinuousClock.Instant
    }

    struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Slot?, Never>
    }

    /// How long a process keeps a slot for its own next requests before giving it back.
    static let holdLimit: Duration = .seconds(1)
    /// How often a request that found no free slot asks the store again.
    static let retryInterval: Duration = .milliseconds(10)

    let store: PostgresCrawlStore
    let limit: Int
    let delay: Duration
    private var waiters: [String: [Waiter]] = [:]
    /// Slots of each origin this process holds: in use, or idle.
    private var held: [String: Int] = [:]
    /// Slots held and not in use, kept for this process's next request until their hold ends.
    private var idle: [String: [Slot]] = [:]
    /// Origins whose idle slots a task gives back as their holds end.
    private var sweeping: Set<String> = []
    /// The waiter per origin that asks the store again at each retry.
    private var poller: [String: UInt64] = [:]
    private var prepared: Set<String> = []
    private var nextID: UInt64 = 0

    init(store: PostgresCrawlStore, limit: Int, delay: Duration) {
        self.store = store
        self.limit = limit
        self.delay = delay
    }

    /// Waits for a slot of `origin` (and, with a delay, for the start reserved); throws
    /// `CancellationError` when the request was cancelled first.
    func enter(_ origin: String) async throws -> Slot {
        var slot: Slot?
        while slot == nil {
            try Task.checkCancellation()
            if var spare = idle[origin], let kept = spare.popLast() {
                idle[origin] = spare.isEmpty ? nil : spare
                slot = kept
                break
            }
            // Holding all of an origin's slots, this process waits for one of its own requests
            // to end; otherwise it asks the store, where another process may free one.
            if held[origin, default: 0] < limit, let number = try await acquire(origin) {
                held[origin, default: 0] += 1
                slot = Slot(number: number, since: .now)
            } else {
                slot = try await handoff(origin)
            }
        }
        guard let slot else { throw CancellationError() }
        if delay > .zero {
            do {
                try await awaitStart(origin)
            } catch {
                await leave(origin, slot)
                throw error
            }
        }
        return slot
    }

    /// Gives the slot to a request of this process waiting for the origin, keeps it idle for
    /// the next one while its hold lasts, or gives it back to the store.
    func leave(_ origin: String, _ slot: Slot) async {
        if ContinuousClock.now - slot.since < Self.holdLimit {
            if var queue = waiters[origin], !queue.isEmpty {
                let next = queue.removeFirst()
                waiters[origin] = queue.isEmpty ? nil : queue
                if poller[origin] == next.id { poller[origin] = nil }
                next.continuation.resume(returning: slot)
            } else {
                idle[origin, default: []].append(slot)
                if sweeping.insert(origin).inserted { Task { await self.sweep(origin) } }
            }
            return
        }
        await giveBack(origin, slot)
        // A waiter asks the store again at once instead of at its next retry.
        if var queue = waiters[origin], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[origin] = queue.isEmpty ? nil : queue
            if poller[origin] == next.id { poller[origin] = nil }
            next.continuation.resume(returning: nil)
        }
    }

    /// Returns a slot to the store.
    private func giveBack(_ origin: String, _ slot: Slot) async {
        held[origin, default: 1] -= 1
        try? await store.background.locked { [owner = store.owner] s in
            try await s.run("UPDATE host_slots SET holder = NULL, lease_until = NULL WHERE origin = \(origin) AND slot = \(slot.number) AND holder = \(owner)")
        }
    }

    /// Gives the idle slots of `origin` back to the store as their holds end.
    private func sweep(_ origin: String) async {
        while let first = idle[origin]?.min(by: { $0.since < $1.since }) {
            let end = first.since + Self.holdLimit
            if end > .now { try? await Task.sleep(until: end, clock: .continuous) }
            let expired = (idle[origin] ?? []).filter { ContinuousClock.now - $0.since >= Self.holdLimit }
            idle[origin] = (idle[origin] ?? []).filter { ContinuousClock.now - $0.since < Self.holdLimit }
            if idle[origin]?.isEmpty == true { idle[origin] = nil }
            for slot in expired { await giveBack(origin, slot) }
        }
        sweeping.remove(origin)
    }

    /// A free (or expired) slot of `origin` taken in the store, or nil when all are held.
    private func acquire(_ origin: String) async throws -> Int? {
        let limit = self.limit, first = !prepared.contains(origin)
        prepared.insert(origin)
        return try await store.background.locked { [owner = store.owner, lease = store.leaseMilliseconds] s in
            if first {
                try await s.run("""
                    INSERT INTO host_slots(origin, slot) SELECT \(origin), generate_series(0, \(limit) - 1)
                    ON CONFLICT (origin, slot) DO NOTHING
                    """)
            }
            let rows = try await s.rows("""
                UPDATE host_slots h SET holder = \(owner), lease_until = now() + \(lease) * interval '1 millisecond'
                FROM (SELECT slot FROM host_slots WHERE origin = \(origin) AND slot < \(limit)
                      AND (holder IS NULL OR lease_until < now()) ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED) free
                WHERE h.origin = \(origin) AND h.slot = free.slot
                RETURNING h.slot
                """)
            var number: Int?
            for try await n in rows.decode(Int.self) { number = n }
            return number
        }
    }

    /// Waits for a slot handed over by a finishing request of this process, or (nil) for a
    /// slot given back to the store or, for the first waiter while this process holds fewer
    /// than `limit` slots, the next retry: one request per origin polls the store, not all.
    private func handoff(_ origin: String) async throws -> Slot? {
        nextID += 1
        let id = nextID
        let polls = poller[origin] == nil && held[origin, default: 0] < limit
        if polls { poller[origin] = id }
        let slot = await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Slot?, Never>) in
                waiters[origin, default: []].append(Waiter(id: id, continuation: c))
                guard polls else { return }
                Task { [weak self] in
                    try? await Task.sleep(for: Self.retryInterval)
                    await self?.expire(id, origin: origin)
                }
            }
        } onCancel: {
            Task { await self.expire(id, origin: origin) }
        }
        try Task.checkCancellation()
        return slot
    }

    private func expire(_ id: UInt64, origin: String) {
        guard var queue = waiters[origin], let index = queue.firstIndex(where: { $0.id == id }) else { return }
        let waiter = queue.remove(at: index)
        waiters[origin] = queue.isEmpty ? nil : queue
        if poller[origin] == id { poller[origin] = nil }
        waiter.continuation.resume(returning: nil)
    }

    /// Waits until this process holds `origin`'s pace row, at least the delay after the last
    /// request to it was answered (``paced(_:)``), whichever process sent it.
    private func awaitStart(_ origin: String) async throws {
        while true {
            // Taken in one statement; otherwise how long until the next start is allowed.
            let (granted, wait) = try await store.background.locked { [owner = store.owner, lease = store.leaseMilliseconds] s in
                let rows = try await s.rows("""
                    WITH granted AS (
                        INSERT INTO host_pace(origin, next_at, holder, lease_until)
                            VALUES (\(origin), clock_timestamp(), \(owner), now() + \(lease) * interval '1 millisecond')
                        ON CONFLICT (origin) DO UPDATE SET holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until
                            WHERE host_pace.next_at <= clock_timestamp() AND (host_pace.holder IS NULL OR host_pace.lease_until < now())
                        RETURNING 1)
                    SELECT EXISTS (SELECT 1 FROM granted),
                           coalesce((SELECT extract(epoch FROM next_at - clock_timestamp()) FROM host_pace WHERE origin = \(origin)), 0)::float8
                    """)
                var out = (false, 0.0)
                for try await row in rows.decode((Bool, Double).self) { out = row }
                return out
            }
            if granted { return }
            // Held by a request in flight: asked again at the retry interval.
            try await Task.sleep(for: wait > 0 ? .milliseconds(Int((wait * 1000).rounded(.up))) : Self.retryInterval)
        }
    }

    /// A request to `origin` was answered: the next may start the delay from now (with a delay only).
    func paced(_ origin: String) async {
        let ms = Int(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)
        try? await store.background.locked { [owner = store.owner] s in
            try await s.run("""
                UPDATE host_pace SET holder = NULL, lease_until = NULL, next_at = clock_timestamp() + \(ms) * interval '1 millisecond'
                WHERE origin = \(origin) AND holder = \(owner)
                """)
        }
    }
}
