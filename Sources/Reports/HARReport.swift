public import CrawlModel
public import Foundation

/// Every exchange of a crawl as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/).
///
/// One HAR page per crawled page for its first visit (the page, its redirects and every
/// requisite, as a visitor with an empty cache fetches them: a resource shared by several
/// pages appears in each), then one HAR page per crawled page for the revalidation probes
/// (If-None-Match and If-Modified-Since requests of the page and its requisites). Fetched
/// URLs that belong to no page are under a last page, `other`. Sizes are wire sizes
/// (`bodySize`, `headersSize`) and decoded sizes (`content.size`, with `compression`).
public enum HARReport {
    /// - Parameters:
    ///   - startedAt: the wall-clock instant the crawl started; exchange timings are relative to it.
    ///   - creatorVersion: written as `log.creator.version`.
    public static func render(result: CrawlResult, startedAt: Date, creatorVersion: String = "1") throws -> Data {
        var pages: [HAR.Page] = []
        var entries: [HAR.Entry] = []
        var covered = Set<String>()
        let sortedPages = result.pages.sorted { $0.url < $1.url }
        for (index, page) in sortedPages.enumerated() {
            let part = Self.part(of: page, index: index, in: result, startedAt: startedAt)
            covered.formUnion(part.urls)
            entries += part.entries
            pages += part.pages
        }
        let rest = result.resources.values.filter { !covered.contains($0.url) }.sorted { $0.url < $1.url }
        if !rest.isEmpty {
            let exchanges = rest.flatMap { $0.redirects + [$0.exchange] }
            entries += sortedEntries(exchanges.map { (ex: $0, comment: nil as String?) }, pageref: "other", startedAt: startedAt)
            pages.append(page(id: "other", title: "fetched URLs that are not requisites of a crawled page", exchanges: exchanges, startedAt: startedAt))
        }
        let har = HAR(log: HAR.Log(version: "1.2", creator: HAR.Creator(name: "assetcrawl", version: creatorVersion),
                                   pages: pages, entries: entries))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(har)
        data.append(0x0A)
        return data
    }

    /// The HAR pages and entries of one crawled page (the `index`th in URL order): its first
    /// visit, then its probes; `urls` are the resources it covers.
    static func part(of page: PageResult, index: Int, in result: CrawlResult, startedAt: Date)
        -> (entries: [HAR.Entry], pages: [HAR.Page], urls: [String]) {
        let urls = [page.url] + result.requisites(of: page).filter { $0 != page.url }
        let resources = urls.compactMap { result.resources[$0] }
        let id = "page_\(index + 1)"
        let exchanges = resources.flatMap { $0.redirects + [$0.exchange] }
        var entries = sortedEntries(exchanges.map { (ex: $0, comment: nil as String?) }, pageref: id, startedAt: startedAt)
        var pages = [Self.page(id: id, title: page.url, exchanges: exchanges, startedAt: startedAt)]
        let probeID = "revalidation_\(index + 1)"
        let probes = resources.flatMap { r in
            (r.revalidation?.sent ?? []).map { header, probe in
                (ex: probe.exchange, comment: "\(header) probe: \(([probe.verdict] + probe.notes).map(\.rawValue).joined(separator: ", "))"
                    + (probe.exchange.status == nil ? " (no status: \(probe.exchange.error?.description ?? "no response"))" : "") as String?)
            }
        }
        if !probes.isEmpty {
            entries += sortedEntries(probes, pageref: probeID, startedAt: startedAt)
            pages.append(self.page(id: probeID, title: "revalidation of \(page.url)", exchanges: probes.map(\.ex), startedAt: startedAt))
        }
        return (entries, pages, resources.map(\.url))
    }

    static func page(id: String, title: String, exchanges: [Exchange], startedAt: Date) -> HAR.Page {
        let start = exchanges.map(\.timings.startedMs).min() ?? 0
        let end = exchanges.map { $0.timings.startedMs + ($0.timings.totalMs ?? $0.timings.headMs ?? 0) }.max() ?? start
        return HAR.Page(startedDateTime: iso(startedAt, start), id: id, title: title,
                        pageTimings: HAR.PageTimings(onContentLoad: -1, onLoad: round(end - start)))
    }

    /// Entries in document order (the page, then its requisites as referenced; redirect hops
    /// before their target), not by start time, so the same crawl gives the same file.
    static func sortedEntries(_ items: [(ex: Exchange, comment: String?)], pageref: String, startedAt: Date) -> [HAR.Entry] {
        items.map { entry($0.ex, comment: $0.comment, pageref: pageref, startedAt: startedAt) }
    }

