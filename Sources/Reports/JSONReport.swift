public import Audit
public import CrawlModel
public import Foundation

/// The JSON report: versioned, sorted keys, stable order. This is the report's one Codable
/// model: `crawl --json` writes it, `diff` and `--baseline` read it back (``decode(_:)``).
///
/// Field names are a contract (`version`, `startURL`, `pages[].url/status/requisites`,
/// `resources[].url/status/contentType/bodyBytes/etag/lastModified/revalidation`); new
/// fields are added, never renamed. Optional values are written as `null`, not omitted.
public struct JSONReport: Codable, Sendable {
    public static let formatVersion = 1

    public var version = JSONReport.formatVersion
    public var startURL: String
    public var startURLs: [String]
    public var stopReason: String?
    public var pages: [Page]
    public var resources: [Resource]
    /// Budget and baseline checks, when a budget or baseline was given.
    public var checks: BudgetOutcome?
    /// The comparison with `--baseline`, when given.
    public var baseline: BaselineDiff?
    /// A visitor who walks every page once, each URL paid once.
    public var site: Site
    /// URLs the crawl chose not to fetch, with the reason (robots.txt, --exclude, …).
    public var skipped: [String: String]
    /// The viewport the browser model assumed for the headline figures (`1280x800@1`).
    public var viewport: String

    /// Site-wide bandwidth: every URL any page needs, paid once.
    public struct Site: Codable, Sendable {
        init(_ walk: SiteBandwidth) {
            pages = walk.pages
            urls = walk.urls
            firstVisitBytes = walk.firstVisitBytes
            firstVisitBytesAllCandidates = walk.firstVisitBytesAllCandidates
            repeatVisitBytes = walk.repeatVisitBytes
            expiredVisitBytes = walk.expiredVisitBytes
            firstVisitBytesByKind = JSONReport.byKind(walk.bytesByKind)
        }
        var pages: Int
        var urls: Int
        var firstVisitBytes: Int
        var firstVisitBytesAllCandidates: Int
        var repeatVisitBytes: Int
        var expiredVisitBytes: Int
        var firstVisitBytesByKind: [String: Int]
        /// CDN hits and misses over every exchange of the crawl (``CDNHitRatio``).
        var cdnHits = CDNHits(CDNHitRatio())
    }

    /// ``CDNHitRatio`` with its ratio spelled out (null when no exchange said).
    public struct CDNHits: Codable, Sendable {
        var hits: Int
        var misses: Int
        var unknown: Int
        var ratio: Double?
        init(_ r: CDNHitRatio) {
            hits = r.hits
            misses = r.misses
            unknown = r.unknown
            ratio = r.ratio.map { ($0 * 1000).rounded() / 1000 }
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(hits, forKey: .hits)
            try c.encode(misses, forKey: .misses)
            try c.encode(unknown, forKey: .unknown)
            try c.encode(ratio, forKey: .ratio)
        }
        enum CodingKeys: String, CodingKey { case hits, misses, unknown, ratio }
    }

    /// A requisite the browser model leaves out of a page's headline, and why.
    public struct NotChosen: Codable, Sendable {
        var url: String
        var notChosen: String
    }

