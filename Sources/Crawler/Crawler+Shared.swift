internal import CrawlModel
internal import CrawlStore
internal import Foundation

/// The crawl loop's part for a ``SharedCrawlStore``: several processes crawl one frontier.
extension Crawler {
    /// With nothing claimed and nothing in flight: commits what is waiting, takes robots.txt
    /// answers other processes recorded and the pages parked for them, and claims more work,
    /// asking again every `pollInterval` while other processes still hold some (they may find
    /// more, or die and leave it). False when nothing is queued, claimed or parked anywhere:
    /// the crawl as a whole is done. Cancellation (Ctrl-C) ends the wait with `CancellationError`.
    func awaitSharedWork(_ store: any SharedCrawlStore, state: inout CrawlState) async throws -> Bool {
        while true {
            var rules: [String: RobotsRules] = [:]
            for record in try await store.robots() where state.robots[record.origin] == nil {
                rules[record.origin] = robotsRules(from: record)
            }
            state.adopt(robots: rules, parked: try await store.parked())
            try await store.commit(state.takeBatch())
            let entries = try await store.claim(limit: store.claimWindow)
            if !entries.isEmpty {
                state.claimed(entries, asked: store.claimWindow)
                return true
            }
            if try await store.pendingCount() == 0 { return false }
            try await Task.sleep(for: store.pollInterval)
        }
    }

    /// The rules of a stored robots.txt answer (recorded by this process or another).
    func robotsRules(from record: RobotsRecord) -> RobotsRules? {
        guard let url = URL(string: record.origin + "/robots.txt") else { return nil }
        let job = Job(url: url, kind: .other, depth: nil, purpose: .robots)
        return robotsRules(from: Outcome(job: job, resource: record.resource, references: nil, isHTML: false, body: record.body))
    }
}