    static func entry(_ e: Exchange, comment: String?, pageref: String, startedAt: Date) -> HAR.Entry {
        let head = e.timings.headMs ?? e.timings.totalMs ?? 0
        let receive = max(0, (e.timings.totalMs ?? head) - head)
        let timings = HAR.Timings(blocked: -1, dns: -1, connect: -1, send: 0, wait: round(max(0, head)), receive: round(receive), ssl: -1)
        let query = URLComponents(string: e.url)?.queryItems?.map { HAR.NameValue(name: $0.name, value: $0.value ?? "") } ?? []
        let version = e.httpVersion ?? "HTTP/1.1"
        let decoded = e.decodedBytes ?? e.bodyBytes
        let content = HAR.Content(size: decoded, compression: e.decodedBytes.map { $0 - e.bodyBytes }, mimeType: e.contentType ?? "")
        let response = HAR.Response(
            status: e.status ?? 0, statusText: e.status.map(statusText) ?? "", httpVersion: version,
            cookies: [], headers: e.responseHeaders.map { HAR.NameValue(name: $0.name, value: $0.value) }, content: content,
            redirectURL: e.isRedirect ? (e.location ?? "") : "", headersSize: e.status == nil ? -1 : e.headerBytes,
            bodySize: e.status == nil ? -1 : e.bodyBytes, _error: e.error?.description)
        let request = HAR.Request(method: e.method, url: e.url, httpVersion: version, cookies: [],
                                  headers: e.requestHeaders.map { HAR.NameValue(name: $0.name, value: $0.value) },
                                  queryString: query, headersSize: -1, bodySize: 0)
        return HAR.Entry(pageref: pageref, startedDateTime: iso(startedAt, e.timings.startedMs),
                         time: round(timings.wait + timings.receive + timings.send), request: request, response: response,
                         cache: HAR.Cache(), timings: timings, comment: comment)
    }

    static func round(_ ms: Double) -> Double { (ms * 1000).rounded() / 1000 }

    /// A value type, made once: a formatter per entry (ICU set-up each time) was most of a large HAR's cost.
    static let isoStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)

    static func iso(_ start: Date, _ offsetMs: Double) -> String {
        start.addingTimeInterval(offsetMs / 1000).formatted(isoStyle)
    }

    static func statusText(_ status: Int) -> String {
        let texts = [200: "OK", 201: "Created", 204: "No Content", 206: "Partial Content", 301: "Moved Permanently",
                     302: "Found", 303: "See Other", 304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
                     400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
                     410: "Gone", 412: "Precondition Failed", 416: "Range Not Satisfiable", 429: "Too Many Requests",
                     500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"]
        return texts[status] ?? ""
    }
}

/// The HAR 1.2 object model (only what assetcrawl writes).
struct HAR: Encodable {
    var log: Log
    struct Log: Encodable { var version: String; var creator: Creator; var pages: [Page]; var entries: [Entry] }
    struct Creator: Encodable { var name: String; var version: String }
    struct Page: Encodable { var startedDateTime: String; var id: String; var title: String; var pageTimings: PageTimings }
    struct PageTimings: Encodable { var onContentLoad: Double; var onLoad: Double }
    struct NameValue: Encodable { var name: String; var value: String }
    struct Entry: Encodable {
        var pageref: String
        var startedDateTime: String
        var time: Double
        var request: Request
        var response: Response
        var cache: Cache
        var timings: Timings
        var comment: String?
    }
    struct Request: Encodable {
        var method: String; var url: String; var httpVersion: String; var cookies: [NameValue]; var headers: [NameValue]
        var queryString: [NameValue]; var headersSize: Int; var bodySize: Int
    }
    struct Response: Encodable {
        var status: Int; var statusText: String; var httpVersion: String; var cookies: [NameValue]; var headers: [NameValue]
        var content: Content; var redirectURL: String; var headersSize: Int; var bodySize: Int
        /// Why no response came (a HAR custom field).
        var _error: String?
    }
    struct Content: Encodable { var size: Int; var compression: Int?; var mimeType: String }
    struct Cache: Encodable {}
    struct Timings: Encodable {
        var blocked: Double; var dns: Double; var connect: Double; var send: Double; var wait: Double; var receive: Double; var ssl: Double
    }
}
