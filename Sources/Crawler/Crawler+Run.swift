public import CrawlModel
public import CrawlStore
public import Foundation

/// What ended the crawl loop early.
enum StopCause { case interrupted, maxTime }

extension Crawler {
    /// Results waiting in memory before they are committed, at most: what a kill can lose
    /// besides the fetches in flight. Each commit rewrites the index pages it touches, so 64
    /// results a transaction wrote about four times the store's size to the WAL; 256 write
    /// less than half of that. A shared store keeps 64: another process takes over what a
    /// killed worker had not committed, and fetches it again.
    static let batchOutcomes = 256
    static let sharedBatchOutcomes = 64
    static let batchInterval: Duration = .milliseconds(200)

    /// Crawls into a temporary store and returns everything it holds as one value: for tests
    /// and small crawls (the store is deleted when it returns).
    ///
    /// A store that fails (disk full) ends the crawl with what was stored and a `stopReason`
    /// that says so.
    public func run(progressInterval: Duration = .milliseconds(250),
                    progress: (@Sendable (CrawlProgress) -> Void)? = nil) async -> CrawlResult {
        let starts = configuration.startURLs.map(\.absoluteString)
        let store: SQLiteCrawlStore
        do { store = try SQLiteCrawlStore.temporary() } catch {
            return CrawlResult(startURLs: starts, stopReason: .storeFailed("\(error)"))
        }
        defer { store.close() }
        do {
            _ = try await run(store: store, progressInterval: progressInterval, progress: progress)
            return try await store.loadResult()
        } catch {
            var result = (try? await store.loadResult()) ?? CrawlResult(startURLs: starts)
            result.stopReason = .storeFailed("\(error)")
            return result
        }
    }

