public import CrawlModel
public import Foundation
internal import HTTPSemantics

/// Retries requests answered 429 or 503, a bounded number of times, with exponential
/// backoff, honouring `Retry-After` (delta-seconds or an HTTP date) up to a cap.
///
/// ```swift
/// let fetcher = RetryingFetcher(HTTPClientFetcher(client: client), policy: .init(maxRetries: 2))
/// ```
public struct RetryingFetcher: Fetcher {
    public struct Policy: Sendable {
        /// Retries after the first attempt (0 turns retrying off).
        public var maxRetries: Int = 2
        /// The first backoff; each retry doubles it.
        public var baseDelay: Duration = .milliseconds(500)
        /// No wait is longer than this, whatever `Retry-After` asks for.
        public var maxDelay: Duration = .seconds(10)
        /// Statuses worth retrying.
        public var statuses: Set<Int> = [429, 503]
        public init(maxRetries: Int = 2, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(10)) {
            self.maxRetries = maxRetries
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
        }
    }

    let base: any Fetcher
    let policy: Policy
    let sleep: @Sendable (Duration) async -> Void
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - sleep: how to wait (tests pass a recorder); cancellation ends the wait early.
    ///   - now: the wall clock, for `Retry-After` given as an HTTP date.
    public init(_ base: any Fetcher, policy: Policy = Policy(),
                sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) },
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.base = base
        self.policy = policy
        self.sleep = sleep
        self.now = now
    }

    public func fetch(_ request: FetchRequest) async -> FetchResponse {
        var response = await base.fetch(request)
        var attempt = 0
        while attempt < policy.maxRetries, let status = response.exchange.status, policy.statuses.contains(status),
              !Task.isCancelled {
            await sleep(delay(after: response.exchange, attempt: attempt))
            if Task.isCancelled { break }
            attempt += 1
            response = await base.fetch(request)
        }
        if attempt > 0 { response.exchange.retries = attempt }
        return response
    }

    /// The wait before retry number `attempt + 1`: `Retry-After` when given, else backoff; capped.
    public func delay(after exchange: Exchange, attempt: Int) -> Duration {
        let backoff = policy.baseDelay * (1 << min(attempt, 16))
        var wait = backoff
        if let value = exchange.responseHeaders.first("Retry-After")?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Int(value), seconds >= 0 {
                wait = .seconds(seconds)
            } else if let date = HTTPDate.parse(value) {
                wait = .milliseconds(max(0, Int((Double(date) - now().timeIntervalSince1970) * 1000)))
            }
        }
        return min(wait, policy.maxDelay)
    }
}
