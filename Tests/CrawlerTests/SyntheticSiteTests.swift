import AsyncHTTPClient
import Crawler
import CrawlModel
import Fetching
import FixtureServer
import Foundation
import Testing

@Suite("Synthetic site")
struct SyntheticSiteTests {
    @Test("a crawl of the synthetic site finds every page and URL once, and every probe gets a 304")
    func crawlSynthetic() async throws {
        let site = SyntheticSite(pages: 50)
        try await SyntheticServer.withServer(site) { base, server in
            let result = try await crawl([base]) { $0.concurrency = 4 }
            #expect(result.pages.count == 50)
            #expect(result.resources.count == site.urlCount)
            #expect(result.resources.values.allSatisfy { $0.exchange.status == 200 })
            let verdicts = result.resources.values.flatMap { [$0.revalidation?.ifNoneMatch?.verdict, $0.revalidation?.ifModifiedSince?.verdict] }
            #expect(verdicts.allSatisfy { $0 == .INM_304 || $0 == .IMS_304 }, "\(verdicts)")
            #expect(verdicts.count == 2 * site.urlCount)
            // robots.txt (404), one GET per URL, two probes per URL: nothing fetched twice.
            #expect(server.requests == 1 + 3 * site.urlCount)
        }
    }

    @Test("the site is the same every time, and unknown paths are 404s")
    func deterministic() {
        let a = SyntheticSite(pages: 1000), b = SyntheticSite(pages: 1000)
        for path in ["/", "/p/999.html", "/css/site.css", "/img/p/7.jpg", "/js/p/0.js"] {
            #expect(a.response(for: path)?.body == b.response(for: path)?.body, "\(path)")
            #expect(a.response(for: path)?.etag == b.response(for: path)?.etag)
        }
        for path in ["/p/1000.html", "/p/0.html", "/p/01.html", "/img/p/-1.jpg", "/nope"] {
            #expect(a.response(for: path) == nil, "\(path)")
        }
    }
}