    /// Crawls until the frontier is empty, a limit is reached, or the task is cancelled,
    /// writing everything to `store` as it goes. Returns why it stopped with work left, or
    /// left pages out (`--max-pages`); nil when it crawled everything it found.
    ///
    /// - Parameters:
    ///   - resume: continue the crawl in `store` (its claimed work is fetched again) instead of starting one.
    ///   - arguments: the command line to record with a new crawl, so it can be resumed with the same options.
    ///   - progress: called from the crawl loop after fetches, at most every `progressInterval`.
    /// - Throws: `StoreError` when the store fails, or holds no crawl to resume (or one with other start URLs).
    public func run(store: any CrawlStore, resume: Bool = false, arguments: [String] = [],
                    progressInterval: Duration = .milliseconds(250),
                    progress: (@Sendable (CrawlProgress) -> Void)? = nil) async throws -> StopReason? {
        let clock = ContinuousClock()
        let started = clock.now
        var state = CrawlState(configuration: configuration)
        try await open(store, resume: resume, arguments: arguments, state: &state)
        let limit = max(1, configuration.concurrency)
        let shared = store as? any SharedCrawlStore
        let windowSize = shared?.claimWindow ?? max(256, limit * 8)
        let batchOutcomes = shared == nil ? Self.batchOutcomes : Self.sharedBatchOutcomes
        var requests = 0, bytes = 0, pagesDone = 0
        var lastProgress = started
        var lastCommit = started
        var failure: (any Error)?
        /// The commit being written, if any.
        var committing: Task<Void, any Error>?

        let stop: StopCause? = await withTaskGroup(of: Event.self) { group in
            var running = 0
            var timer = false
            if let maxTime = configuration.maxTime {
                timer = true
                group.addTask {
                    do { try await Task.sleep(until: started + maxTime, clock: .continuous) } catch { return .timerCancelled }
                    return .deadline
                }
            }
            var stop: StopCause?
            while stop == nil {
                if Task.isCancelled { stop = .interrupted; break }
                do {
                    // Claim more work when the window runs low, and robots.txt and sitemaps at once
                    // (after every earlier commit, so the claim sees what they enqueued).
                    if state.urgentPending || (state.windowCount < limit && state.storeQueued > 0) {
                        try await committing?.value
                        committing = nil
                        try await store.commit(state.takeBatch())
                        lastCommit = clock.now
                        state.claimed(try await store.claim(limit: windowSize), asked: windowSize)
                    } else if state.batch.outcomes >= batchOutcomes || clock.now - lastCommit >= Self.batchInterval {
                        // Written while the loop goes on: the store encodes and writes on its own
                        // thread; commits stay in order, each after the one before.
                        let previous = committing, batch = state.takeBatch()
                        committing = Task {
                            try await previous?.value
                            try await store.commit(batch)
                        }
                        lastCommit = clock.now
                    }
                } catch {
                    failure = error
                    break
                }
                while running < limit, let job = state.nextJob() {
                    running += 1
                    group.addTask { .finished(await self.perform(job)) }
                }
                guard running > 0 else {
                    // A shared store: other processes may still find work, or die holding some.
                    guard let shared else { break }
                    do {
                        try await committing?.value
                        committing = nil
                        if try await awaitSharedWork(shared, state: &state) { continue }
                    } catch is CancellationError {
                        stop = .interrupted
                    } catch {
                        failure = error
                    }
                    break
                }
                guard let event = await group.next() else { break }
                if Task.isCancelled { stop = .interrupted; break }
                switch event {
                case .deadline:
                    stop = .maxTime
                case .timerCancelled:
                    timer = false
                case .finished(let outcome):
                    running -= 1
                    requests += outcome.requestCount
                    bytes += outcome.wireBytes
                    record(outcome, in: &state, deadline: configuration.maxTime.map { started + $0 })
                    if outcome.job.depth != nil { pagesDone += 1 }
                }
                if let progress, clock.now - lastProgress >= progressInterval {
                    lastProgress = clock.now
                    progress(CrawlProgress(pagesDone: pagesDone, queued: state.queued, inFlight: running, requests: requests,
                                           bytes: bytes, elapsed: clock.now - started))
                }
            }
            if stop == nil, failure == nil, Task.isCancelled { stop = .interrupted }
            // Ends the timer and anything still in flight; their outcomes are not recorded
            // (their frontier rows stay claimed, and a resume fetches them again).
            if timer || running > 0 { group.cancelAll() }
            return stop
        }
        if let failure { throw failure }
        try await committing?.value
        try await store.commit(state.takeBatch())
        let reason: StopReason?
        switch stop {
        case .interrupted: reason = .interrupted(pending: try await store.pendingCount())
        case .maxTime: reason = .maxTime(pending: try await store.pendingCount())
        case nil: reason = state.pagesPastLimit > 0 ? .maxPages(limit: configuration.maxPages, pagesLeft: state.pagesPastLimit) : nil
        }
        try await store.finish(stopReason: reason)
        progress?(CrawlProgress(pagesDone: pagesDone, queued: state.queued, inFlight: 0, requests: requests, bytes: bytes,
                                elapsed: clock.now - started))
        return reason
    }

    /// Starts a crawl in `store`, or picks up the one it holds.
    private func open(_ store: any CrawlStore, resume: Bool, arguments: [String], state: inout CrawlState) async throws {
        let starts = configuration.startURLs.map(\.absoluteString)
        guard resume else {
            try await store.create(StoredCrawl(startURLs: starts, arguments: arguments, stopReason: .unfinished))
            state.seed()
            return
        }
        guard let crawl = try await store.crawl() else {
            throw StoreError(.crawlState, "the store holds no crawl to resume; start one with assetcrawl crawl URL --store FILE")
        }
        guard crawl.startURLs == starts else {
            throw StoreError(.crawlState, "the store's crawl started from \(crawl.startURLs.joined(separator: " ")), not \(starts.joined(separator: " "))")
        }
        try await store.releaseClaims()
        var rules: [String: RobotsRules] = [:]
        for record in try await store.robots() { rules[record.origin] = robotsRules(from: record) }
        state.restore(crawl, hashes: try await store.seenHashes(), parked: try await store.parked(), robots: rules,
                      queued: try await store.pendingCount(), queryVariants: try await store.queryVariants())
        if let shared = store as? any SharedCrawlStore {
            try await shared.markUnfinished(.unfinished)
        } else {
            try await store.finish(stopReason: .unfinished)
        }
    }
}
