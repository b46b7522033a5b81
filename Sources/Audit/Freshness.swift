public import CrawlModel
internal import Foundation
internal import HTTPSemantics

/// How long a browser (a private cache) may reuse a response without asking again,
/// derived from its headers as RFC 9111 §4.2 says.
///
/// ```swift
/// let f = Freshness(status: 200, headers: [HeaderField(name: "Cache-Control", value: "max-age=60")])
/// // f.seconds == 60, f.source == .maxAge
/// ```
public struct Freshness: Codable, Sendable, Hashable {
    /// Where the lifetime came from.
    public enum Source: String, Codable, Sendable, CaseIterable {
        /// `Cache-Control: max-age` (`s-maxage` is for shared caches and is ignored here).
        case maxAge = "max-age"
        /// `Expires` minus `Date`; an invalid `Expires` (e.g. `0`) means already stale.
        case expires
        /// 10% of `Date` minus `Last-Modified`, for heuristically cacheable statuses only.
        case heuristic
        /// `no-cache`: may be stored, but must be revalidated before every reuse.
        case noCache = "no-cache"
        /// `no-store`: not stored at all; every visit pays the full response.
        case noStore = "no-store"
        /// Nothing allows reuse without revalidation.
        case none
    }

    /// Remaining freshness in seconds: lifetime minus the `Age` the response already had.
    /// 0 when stale on arrival, no-cache, no-store or without any freshness information.
    public var seconds: Int
    public var source: Source
    /// `immutable` (RFC 8246): no revalidation while fresh, even on reload.
    public var immutable: Bool
    /// `must-revalidate`: a stale copy may never be reused without a successful revalidation.
    public var mustRevalidate: Bool

    public init(seconds: Int, source: Source, immutable: Bool = false, mustRevalidate: Bool = false) {
        self.seconds = seconds
        self.source = source
        self.immutable = immutable
        self.mustRevalidate = mustRevalidate
    }

    /// True when a repeat visit reuses the stored response without a request.
    public var isFresh: Bool { seconds > 0 }
    /// False for `no-store`: nothing is kept, so nothing can be revalidated.
    public var isStored: Bool { source != .noStore }

    /// Statuses a cache may give heuristic freshness (RFC 9110 §15.1 "heuristically cacheable").
    public static let heuristicallyCacheable: Set<Int> = [200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]

    /// The fraction of `Date − Last-Modified` used as heuristic lifetime (RFC 9111 §4.2.2).
    public static let heuristicFraction = 0.1

    /// Derives the freshness of a response from its status and headers.
    ///
    /// - Parameters:
    ///   - status: the response status.
    ///   - headers: the response header fields (several `Cache-Control` fields are combined).
    public init(status: Int, headers: [HeaderField]) {
        let directives = CacheControl(headers.all("Cache-Control"))
        let immutable = directives.has("immutable")
        let mustRevalidate = directives.has("must-revalidate")
        func make(_ seconds: Int, _ source: Source) -> Freshness {
            Freshness(seconds: seconds, source: source, immutable: immutable, mustRevalidate: mustRevalidate)
        }
        // The most restrictive directive wins when directives conflict (RFC 9111 §4.2.1).
        if directives.noStore { self = make(0, .noStore); return }
        // `Pragma: no-cache` only counts when there is no Cache-Control at all (RFC 9111 §5.4).
        if directives.noCache || (directives.isEmpty && headers.all("Pragma").contains { $0.lowercased().contains("no-cache") }) {
            self = make(0, .noCache)
            return
        }
        let age = headers.first("Age").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { max(0, $0) } ?? 0
        func remaining(_ lifetime: Int) -> Int { max(0, lifetime - age) }

        if directives.has("max-age") {
            // An unparsable max-age makes the response stale (RFC 9111 §4.2.1: consider it stale).
            self = make(remaining(directives.maxAge ?? 0), .maxAge)
            return
        }
        let date = headers.first("Date").flatMap(HTTPDate.parse)
        if let expires = headers.all("Expires").first {
            // An invalid Expires (e.g. `0`) means already expired (RFC 9111 §5.3).
            guard let expiresAt = HTTPDate.parse(expires), let date else { self = make(0, .expires); return }
            self = make(remaining(Int(expiresAt - date)), .expires)
            return
        }
        if Self.heuristicallyCacheable.contains(status), let date,
           let lastModified = headers.first("Last-Modified").flatMap(HTTPDate.parse), lastModified < date {
            self = make(remaining(Int(Double(date - lastModified) * Self.heuristicFraction)), .heuristic)
            return
        }
        self = make(0, .none)
    }

    /// The freshness of an exchange, or `.none` when no response head arrived.
    public init(_ exchange: Exchange) {
        guard let status = exchange.status else { self.init(seconds: 0, source: .none); return }
        self.init(status: status, headers: exchange.responseHeaders)
    }
}
