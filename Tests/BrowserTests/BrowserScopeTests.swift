import Audit
import Browser
import CrawlModel
import FixtureServer
import Foundation
import Testing
import TestSupport

/// What the browser pass finds that the static crawl cannot, what it leaves out, its scope
/// (`--no-external`) and a page that never settles — each on a small site of its own.
@Suite("Browser pass: scope, differences, time limits", .serialized, .requires(.chromium))
struct BrowserScopeTests {
    static let tinyPNG: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41,
        0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    @Test("a script-inserted image and fetch are only in the browser; an unchosen srcset candidate only static")
    func onlyBrowserAndOnlyStatic() async throws {
        let html = """
            <!doctype html><html><head><link rel="icon" href="/icon.png"></head><body>
            <img src="/small.png" srcset="/small.png 1x, /large.png 2x" alt="">
            <script src="/insert.js"></script></body></html>
            """
        let script = "setTimeout(function () { var i = new Image(); i.src = '/inserted.png'; document.body.appendChild(i); fetch('/data.json'); }, 0);"
        let files: [String: [UInt8]] = ["index.html": Array(html.utf8), "insert.js": Array(script.utf8), "icon.png": Self.tinyPNG,
                                        "small.png": Self.tinyPNG, "large.png": Self.tinyPNG, "inserted.png": Self.tinyPNG, "data.json": Array("{}".utf8)]
        try await withTemporarySite(files) { root in
            try await serveLogged(root) { base, _ in
                let result = try await staticCrawl(base)
                let visit = try await Browser.withBrowser(logger: quietLogger) { browser in
                    await browser.visit(base.absoluteString, options: BrowserOptions())
                }
                #expect(visit.firstVisit.incomplete == nil)
                let comparison = BrowserComparison(visit, result: result, page: result.pages.first)
                #expect(comparison.onlyBrowser == [base.absoluteString + "data.json", base.absoluteString + "inserted.png"])
                #expect(comparison.onlyStatic == [base.absoluteString + "large.png"])
                let inserted = try #require(visit.firstVisit.requests.first { $0.url.hasSuffix("/inserted.png") })
                #expect(inserted.resourceType == "Image" && inserted.status == 200)
                // Chromium names the script of a fetch(); an image a script inserts it attributes to the document.
                let fetched = try #require(visit.firstVisit.requests.first { $0.url.hasSuffix("/data.json") })
                #expect(fetched.initiator == "script" && fetched.resourceType == "Fetch")
                #expect(fetched.initiatorURL == base.absoluteString + "insert.js")
            }
        }
    }

    @Test("with allowed origins (--no-external) a requisite on another origin is blocked and recorded; without, it loads")
    func externalRequisitesBlockedOrLoaded() async throws {
        try await withTemporarySite(["x.png": Self.tinyPNG]) { otherRoot in
            try await serveLogged(otherRoot) { other, otherLog in
                let html = "<!doctype html><html><body><img src=\"\(other.absoluteString)x.png\" alt=\"\"></body></html>"
                try await withTemporarySite(["index.html": Array(html.utf8), "favicon.ico": Self.tinyPNG]) { root in
                    try await serveLogged(root) { base, _ in
                        let external = other.absoluteString + "x.png"
                        try await Browser.withBrowser(logger: quietLogger) { browser in
                            var blocked = BrowserOptions()
                            blocked.repeatVisit = false
                            blocked.allowedOrigins = [WebURL.origin(of: base)]
                            let visit = await browser.visit(base.absoluteString, options: blocked)
                            let request = try #require(visit.firstVisit.requests.first { $0.url == external })
                            #expect(request.error?.contains("BLOCKED") == true, "\(request)")
                            #expect(request.wireBytes == 0)
                            #expect(otherLog.count == 0)

                            var open = BrowserOptions()
                            open.repeatVisit = false
                            let loaded = await browser.visit(base.absoluteString, options: open)
                            let fetched = try #require(loaded.firstVisit.requests.first { $0.url == external })
                            #expect(fetched.status == 200 && fetched.error == nil && fetched.wireBytes > 0)
                            #expect(otherLog.all.map(\.target) == ["/x.png"])
                        }
                    }
                }
            }
        }
    }

