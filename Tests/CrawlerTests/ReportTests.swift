import Audit
import Crawler
import CrawlModel
import FixtureServer
import Foundation
import Reports
import TestSupport
import Testing

@Suite("Bandwidth and freshness in the reports")
struct ReportTests {
    static let css = "a { color: green }\n"

    @Test("JSON pages carry first/repeat/expired bytes and bytesByKind, resources their freshness; streaming equals encoded()")
    func json() async throws {
        let files = ["index.html": page(links: ["/two.html"], styles: ["/shared.css"], images: ["/logo.png"]),
                     "two.html": page(styles: ["/shared.css"], scripts: ["/app.js"]),
                     "shared.css": Self.css, "logo.png": "png", "app.js": "1"]
        let rules: [ServerPolicy.Rule] = [
            .init(match: "*.html", headers: ["Cache-Control": "no-cache"]),
            .init(match: "shared.css", headers: ["Cache-Control": "max-age=600"]),
            .init(match: "logo.png", headers: ["Cache-Control": "no-store"]),
            .init(match: "app.js", fault: Fault(ignoreConditionals: true)),
        ]
        try await serve(files, rules: rules) { base in
            let result = try await crawl([base])
            let report = JSONReport(result: result, audits: SiteAudit.pages(result))
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-report-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: file) }
            try writing(to: file) { try report.write(to: $0) }
            let streamed = try Data(contentsOf: file)
            #expect(streamed == (try report.encoded()))

            let json = try #require(try JSONSerialization.jsonObject(with: streamed) as? [String: Any])
            let pages = try #require(json["pages"] as? [[String: Any]])
            let home = try #require(pages.first { $0["url"] as? String == base.absoluteString })
            let r = result.resources
            let html = try #require(r[base.absoluteString]), css = try #require(r[base.appending("shared.css").absoluteString])
            let png = try #require(r[base.appending("logo.png").absoluteString])
            // The page declares no icon, so a browser asks for /favicon.ico: here a 404, paid every visit.
            let icon = try #require(r[base.appending("favicon.ico").absoluteString])
            #expect(icon.exchange.status == 404)
            #expect(home["firstVisitBytes"] as? Int == html.wireBytes + css.wireBytes + png.wireBytes + icon.wireBytes)
            // Repeat: the page revalidates (304 headers), the stylesheet is fresh (0), the no-store image is paid again.
            let html304 = try #require(html.revalidation?.ifNoneMatch?.exchange.wireBytes)
            #expect(home["repeatVisitBytes"] as? Int == html304 + 0 + png.wireBytes + icon.wireBytes)
            let css304 = try #require(css.revalidation?.ifNoneMatch?.exchange.wireBytes)
            #expect(home["expiredVisitBytes"] as? Int == html304 + css304 + png.wireBytes + icon.wireBytes)
            #expect(home["firstVisitBytesByKind"] as? [String: Int] == ["page": html.wireBytes, "stylesheet": css.wireBytes,
                                                                       "image": png.wireBytes, "icon": icon.wireBytes])

            let resources = try #require(json["resources"] as? [[String: Any]])
            func freshness(_ path: String) -> [String: Any]? {
                resources.first { $0["url"] as? String == base.appending(path).absoluteString }?["freshness"] as? [String: Any]
            }
            #expect(freshness("shared.css")?["source"] as? String == "max-age")
            #expect(freshness("shared.css")?["seconds"] as? Int == 600)
            #expect(freshness("logo.png")?["source"] as? String == "no-store")
            #expect(freshness("two.html")?["source"] as? String == "no-cache")
            let app = try #require(resources.first { $0["url"] as? String == base.appending("app.js").absoluteString })
            #expect((app["revalidation"] as? [String: Any])?["ifNoneMatchVerdict"] as? String == "INM_FULL")

            let site = try #require(json["site"] as? [String: Any])
            #expect(site["urls"] as? Int == 6)
            let total = result.resources.values.reduce(0) { $0 + $1.wireBytes }
            #expect(site["firstVisitBytes"] as? Int == total, "each URL paid once")

            let text = TextReport.render(result: result, audits: SiteAudit.pages(result))
            #expect(text.contains("repeat visit"))
            #expect(text.contains("a visitor walking all pages"))
        }
    }
}
