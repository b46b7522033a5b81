public import Foundation

/// How a conditional re-request was answered, named after REDbot's notes.
public enum RevalidationVerdict: String, Codable, Sendable, CaseIterable {
    /// If-None-Match answered 304: the ETag works.
    case INM_304
    /// If-None-Match answered 200 with the same body: wasted bytes.
    case INM_FULL
    /// If-None-Match answered 200 with a different body but the same ETag.
    case INM_DUP_ETAG
    /// If-None-Match answered something other than 200/304.
    case INM_STATUS
    case IMS_304
    case IMS_FULL
    case IMS_STATUS
    /// A 304 that dropped headers the 200 carried (ETag, Cache-Control, Expires, Vary, Content-Location).
    case MISSING_HDRS_304
    /// The response had no validator of that kind, so no conditional request was sent.
    case NO_VALIDATOR
    /// A 304 whose ETag or Last-Modified differs from the 200's: a cache would store a
    /// validator of another representation (a note beside INM_304/IMS_304).
    case CHANGED_VALIDATOR_304
}

/// One conditional re-request and its outcome.
public struct Probe: Codable, Sendable {
    public var exchange: Exchange
    public var verdict: RevalidationVerdict
    /// Extra verdicts (MISSING_HDRS_304, CHANGED_VALIDATOR_304) beside the main one.
    public var notes: [RevalidationVerdict]

    public init(exchange: Exchange, verdict: RevalidationVerdict, notes: [RevalidationVerdict] = []) {
        self.exchange = exchange
        self.verdict = verdict
        self.notes = notes
    }
}

/// The If-None-Match and If-Modified-Since probes of one resource.
public struct Revalidation: Codable, Sendable {
    public var ifNoneMatch: Probe?
    public var ifModifiedSince: Probe?
    public init(ifNoneMatch: Probe? = nil, ifModifiedSince: Probe? = nil) {
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
    }

    /// The probes that were sent, If-None-Match first, each with the request field it tested.
    public var sent: [(field: String, probe: Probe)] {
        var out: [(field: String, probe: Probe)] = []
        if let ifNoneMatch { out.append(("If-None-Match", ifNoneMatch)) }
        if let ifModifiedSince { out.append(("If-Modified-Since", ifModifiedSince)) }
        return out
    }

    /// The probes that were sent, If-None-Match first.
    public var probes: [Probe] { sent.map(\.probe) }

    /// The probe a browser's revalidation is decided by: a browser sends both validators and a
    /// server answers on If-None-Match when it is present (RFC 9110 §13.1.3), so If-None-Match,
    /// else If-Modified-Since; nil when neither was sent.
    public var deciding: Probe? { ifNoneMatch ?? ifModifiedSince }
}

/// Everything fetched for one URL: redirect hops, the final exchange and its probes.
public struct FetchedResource: Codable, Sendable {
    /// The URL as referenced (before redirects).
    public var url: String
    /// What the first reference said it was.
    public var kind: AssetKind
    /// Hops that answered with a redirect, in order.
    public var redirects: [Exchange]
    /// The final exchange (after redirects), or the failing hop.
    public var exchange: Exchange
    /// The If-None-Match and If-Modified-Since probes, when the resource was probed.
    public var revalidation: Revalidation? {
        get { revalidationBox?.value }
        set { revalidationBox = newValue.map(RevalidationBox.init) }
    }
    /// Boxed: two probe exchanges inline made every resource 633 bytes, most of it empty
    /// space in a crawl without revalidation, and the crawl's dictionary holds 20,000 of them.
    private var revalidationBox: RevalidationBox?
    /// Content hash of the body, used to tell INM_FULL from INM_DUP_ETAG.
    public var bodyDigest: UInt64?