    @Test("a page that never goes quiet (a request every 100 ms) is recorded with its reason, and the next page still loads")
    func pageThatNeverSettles() async throws {
        let busy = """
            <!doctype html><html><body><script>
            setInterval(function () { fetch('/ping.txt?' + Math.random()); }, 100);
            </script></body></html>
            """
        let files = ["busy.html": busy, "calm.html": "<!doctype html><html><body>calm</body></html>", "ping.txt": "pong",
                     "favicon.ico": "x"]
        try await withTemporarySite(files) { root in
            try await serveLogged(root) { base, _ in
                var options = BrowserOptions()
                options.loadTimeout = .seconds(3)
                let visits = try await Browser.withBrowser(logger: quietLogger) { browser in
                    // The calm page with the default limit: on a busy machine a load can take more than 3 s.
                    [await browser.visit(base.absoluteString + "busy.html", options: options),
                     await browser.visit(base.absoluteString + "calm.html", options: BrowserOptions())]
                }
                #expect(visits[0].firstVisit.incomplete?.hasPrefix("timeout: ") == true && visits[0].firstVisit.incomplete?.hasSuffix("after 3.0 seconds") == true, "\(visits[0].firstVisit.incomplete ?? "nil")")
                #expect(visits[0].firstVisit.requests.filter { $0.url.contains("/ping.txt") }.count >= 5)
                #expect(visits[1].firstVisit.incomplete == nil)
                #expect(visits[1].repeatVisit?.incomplete == nil)
            }
        }
    }

    @Test("tabs are isolated: a page's cold load finds nothing in the cache another page's load filled")
    func contextsAreIsolated() async throws {
        let page = "<!doctype html><html><head><link rel=\"icon\" href=\"/p.png\"></head><body><img src=\"/p.png\" alt=\"\"></body></html>"
        try await withTemporarySite(["a.html": Array(page.utf8), "b.html": Array(page.utf8), "p.png": Self.tinyPNG]) { root in
            try await serveLogged(root) { base, log in
                var options = BrowserOptions()
                options.tabs = 1
                let visits = try await Browser.withBrowser(logger: quietLogger) { browser in
                    await browser.visit([base.absoluteString + "a.html", base.absoluteString + "b.html"], options: options)
                }
                for visit in visits {
                    let image = try #require(visit.firstVisit.requests.first { $0.url.hasSuffix("/p.png") })
                    #expect(image.cache == nil && image.status == 200, "\(visit.url): \(image)")
                }
                #expect(log.all.filter { $0.target == "/p.png" && $0.status == 200 }.count >= 2)
            }
        }
    }

    /// Chromium's favicon service remembers a 404 icon for the whole session, across browser
    /// contexts; each cold load must still show the request a first-time visitor makes.
    @Test("every cold load asks for a missing /favicon.ico, not only an origin's first page")
    func missingIconOnEveryPage() async throws {
        let page = "<!doctype html><html><body>no icon declared</body></html>"
        try await withTemporarySite(["a.html": page, "b.html": page, "c.html": page]) { root in
            try await serveLogged(root) { base, log in
                var options = BrowserOptions()
                options.tabs = 1
                options.repeatVisit = false
                let pages = ["a.html", "b.html", "c.html"].map { base.absoluteString + $0 }
                let visits = try await Browser.withBrowser(logger: quietLogger) { browser in
                    await browser.visit(pages, options: options)
                }
                for visit in visits {
                    #expect(visit.firstVisit.incomplete == nil)
                    let icon = visit.firstVisit.requests.first { $0.url == base.absoluteString + "favicon.ico" }
                    #expect(icon?.status == 404 && (icon?.wireBytes ?? 0) > 0, "\(visit.url): \(visit.firstVisit.requests.map(\.url))")
                }
                #expect(log.all.filter { $0.target == "/favicon.ico" && $0.status == 404 }.count == 3)
            }
        }
    }
}