    public struct Page: Codable, Sendable {
        var url: String
        var status: Int?
        var depth: Int
        var requisites: [String]
        var firstVisitBytes: Int
        var firstVisitBytesAllCandidates: Int
        var notChosen: [NotChosen]
        var repeatVisitBytes: Int
        var expiredVisitBytes: Int
        var broken: [BrokenReference]
        var references: [Reference]
        var requests: Int
        var firstVisitBytesByKind: [String: Int]
        var revalidationVisitBytes: Int
        var revalidationBytesByKind: [String: Int]
        var cdnHits: CDNHits
        /// What Chromium fetched for the page; only with `crawl --browser` (see JSONReport+Browser.swift).
        var browser: BrowserPage? = nil

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(url, forKey: .url)
            try c.encode(status, forKey: .status)
            try c.encode(depth, forKey: .depth)
            try c.encode(requisites, forKey: .requisites)
            try c.encode(firstVisitBytes, forKey: .firstVisitBytes)
            try c.encode(firstVisitBytesAllCandidates, forKey: .firstVisitBytesAllCandidates)
            try c.encode(notChosen, forKey: .notChosen)
            try c.encode(repeatVisitBytes, forKey: .repeatVisitBytes)
            try c.encode(expiredVisitBytes, forKey: .expiredVisitBytes)
            try c.encode(broken, forKey: .broken)
            try c.encode(references, forKey: .references)
            try c.encode(requests, forKey: .requests)
            try c.encode(firstVisitBytesByKind, forKey: .firstVisitBytesByKind)
            try c.encode(revalidationVisitBytes, forKey: .revalidationVisitBytes)
            try c.encode(revalidationBytesByKind, forKey: .revalidationBytesByKind)
            try c.encode(cdnHits, forKey: .cdnHits)
            try c.encodeIfPresent(browser, forKey: .browser)
        }
        enum CodingKeys: String, CodingKey {
            case url, status, depth, requisites, firstVisitBytes, firstVisitBytesAllCandidates, notChosen
            case repeatVisitBytes, expiredVisitBytes, broken, references
            case requests, firstVisitBytesByKind, revalidationVisitBytes, revalidationBytesByKind, cdnHits, browser
        }
    }

    public struct Resource: Codable, Sendable {
        var url: String
        var finalURL: String
        var kind: AssetKind
        var status: Int?
        var httpVersion: String?
        var contentType: String?
        var contentEncoding: String?
        var headerBytes: Int
        var bodyBytes: Int
        var decodedBytes: Int?
        var etag: String?
        var lastModified: String?
        var cacheControl: String?
        var freshness: Freshness
        /// The shared cache's (a CDN's) reading of the response, with its problems.
        var sharedCache: SharedCacheFreshness
        /// What a CDN in front of the server said it did with the fetch (hit, miss or nothing).
        var cdn: CDNCacheStatus
        var retries: Int
        var redirects: [Hop]
        var revalidation: Revalidation
        var error: String?
        var errorCode: String?
        var wireBytes: Int
        /// Only with `includeTimings`: the one non-deterministic part of the report.
        var timingsMs: TimingsMs?

        /// Milliseconds since the crawl started, of the final exchange.
        struct TimingsMs: Codable, Sendable {
            var started: Double
            var head: Double?
            var total: Double?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(started, forKey: .started)
                try c.encode(head, forKey: .head)
                try c.encode(total, forKey: .total)
            }
            enum CodingKeys: String, CodingKey { case started, head, total }
        }

        struct Hop: Codable, Sendable {
            var url: String
            var status: Int?
            var location: String?
            var wireBytes: Int
        }

        struct Revalidation: Codable, Sendable {
            var ifNoneMatch: Int?
            var ifModifiedSince: Int?
            var ifNoneMatchVerdict: String
            var ifModifiedSinceVerdict: String
            var notes: [String]
            /// Why a probe sent has no status (its error), present only then.
            var ifNoneMatchError: String? = nil
            var ifModifiedSinceError: String? = nil

            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(ifNoneMatch, forKey: .ifNoneMatch)
                try c.encode(ifModifiedSince, forKey: .ifModifiedSince)
                try c.encode(ifNoneMatchVerdict, forKey: .ifNoneMatchVerdict)
                try c.encode(ifModifiedSinceVerdict, forKey: .ifModifiedSinceVerdict)
                try c.encode(notes, forKey: .notes)
                try c.encodeIfPresent(ifNoneMatchError, forKey: .ifNoneMatchError)
                try c.encodeIfPresent(ifModifiedSinceError, forKey: .ifModifiedSinceError)
            }
            enum CodingKeys: String, CodingKey {
                case ifNoneMatch, ifModifiedSince, ifNoneMatchVerdict, ifModifiedSinceVerdict, notes, ifNoneMatchError, ifModifiedSinceError
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(url, forKey: .url)
            try c.encode(finalURL, forKey: .finalURL)
            try c.encode(kind, forKey: .kind)
            try c.encode(status, forKey: .status)
            try c.encode(httpVersion, forKey: .httpVersion)
            try c.encode(contentType, forKey: .contentType)
            try c.encode(contentEncoding, forKey: .contentEncoding)
            try c.encode(headerBytes, forKey: .headerBytes)
            try c.encode(bodyBytes, forKey: .bodyBytes)
            try c.encode(decodedBytes, forKey: .decodedBytes)
            try c.encode(etag, forKey: .etag)
            try c.encode(lastModified, forKey: .lastModified)
            try c.encode(cacheControl, forKey: .cacheControl)
            try c.encode(freshness, forKey: .freshness)
            try c.encode(sharedCache, forKey: .sharedCache)
            try c.encode(cdn, forKey: .cdn)
            try c.encode(retries, forKey: .retries)
            try c.encode(redirects, forKey: .redirects)
            try c.encode(revalidation, forKey: .revalidation)
            try c.encode(error, forKey: .error)
            try c.encode(errorCode, forKey: .errorCode)
            try c.encode(wireBytes, forKey: .wireBytes)
            try c.encodeIfPresent(timingsMs, forKey: .timingsMs)
        }
        enum CodingKeys: String, CodingKey {
            case url, finalURL, kind, status, httpVersion, contentType, contentEncoding, headerBytes, bodyBytes, decodedBytes
            case etag, lastModified, cacheControl, freshness, sharedCache, cdn, retries, redirects, revalidation, error, errorCode, wireBytes, timingsMs
        }
    }

    /// Builds the report.
    ///
    /// - Parameters:
    ///   - checks: the budget (and baseline) outcome, written as `checks` when given.
    ///   - baseline: the comparison with a baseline report, written as `baseline` when given.
    ///   - includeTimings: add `resources[].timingsMs`; without it the same crawl gives byte-identical output.
    ///   - bandwidth: `Bandwidth.analyse(result)` when the caller has it already.
    ///   - browser: what Chromium fetched per page (`crawl --browser`), written as `pages[].browser`.
    public init(result: CrawlResult, audits: [PageAudit], checks: BudgetOutcome? = nil, baseline: BaselineDiff? = nil,
                includeTimings: Bool = false,
                bandwidth precomputed: (pages: [String: PageBandwidth], site: SiteBandwidth)? = nil,
                browser visits: [BrowserVisit]? = nil) {
        startURL = result.startURLs.first ?? ""
        startURLs = result.startURLs
        stopReason = result.stopReason?.description
        self.checks = checks
        self.baseline = baseline
        let pagesByURL = Dictionary(result.pages.map { ($0.url, $0) }, uniquingKeysWith: { a, _ in a })
        let (bandwidth, walk) = precomputed ?? Bandwidth.analyse(result)
        pages = audits.map { audit in
            let page = pagesByURL[audit.url]
            return Self.page(audit: audit, page: page, bandwidth: bandwidth[audit.url],
                             cdnHits: page.map { CDNHitRatio.ofPage($0, in: result) } ?? CDNHitRatio())
        }
        if let visits { Self.attachBrowser(visits, to: &pages, result: result) }
        site = Site(walk)
        site.cdnHits = CDNHits(CDNHitRatio.of(result.resources.values))
        skipped = (result.skipped ?? [:]).mapValues(\.description)
        viewport = BrowserModel.viewport(of: result).description
        let origins = Self.origins(result.startURLs)
        resources = result.resources.values.sorted { $0.url < $1.url }.map { Self.resource($0, origins: origins, includeTimings: includeTimings) }
    }

    /// A report with no pages or resources yet: the frame ``stream(_:to:checks:baseline:includeTimings:)`` fills.
    init(records: any CrawlRecords, checks: BudgetOutcome?, baseline: BaselineDiff?, site: SiteBandwidth, skipped: [String: String]) {
        startURL = records.startURLs.first ?? ""
        startURLs = records.startURLs
        stopReason = records.stopReason?.description
        self.checks = checks
        self.baseline = baseline
        pages = []
        resources = []
        self.site = Site(site)
        self.skipped = skipped
        viewport = BrowserModel.viewport(of: records).description
    }

    /// `revalidationVisitBytes` is the page's `expiredVisitBytes` under its older name: both are
    /// what a visit costs when every cached response must be revalidated (one rule, ``Bandwidth/cost(of:)``).
    static func page(audit: PageAudit, page: PageResult?, bandwidth b: PageBandwidth?, cdnHits: CDNHitRatio) -> Page {
        Page(url: audit.url, status: audit.status, depth: page?.depth ?? 0, requisites: audit.requisites,
             firstVisitBytes: b?.firstVisitBytes ?? audit.firstVisitBytes,
             firstVisitBytesAllCandidates: b?.firstVisitBytesAllCandidates ?? audit.firstVisitBytesAllCandidates,
             notChosen: audit.notChosen.sorted { $0.key < $1.key }.map { NotChosen(url: $0.key, notChosen: $0.value) },
             repeatVisitBytes: b?.repeatVisitBytes ?? 0,
             expiredVisitBytes: b?.expiredVisitBytes ?? 0, broken: audit.broken,
             references: page?.references ?? [], requests: b?.requests ?? 0,
             firstVisitBytesByKind: Self.byKind(b?.bytesByKind ?? [:]),
             revalidationVisitBytes: b?.expiredVisitBytes ?? 0,
             revalidationBytesByKind: Self.byKind(b?.expiredBytesByKind ?? [:]), cdnHits: CDNHits(cdnHits))
    }

    /// The crawl's own origins, for ``SharedCacheFreshness``'s cross-origin font check.
    static func origins(_ startURLs: [String]) -> Set<String> { SharedCacheFreshness.siteOrigins(startURLs) }

    static func resource(_ r: FetchedResource, origins: Set<String>, includeTimings: Bool) -> Resource {
        let e = r.exchange
        let inm = r.revalidation?.ifNoneMatch
        let ims = r.revalidation?.ifModifiedSince
        let probed = r.revalidation != nil
        let failure = r.failure
        return Resource(
            url: r.url, finalURL: e.url, kind: r.kind, status: e.status, httpVersion: e.httpVersion, contentType: e.contentType,
            contentEncoding: e.responseHeaders.first("Content-Encoding"), headerBytes: e.headerBytes, bodyBytes: e.bodyBytes,
            decodedBytes: e.decodedBytes, etag: e.etag, lastModified: e.lastModified,
            cacheControl: e.responseHeaders.first("Cache-Control"), freshness: Freshness(e),
            sharedCache: SharedCacheFreshness(r, siteOrigins: origins), cdn: CDNCacheStatus(e.responseHeaders), retries: e.retries ?? 0,
            redirects: r.redirects.map { Resource.Hop(url: $0.url, status: $0.status, location: $0.location, wireBytes: $0.wireBytes) },
            revalidation: Resource.Revalidation(
                ifNoneMatch: inm?.exchange.status, ifModifiedSince: ims?.exchange.status,
                ifNoneMatchVerdict: inm?.verdict.rawValue ?? (probed ? RevalidationVerdict.NO_VALIDATOR.rawValue : "NOT_PROBED"),
                ifModifiedSinceVerdict: ims?.verdict.rawValue ?? (probed ? RevalidationVerdict.NO_VALIDATOR.rawValue : "NOT_PROBED"),
                notes: Array(Set((inm?.notes ?? []) + (ims?.notes ?? [])).map(\.rawValue)).sorted(),
                ifNoneMatchError: inm.flatMap(Self.probeError), ifModifiedSinceError: ims.flatMap(Self.probeError)),
            error: failure?.message, errorCode: failure?.code.rawValue, wireBytes: r.wireBytes,
            timingsMs: includeTimings ? Resource.TimingsMs(started: e.timings.startedMs, head: e.timings.headMs, total: e.timings.totalMs) : nil)
    }

    /// Why a probe has no status: its error (a transport failure, a malformed answer, not sent).
    static func probeError(_ probe: Probe) -> String? {
        probe.exchange.status == nil ? probe.exchange.error?.description ?? "no response" : nil
    }

    static func byKind(_ bytes: [AssetKind: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: bytes.map { ($0.key.rawValue, $0.value) })
    }

    /// Pretty-printed, sorted-key UTF-8 JSON with a trailing newline.
    public func encoded() throws -> Data {
        var data = try Self.makeEncoder().encode(self)
        data.append(0x0A)
        return data
    }

    /// Each element pretty-printed and indented as an array element of the top-level object.
    static func encodeConcurrently<Element: Encodable & Sendable>(_ elements: [Element], slices: Int) throws -> [[UInt8]] {
        let count = elements.count
        let per = (count + slices - 1) / slices
        // Each slice writes only its own indices of `results`; the first error is kept under a lock.
        nonisolated(unsafe) var results = [[UInt8]](repeating: [], count: count)
        let failure = NSLock()
        nonisolated(unsafe) var firstError: (any Error)?
        results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                let encoder = ReportJSONEncoder()
                for i in (slice * per)..<min(count, (slice + 1) * per) {
                    do { out[i] = try encoder.encode(elements[i], level: 2) } catch {
                        failure.withLock { if firstError == nil { firstError = error } }
                    }
                }
            }
        }
        if let firstError { throw firstError }
        return results
    }

    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Writes exactly the bytes of ``encoded()`` to `handle` (a file the caller opened), but
    /// encodes `pages` and `resources` one element at a time and streams them out, so a
    /// 20,000-URL report needs memory for one element rather than for the whole document tree
    /// (which tripled the crawl's peak RSS).
    public func write(to handle: FileHandle) throws {
        var shell = self
        shell.pages = []
        shell.resources = []
        let encoder = Self.makeEncoder()
        let head = String(decoding: try encoder.encode(shell), as: UTF8.self)
        let empty = "[\n\n  ]"
        guard let pagesAt = head.range(of: "\n  \"pages\" : " + empty),
              let resourcesAt = head.range(of: "\n  \"resources\" : " + empty), pagesAt.upperBound <= resourcesAt.lowerBound
        else {
            try handle.write(contentsOf: encoded())
            return
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 21)
        func flush(force: Bool = false) throws {
            if force || buffer.count >= 1 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        func array<Element: Encodable & Sendable>(_ elements: [Element]) throws {
            if elements.isEmpty {
                buffer.append(contentsOf: empty.utf8)
                return
            }
            buffer.append(contentsOf: "[\n".utf8)
            // Encode a window of elements on all cores, then append them in order.
            let window = 512
            let slices = max(1, ProcessInfo.processInfo.activeProcessorCount)
            var start = 0
            while start < elements.count {
                let chunk = Array(elements[start..<min(start + window, elements.count)])
                let encoded = try Self.encodeConcurrently(chunk, slices: slices)
                for (i, element) in encoded.enumerated() {
                    if start + i > 0 { buffer.append(contentsOf: ",\n".utf8) }
                    buffer.append(contentsOf: element)
                }
                try flush()
                start += window
            }
            buffer.append(contentsOf: "\n  ]".utf8)
        }
        let pagesValue = head.index(pagesAt.upperBound, offsetBy: -empty.count)
        let resourcesValue = head.index(resourcesAt.upperBound, offsetBy: -empty.count)
        buffer.append(contentsOf: head[..<pagesValue].utf8)
        try array(pages)
        buffer.append(contentsOf: head[pagesAt.upperBound..<resourcesValue].utf8)
        try array(resources)
        buffer.append(contentsOf: head[resourcesAt.upperBound...].utf8)
        buffer.append(0x0A)
        try flush(force: true)
    }
}