    enum CodingKeys: String, CodingKey { case url, kind, redirects, exchange, revalidation, bodyDigest }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        kind = try c.decode(AssetKind.self, forKey: .kind)
        redirects = try c.decode([Exchange].self, forKey: .redirects)
        exchange = try c.decode(Exchange.self, forKey: .exchange)
        revalidationBox = try c.decodeIfPresent(Revalidation.self, forKey: .revalidation).map(RevalidationBox.init)
        bodyDigest = try c.decodeIfPresent(UInt64.self, forKey: .bodyDigest)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
        try c.encode(kind, forKey: .kind)
        try c.encode(redirects, forKey: .redirects)
        try c.encode(exchange, forKey: .exchange)
        try c.encodeIfPresent(revalidation, forKey: .revalidation)
        try c.encodeIfPresent(bodyDigest, forKey: .bodyDigest)
    }

    public init(url: String, kind: AssetKind, redirects: [Exchange] = [], exchange: Exchange,
                revalidation: Revalidation? = nil, bodyDigest: UInt64? = nil) {
        self.url = url
        self.kind = kind
        self.redirects = redirects
        self.exchange = exchange
        self.revalidationBox = revalidation.map(RevalidationBox.init)
        self.bodyDigest = bodyDigest
    }

    /// The error of the fetch, or an `http` error for a 4xx/5xx status.
    public var failure: FetchError? {
        if let error = exchange.error { return error }
        if let status = exchange.status, status >= 400 { return FetchError(.http, "HTTP \(status)") }
        return nil
    }

    /// Wire bytes of every hop including the final one.
    public var wireBytes: Int { redirects.reduce(exchange.wireBytes) { $0 + $1.wireBytes } }
}

/// Immutable heap storage for a resource's probes.
final class RevalidationBox: Sendable {
    let value: Revalidation
    init(_ value: Revalidation) { self.value = value }
}

/// A crawled page: its own fetch, and every reference found in it.
public struct PageResult: Codable, Sendable {
    public var url: String
    public var depth: Int
    /// Every reference found, in document order (HTML first, then CSS reached from it is not here).
    public var references: [Reference]
    /// The page's element tree, for the browser model's selector matching (nil when the
    /// page was not parsed, or in results written before it existed).
    public var outline: DocumentOutline?

    public init(url: String, depth: Int, references: [Reference], outline: DocumentOutline? = nil) {
        self.url = url
        self.depth = depth
        self.references = references
        self.outline = outline
    }
}

/// What a crawl produced: pages, the references of every fetched stylesheet and manifest,
/// and one `FetchedResource` per unique URL.
public struct CrawlResult: Codable, Sendable {
    public var startURLs: [String]
    public var pages: [PageResult]
    /// References found inside fetched sub-resources (CSS, manifests), keyed by their URL.
    public var subresourceReferences: [String: [Reference]]
    /// Keyed by the referenced URL.
    public var resources: [String: FetchedResource]
    /// True when the crawl stopped early (limit, interrupt); `stopReason` says why.
    public var stopReason: StopReason?
    /// URLs the crawl chose not to fetch (robots.txt, --exclude, --max-depth, --max-pages), with the reason.
    public var skipped: [String: SkipReason]?
    /// The viewport the browser model assumes (`1280x800@1`, from `--viewport`); nil means that default.
    public var viewport: String?

    public init(startURLs: [String], pages: [PageResult] = [], subresourceReferences: [String: [Reference]] = [:],
                resources: [String: FetchedResource] = [:], stopReason: StopReason? = nil) {
        self.startURLs = startURLs
        self.pages = pages
        self.subresourceReferences = subresourceReferences
        self.resources = resources
        self.stopReason = stopReason
    }

    /// The requisite URLs of a page: its own fetchable requisites, plus, transitively, what
    /// its stylesheets and manifests reference (CSS `@import`, `url()`, manifest icons).
    public func requisites(of page: PageResult) -> [String] {
        var seen = Set<String>()
        var order: [String] = []
        var stack = page.references.filter(\.isFetchableRequisite).compactMap(\.url).reversed() as [String]
        while let url = stack.popLast() {
            guard seen.insert(url).inserted else { continue }
            order.append(url)
            // Only the final URL: mapping the whole resource out of the dictionary copied it.
            let target = resources[url]?.exchange.url ?? url
            for ref in (subresourceReferences[target] ?? []).reversed() where ref.isFetchableRequisite {
                if let u = ref.url, !seen.contains(u) { stack.append(u) }
            }
        }
        return order
    }

    /// The URL a resource ended at after redirects.
    public func finalURL(of resource: FetchedResource) -> String { resource.exchange.url }
}
