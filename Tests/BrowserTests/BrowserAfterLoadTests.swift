@testable import Browser
import Crawler
import CrawlModel
import Fetching
import FixtureServer
import Foundation
import Testing
import TestSupport

/// What a load records after its load event, against real Chromium over real HTTP: the
/// response Chromium reports without its wire size, the web-app install check, and a page
/// whose declared icon needs no request.
@Suite("Browser pass: after the load event", .serialized, .requires(.chromium))
struct BrowserAfterLoadTests {
    /// nginx's 404 page as it sends it to Chrome (padded), gzipped: 496 bytes decoded, 150 on the wire.
    static let gzippedNotFound: [UInt8] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 237, 145, 49, 14, 2, 49, 12, 4, 191, 98, 30, 16, 5, 164, 43, 173, 52, 8, 36, 10, 104,
        120, 65, 14, 155, 75, 164, 92, 140, 124, 166, 184, 223, 19, 17, 209, 80, 83, 210, 238, 206, 78, 179, 152, 108, 46, 1,
        19, 71, 10, 104, 217, 10, 135, 97, 59, 192, 69, 12, 142, 242, 172, 132, 190, 135, 232, 59, 50, 10, 173, 1, 111, 92,
        141, 181, 205, 118, 223, 116, 75, 208, 127, 234, 141, 115, 16, 225, 17, 137, 114, 157, 192, 4, 40, 47, 113, 44, 12,
        231, 235, 233, 0, 177, 18, 236, 147, 202, 204, 112, 215, 204, 149, 202, 10, 172, 42, 218, 22, 19, 131, 115, 127, 193,
        79, 4, 190, 127, 230, 223, 79, 191, 0, 53, 59, 57, 74, 240, 1, 0, 0,
    ]
    static let dataIcon = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

    /// Chromium reports a 404 image's gzipped, chunked body by its decoded size (the total of
    /// loadingFinished, with no wire count in any data event): the load counts it as the static
    /// crawl received it, which is what the server sent.
    @Test("a gzipped, chunked 404 image counts the bytes the server sent, from the static crawl's answer")
    func gzippedNotFoundImage() async throws {
        let page = "<!doctype html><html><head><link rel=\"icon\" href=\"\(Self.dataIcon)\"></head><body><img src=\"/missing.png\" alt=\"\"></body></html>"
        let chunked = Array("\(String(Self.gzippedNotFound.count, radix: 16))\r\n".utf8) + Self.gzippedNotFound + Array("\r\n0\r\n\r\n".utf8)
        let notFound = HostileServer.response(404, [("Content-Type", Array("text/html".utf8)), ("Content-Encoding", Array("gzip".utf8)),
                                                    ("Transfer-Encoding", Array("chunked".utf8))], body: chunked, contentLength: false)
        try await HostileServer.with({ request in
            request.path == "/missing.png" ? [.send(notFound)]
                : [.send(HostileServer.response(200, ["Content-Type": "text/html", "Cache-Control": "no-store"], body: page))]
        }) { server in
            let start = server.url("/")
            // The crawl's own transport (HTTP1Fetcher), which counts the chunked framing as sent.
            let configuration = CrawlConfiguration(startURLs: [start])
            let result = try await HTTP1Fetcher.withFetcher { fetcher in await Crawler(fetcher: fetcher, configuration: configuration).run() }
            let missing = start.absoluteString + "missing.png"
            let exchange = try #require(result.resources[missing]?.exchange)
            #expect(exchange.wireBytes == notFound.count, "the static crawl counts the chunked framing")
            var options = BrowserOptions()
            options.repeatVisit = false
            var known = options
            known.knownResponse = { url in
                result.resources[url].flatMap { r in
                    r.exchange.status.map { .init(status: $0, contentEncoding: r.exchange.responseHeaders.first("Content-Encoding"), bodyBytes: r.exchange.bodyBytes) }
                }
            }
            let (alone, withStatic) = try await Browser.withBrowser(logger: quietLogger) { browser in
                (await browser.visit(start.absoluteString, options: options), await browser.visit(start.absoluteString, options: known))
            }
            let guessed = try #require(alone.firstVisit.requests.first { $0.url == missing })
            let counted = try #require(withStatic.firstVisit.requests.first { $0.url == missing })
            #expect(counted.status == 404 && counted.wireBytes == notFound.count, "\(counted)")
            // Without the static crawl's answer: the decoded body, an upper bound.
            #expect(guessed.wireBytes >= notFound.count, "\(guessed)")
        }
    }

    /// Chrome fetches the manifest and its best icon after every load in a normal or incognito
    /// window (its web-app install check); a DevTools browser context does not on its own.
    @Test("the manifest and the manifest's icon are fetched after the load, as Chromium's own visit fetches them")
    func installCheckRequests() async throws {
        let page = """
            <!doctype html><html><head><link rel="icon" href="/favicon.ico"><link rel="manifest" href="/app.webmanifest">
            </head><body>app</body></html>
            """
        let manifest = #"{"name": "t", "start_url": "/", "display": "standalone", "icons": [{"src": "/icon-192.png", "sizes": "192x192", "type": "image/png"}]}"#
        let files: [String: [UInt8]] = ["index.html": Array(page.utf8), "app.webmanifest": Array(manifest.utf8),
                                        "icon-192.png": BrowserScopeTests.tinyPNG, "favicon.ico": BrowserScopeTests.tinyPNG]
        try await withTemporarySite(files) { root in
            try await serveLogged(root) { base, log in
                let load = try await Self.coldLoadMatchingTheServer(base, log)
                let fetched = load.requests.map { path($0.url, base) }.sorted()
                #expect(fetched == ["/", "/app.webmanifest", "/favicon.ico", "/icon-192.png"], "\(fetched)")
            }
        }
    }

    /// A page whose only declared icon is a data: URL gets no icon request from Chromium; the
    /// load must not wait for one. With an icon wait longer than the load's time limit, a load
    /// that waited would end as a timeout.
    @Test("a data: icon: the load settles without waiting for an icon request")
    func dataIconDoesNotWait() async throws {
        let page = "<!doctype html><html><head><link rel=\"icon\" href=\"\(Self.dataIcon)\"></head><body>data icon</body></html>"
        try await withTemporarySite(["index.html": page]) { root in
            try await serveLogged(root) { base, log in
                var options = BrowserOptions()
                options.iconWait = .seconds(600)
                options.loadTimeout = .seconds(60)
                let visit = try await Browser.withBrowser(logger: quietLogger) { browser in
                    await browser.visit(base.absoluteString, options: options)
                }
                #expect(visit.firstVisit.incomplete == nil, "\(visit.firstVisit.incomplete ?? "")")
                #expect(visit.repeatVisit?.incomplete == nil, "\(visit.repeatVisit?.incomplete ?? "")")
                #expect(visit.firstVisit.requests.map { path($0.url, base) } == ["/"])
                #expect(!log.all.contains { $0.target == "/favicon.ico" })
            }
        }
    }

    /// The cold load of `base` alone, checked against the server's log: complete, the same
    /// requests, and the bytes the server wrote.
    static func coldLoadMatchingTheServer(_ base: URL, _ log: ServedLog) async throws -> BrowserLoad {
        var options = BrowserOptions()
        options.repeatVisit = false
        let load = try await Browser.withBrowser(logger: quietLogger) { browser in
            await browser.visit(base.absoluteString, options: options)
        }.firstVisit
        #expect(load.incomplete == nil, "\(load.incomplete ?? "")")
        #expect(load.requests.map { path($0.url, base) }.sorted() == log.all.map(\.target).sorted())
        #expect(load.wireBytes == log.all.reduce(0) { $0 + $1.bytes })
        return load
    }
}
