public import CrawlModel

/// A crawl store that several processes crawl from at once, on one machine or many
/// (PostgreSQL): each claims work under a lease, so a process killed with work claimed loses
/// nothing (its leases expire and another process takes the work).
///
/// What changes for the crawl loop: a process that runs out of claimed work is not done
/// while others still hold some (they may find more), so it waits ``pollInterval`` and asks
/// again, and it picks up robots.txt answers other processes recorded. It is done when
/// ``CrawlStore/pendingCount()`` is 0: nothing queued, claimed or parked, in the whole crawl.
public protocol SharedCrawlStore: CrawlStore {
    /// Entries claimed at a time: small, so that the work spreads over the processes.
    var claimWindow: Int { get }
    /// How long a process with nothing to do waits before it asks the store again.
    var pollInterval: Duration { get }

    /// Records `reason` as the crawl's stop reason while a process joins it, unless nothing
    /// is left to do: a process that joins a crawl just finished must not mark it unfinished.
    func markUnfinished(_ reason: StopReason) async throws
}
