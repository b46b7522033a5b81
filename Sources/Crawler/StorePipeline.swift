internal import CrawlModel
internal import CrawlStore
internal import Synchronization

/// The crawl loop's link to its store, so that the loop never waits on the store while it has
/// claimed work left: batches are committed in order while the loop goes on (each commit after
/// the one before, on the store's own thread), and the next window of work is claimed *ahead*,
/// after the commits before it, while the loop fetches what is left of the current one.
///
/// Owned by the crawl loop (a plain value, no lock); only a claim's "finished" flag is shared
/// with the task that runs it.
struct StorePipeline {
    let store: any CrawlStore
    /// Entries asked for by each claim.
    let window: Int
    /// The commit written last (later ones wait for it), if any.
    private var committing: Task<Void, any Error>?
    private var claiming: Claim?

    /// A claim under way: its entries, whether it has finished, and ``CrawlState/queuedTotal``
    /// when it was asked for (what was enqueued after it may not be in the store yet).
    final class Claim: Sendable {
        let task: Task<[FrontierEntry], any Error>
        let queuedTotal: Int
        private let flag: Flag

        final class Flag: Sendable { let done = Atomic<Bool>(false) }

        init(queuedTotal: Int, _ body: @escaping @Sendable () async throws -> [FrontierEntry]) {
            self.queuedTotal = queuedTotal
            let flag = Flag()
            self.flag = flag
            task = Task {
                defer { flag.done.store(true, ordering: .releasing) }
                return try await body()
            }
        }

        var finished: Bool { flag.done.load(ordering: .acquiring) }
    }

    init(store: any CrawlStore, window: Int) {
        self.store = store
        self.window = window
    }

    /// A claim is under way.
    var isClaiming: Bool { claiming != nil }

    /// Commits `batch` after every earlier commit, without waiting for it.
    mutating func commit(_ batch: StoreBatch) {
        guard !batch.isEmpty else { return }
        let previous = committing, store = self.store
        committing = Task {
            try await previous?.value
            try await store.commit(batch)
        }
    }

    /// Commits `batch`, if any, then claims the next window after every commit so far (so the
    /// claim sees what they enqueued), without waiting for either. `queuedTotal`: ``CrawlState/queuedTotal`` now.
    mutating func claim(after batch: StoreBatch?, queuedTotal: Int) {
        if let batch { commit(batch) }
        let commit = committing, store = self.store, limit = window
        claiming = Claim(queuedTotal: queuedTotal) {
            try await commit?.value
            return try await store.claim(limit: limit)
        }
    }

    /// The claim under way once it has finished, or at once when `wait`; nil when none is under
    /// way, or it has not finished and `wait` is false. Throws what the claim (or a commit
    /// before it) threw.
    mutating func finishedClaim(wait: Bool) async throws -> (entries: [FrontierEntry], queuedTotal: Int)? {
        guard let claim = claiming, wait || claim.finished else { return nil }
        claiming = nil
        return (try await claim.task.value, claim.queuedTotal)
    }

    /// Waits for every commit and for a claim under way (its entries stay claimed in the store,
    /// as those of fetches in flight do: a resume fetches them, a shared store's lease expires).
    mutating func settle() async throws {
        if let claim = claiming {
            claiming = nil
            _ = try? await claim.task.value
        }
        try await committing?.value
        committing = nil
    }
}
