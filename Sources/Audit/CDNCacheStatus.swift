public import CrawlModel
internal import Foundation
internal import HTTPSemantics

/// What a CDN or cache in front of the server says it did with one exchange: a hit, a miss,
/// or nothing (no header that says). Read from, in this order:
///
/// - `CF-Cache-Status` (Cloudflare): `HIT`, `STALE`, `UPDATING`, `REVALIDATED` are hits;
///   `MISS`, `EXPIRED`, `BYPASS`, `DYNAMIC` misses.
/// - `Server-Timing` with a `cdn-cache` metric (Akamai, Fastly): `cdn-cache; desc=HIT`, or
///   the metric names `cdn-cache-hit` / `cdn-cache-miss`.
/// - `X-Cache` (Fastly, Varnish, CloudFront, Squid): the last member decides, as it is the
///   edge nearest the client (`MISS, HIT` is a hit); `Hit from cloudfront`, `RefreshHit`.
/// - `Age` greater than 0 (RFC 9111 §5.1): the response came out of a cache.
///
/// `X-Served-By` and `Via` name the caches on the way (they are recorded in ``via``) but
/// say nothing about a hit.
public struct CDNCacheStatus: Codable, Sendable, Hashable {
    public enum Outcome: String, Codable, Sendable { case hit, miss }

    /// Nil when no header says.
    public var outcome: Outcome?
    /// The header that decided (`X-Cache: HIT`), when one did.
    public var header: String?
    /// The caches named by `Via` and `X-Served-By`, as sent.
    public var via: [String]

    public init(outcome: Outcome?, header: String?, via: [String] = []) {
        self.outcome = outcome
        self.header = header
        self.via = via
    }

    /// Reads the response headers of one exchange.
    public init(_ headers: [HeaderField]) {
        via = (headers.all("Via") + headers.all("X-Served-By")).filter { !$0.isEmpty }
        outcome = nil
        header = nil
        if let value = headers.first("CF-Cache-Status") {
            let v = value.trimmingCharacters(in: .whitespaces).uppercased()
            if ["HIT", "STALE", "UPDATING", "REVALIDATED"].contains(v) { decide(.hit, "CF-Cache-Status: \(value)"); return }
            if ["MISS", "EXPIRED", "BYPASS", "DYNAMIC"].contains(v) { decide(.miss, "CF-Cache-Status: \(value)"); return }
        }
        for member in HTTPList.members(headers.all("Server-Timing")) {
            let name = member.split(separator: ";").first.map { HTTPList.trimmingOWS($0).lowercased() } ?? ""
            if name == "cdn-cache-hit" { decide(.hit, "Server-Timing: \(member)"); return }
            if name == "cdn-cache-miss" { decide(.miss, "Server-Timing: \(member)"); return }
            if name == "cdn-cache" {
                let desc = HTTPList.parameters(member)["desc"]?.uppercased() ?? ""
                if desc.contains("HIT") { decide(.hit, "Server-Timing: \(member)"); return }
                if desc.contains("MISS") || desc.contains("PASS") { decide(.miss, "Server-Timing: \(member)"); return }
            }
        }
        if let last = HTTPList.members(headers.all("X-Cache")).last {
            let v = last.lowercased()
            if v.contains("hit") { decide(.hit, "X-Cache: \(headers.all("X-Cache").joined(separator: ", "))"); return }
            if v.contains("miss") || v.contains("pass") { decide(.miss, "X-Cache: \(headers.all("X-Cache").joined(separator: ", "))"); return }
        }
        if let age = headers.first("Age").flatMap({ HTTPSemantics.CacheControl.deltaSeconds($0.trimmingCharacters(in: .whitespaces)) }), age > 0 {
            decide(.hit, "Age: \(age)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(header, forKey: .header)
        try c.encode(via, forKey: .via)
    }
    enum CodingKeys: String, CodingKey { case outcome, header, via }

    private mutating func decide(_ outcome: Outcome, _ header: String) {
        self.outcome = outcome
        self.header = header
    }
}

/// Hits and misses over a set of exchanges, and their ratio.
public struct CDNHitRatio: Codable, Sendable, Hashable {
    public var hits: Int
    public var misses: Int
    /// Exchanges no header said anything about.
    public var unknown: Int

    public init(hits: Int = 0, misses: Int = 0, unknown: Int = 0) {
        self.hits = hits
        self.misses = misses
        self.unknown = unknown
    }

    /// hits / (hits + misses); nil when no exchange said.
    public var ratio: Double? { hits + misses == 0 ? nil : Double(hits) / Double(hits + misses) }

    public mutating func merge(_ other: CDNHitRatio) {
        hits += other.hits
        misses += other.misses
        unknown += other.unknown
    }

    public mutating func add(_ status: CDNCacheStatus) {
        switch status.outcome {
        case .hit?: hits += 1
        case .miss?: misses += 1
        case nil: unknown += 1
        }
    }

    /// Every exchange of these resources: the fetch and then its revalidation probes, so a
    /// miss followed by hits shows the cache warming up.
    public static func of(_ resources: some Sequence<FetchedResource>) -> CDNHitRatio {
        var total = CDNHitRatio()
        for r in resources { total.merge(of(r, final: CDNCacheStatus(r.exchange.responseHeaders))) }
        return total
    }

    /// ``of(_:)`` of one resource whose final exchange's status is known already (the JSON report has it).
    public static func of(_ resource: FetchedResource, final: CDNCacheStatus) -> CDNHitRatio {
        var total = CDNHitRatio()
        total.add(final)
        for probe in resource.revalidation?.probes ?? [] { total.add(CDNCacheStatus(probe.exchange.responseHeaders)) }
        return total
    }

    /// A page and its requisites, each URL once.
    public static func ofPage(_ page: PageResult, in result: CrawlResult) -> CDNHitRatio {
        var seen: Set<String> = []
        let urls = ([page.url] + result.requisites(of: page)).filter { seen.insert($0).inserted }
        return of(urls.compactMap { result.resources[$0] })
    }
}
