public import Audit
public import CrawlModel

extension JSONReport {
    /// `pages[].browser` (only with `crawl --browser`): Chromium's bytes for the page's first
    /// and repeat visit, every request of both, and the URLs only one side found.
    public struct BrowserPage: Codable, Sendable {
        var firstVisitBytes: Int
        var repeatVisitBytes: Int?
        var requests: [Request]
        var repeatRequests: [Request]
        var onlyBrowser: [String]
        var onlyStatic: [String]
        /// Why the first visit did not finish (timeout, navigation error), null when it did.
        var incomplete: String?
        var repeatIncomplete: String?

        init(_ visit: BrowserVisit, comparison: BrowserComparison) {
            firstVisitBytes = comparison.firstVisitBytes
            repeatVisitBytes = comparison.repeatVisitBytes
            requests = Self.sorted(visit.firstVisit.requests)
            repeatRequests = Self.sorted(visit.repeatVisit?.requests ?? [])
            onlyBrowser = comparison.onlyBrowser
            onlyStatic = comparison.onlyStatic
            incomplete = visit.firstVisit.incomplete
            repeatIncomplete = visit.repeatVisit == nil ? "not visited again" : visit.repeatVisit?.incomplete
        }

        /// In URL order: the order requests start in varies from run to run.
        static func sorted(_ requests: [BrowserRequest]) -> [Request] {
            requests.map(Request.init).sorted { ($0.url, $0.resourceType, $0.wireBytes) < ($1.url, $1.resourceType, $1.wireBytes) }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(firstVisitBytes, forKey: .firstVisitBytes)
            try c.encode(repeatVisitBytes, forKey: .repeatVisitBytes)
            try c.encode(requests, forKey: .requests)
            try c.encode(repeatRequests, forKey: .repeatRequests)
            try c.encode(onlyBrowser, forKey: .onlyBrowser)
            try c.encode(onlyStatic, forKey: .onlyStatic)
            try c.encode(incomplete, forKey: .incomplete)
            try c.encode(repeatIncomplete, forKey: .repeatIncomplete)
        }
        enum CodingKeys: String, CodingKey {
            case firstVisitBytes, repeatVisitBytes, requests, repeatRequests, onlyBrowser, onlyStatic, incomplete, repeatIncomplete
        }

        /// One request Chromium made; `cache` is `memory`, `disk`, `prefetch`, `serviceWorker` or null (the network).
        struct Request: Codable, Sendable {
            var url: String
            var method: String
            var resourceType: String
            var initiator: String
            var initiatorURL: String?
            var status: Int?
            var wireBytes: Int
            var cache: String?
            var redirectedTo: String?
            var error: String?

            init(_ r: BrowserRequest) {
                url = r.url
                method = r.method
                resourceType = r.resourceType
                initiator = r.initiator
                initiatorURL = r.initiatorURL
                status = r.status
                wireBytes = r.wireBytes
                cache = r.cache?.rawValue
                redirectedTo = r.redirectedTo
                error = r.error
            }

            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(url, forKey: .url)
                try c.encode(method, forKey: .method)
                try c.encode(resourceType, forKey: .resourceType)
                try c.encode(initiator, forKey: .initiator)
                try c.encode(initiatorURL, forKey: .initiatorURL)
                try c.encode(status, forKey: .status)
                try c.encode(wireBytes, forKey: .wireBytes)
                try c.encode(cache, forKey: .cache)
                try c.encode(redirectedTo, forKey: .redirectedTo)
                try c.encode(error, forKey: .error)
            }
            enum CodingKeys: String, CodingKey {
                case url, method, resourceType, initiator, initiatorURL, status, wireBytes, cache, redirectedTo, error
            }
        }
    }

    /// Sets `browser` on the pages Chromium visited.
    static func attachBrowser(_ visits: [BrowserVisit], to pages: inout [Page], result: CrawlResult) {
        let byURL = Dictionary(visits.map { ($0.url, $0) }, uniquingKeysWith: { a, _ in a })
        let crawled = Dictionary(result.pages.map { ($0.url, $0) }, uniquingKeysWith: { a, _ in a })
        for i in pages.indices {
            guard let visit = byURL[pages[i].url] else { continue }
            pages[i].browser = BrowserPage(visit, comparison: BrowserComparison(visit, result: result, page: crawled[pages[i].url]))
        }
    }
}
