import AsyncHTTPClient
import Crawler
import CrawlModel
import Fetching
import FixtureServer
import Foundation
import TestSupport
import Testing

@Suite("Crawler scope, limits and seeding over real HTTP")
struct CrawlFeatureTests {
    static let css = "p { color: blue }\n"

    @Test("robots.txt: the most specific group applies, disallowed pages are skipped with the reason; --ignore-robots crawls them")
    func robots() async throws {
        let files = [
            "index.html": page(links: ["private/a.html", "private/open.html", "public.html"]),
            "private/a.html": page(), "private/open.html": page(), "public.html": page(links: ["hidden.html"]), "hidden.html": page(),
            "robots.txt": """
                User-agent: *
                Disallow: /

                User-agent: assetcrawl
                Disallow: /private/
                Allow: /private/open
                Disallow: /hidden.html$
                """,
        ]
        try await serve(files) { base in
            let polite = try await crawl([base])
            #expect(polite.pagePaths(base) == ["/", "/private/open.html", "/public.html"])
            #expect(polite.skipped?[base.appending("private/a.html").absoluteString] == .disallowedByRobots)
            #expect(polite.skipped?[base.appending("hidden.html").absoluteString] == .disallowedByRobots)
            #expect(polite.resources[base.appending("robots.txt").absoluteString] == nil, "robots.txt is not a page requisite")

            let other = try await crawl([base]) { $0.userAgent = "OtherBot/2.0" }
            #expect(other.pages.isEmpty, "the * group disallows everything")
            #expect(other.skipped?[base.absoluteString] == .disallowedByRobots)

            let rude = try await crawl([base]) { $0.respectRobots = false }
            #expect(rude.pages.count == 5)
        }
    }

    @Test("robots.txt: 5xx, a reset or no server disallow everything with the reason (RFC 9309), start page included; a 404 allows everything, whatever --max-body")
    func robotsErrors() async throws {
        let files = ["index.html": page(), "robots.txt": "User-agent: *\nDisallow:\n"]
        try await serve(files, rules: [.init(match: "robots.txt", fault: Fault(status: 503))]) { base in
            let result = try await crawl([base])
            #expect(result.pages.isEmpty)
            #expect(result.skipped?[base.absoluteString] == .robotsUnusable(.status(503)))
            #expect(result.skipped?[base.absoluteString]?.description == "robots.txt answered HTTP 503, so RFC 9309 allows nothing")
        }
        // Cut off by the network after its head: unusable, so the start page is not crawled either.
        try await serve(files, rules: [.init(match: "robots.txt", fault: Fault(resetAfter: 5))]) { base in
            let result = try await crawl([base])
            #expect(result.pages.isEmpty)
            let reason = try #require(result.skipped?[base.absoluteString])
            // The reset may reach the client before it has read the head, or after.
            switch reason {
            case .robotsUnusable(.cutOff(status: 200, _)): break
            case .robotsUnusable(.notFetched(let error)): #expect(error?.code == .reset, "\(reason)")
            default: Issue.record("not a cut-off robots.txt: \(reason)")
            }
            #expect(reason.description.hasSuffix(", so RFC 9309 allows nothing"))
        }
        // No server at all: robots.txt cannot be fetched, and nothing is crawled.
        let nowhere = try await crawl([URL(string: "http://127.0.0.1:1/")!])
        #expect(nowhere.pages.isEmpty && nowhere.resources.isEmpty)
        let refused = try #require(nowhere.skipped?["http://127.0.0.1:1/"])
        guard case .robotsUnusable(.notFetched(let error)) = refused else { Issue.record("\(refused)"); return }
        #expect(error?.code == .refused, "\(refused)")
        #expect(refused.description.hasPrefix("robots.txt could not be fetched (refused"), "\(refused)")
        try await serve(["index.html": page()]) { base in
            let result = try await crawl([base])
            #expect(result.pages.count == 1)
        }
        // A 404 whose body is over --max-body still allows everything: robots.txt has its own cap.
        try await serve(["index.html": page(), "404.html": String(repeating: "x", count: 4000)]) { base in
            var options = HTTPClientFetcher.Options()
            options.maxBodyBytes = 500
            let result = try await crawl([base], options: options)
            #expect(result.skipped?[base.absoluteString] == nil, "\(result.skipped ?? [:])")
            #expect(result.resources[base.absoluteString]?.exchange.status == 200)
        }
        // A robots.txt over --max-body is read up to its own 512 KiB cap and obeyed.
        let long = "User-agent: *\nDisallow: /private/\n# " + String(repeating: "x", count: 2000) + "\nDisallow: /late/\n"
        try await serve(["index.html": page(links: ["late/a.html", "ok.html"]), "late/a.html": page(), "ok.html": page(), "robots.txt": long]) { base in
            var options = HTTPClientFetcher.Options()
            options.maxBodyBytes = 500
            let result = try await crawl([base], options: options)
            #expect(result.skipped?[base.appending("late/a.html").absoluteString] == .disallowedByRobots)
        }
    }

    @Test("--sitemap seeds pages nothing links to, through a sitemap index named in robots.txt")
    func sitemap() async throws {
        // The sitemap must name the server's own port, so the files are written once the port is known.
        try await withTemporarySite(["index.html": page(), "orphan.html": page(styles: ["o.css"]), "o.css": Self.css, "deep/x.html": page()]) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                try Data("User-agent: *\nDisallow:\nSitemap: \(base.absoluteString)maps/index.xml\n".utf8)
                    .write(to: root.appendingPathComponent("robots.txt"))
                try FileManager.default.createDirectory(at: root.appendingPathComponent("maps"), withIntermediateDirectories: true)
                try Data("""
                    <?xml version="1.0" encoding="UTF-8"?>
                    <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                      <sitemap><loc>\(base.absoluteString)maps/pages.xml</loc></sitemap>
                    </sitemapindex>
                    """.utf8).write(to: root.appendingPathComponent("maps/index.xml"))
                try Data("""
                    <?xml version="1.0" encoding="UTF-8"?>
                    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                      <url><loc>\(base.absoluteString)orphan.html</loc></url>
                      <url><loc><![CDATA[\(base.absoluteString)deep/x.html?a=1&b=2]]></loc></url>
                      <url><loc>https://elsewhere.invalid/not-ours.html</loc></url>
                    </urlset>
                    """.utf8).write(to: root.appendingPathComponent("maps/pages.xml"))
                let plain = try await crawl([base])
                #expect(plain.pagePaths(base) == ["/"])
                let seeded = try await crawl([base]) { $0.useSitemap = true }
                #expect(seeded.pagePaths(base) == ["/", "/orphan.html", "/deep/x.html?a=1&b=2"])
                #expect(seeded.resource(base, "o.css")?.exchange.status == 200)
                #expect(seeded.pages.allSatisfy { $0.depth == 0 })
            }
        }
    }

    @Test("--include, --exclude, --max-depth and --max-pages bound the pages; skipped pages say why")
    func scope() async throws {
        let files = [
            "index.html": page(links: ["/blog/1.html", "/docs/1.html"]),
            "blog/1.html": page(links: ["/blog/2.html"]), "blog/2.html": page(links: ["/blog/3.html"]), "blog/3.html": page(),
            "docs/1.html": page(),
        ]
        try await serve(files) { base in
            let excluded = try await crawl([base]) { $0.exclude = ["/docs/"] }
            #expect(excluded.pagePaths(base) == ["/", "/blog/1.html", "/blog/2.html", "/blog/3.html"])
            #expect(excluded.skipped?[base.appending("docs/1.html").absoluteString] == .excluded)

            let included = try await crawl([base]) { $0.include = ["/$", "/docs/"] }
            #expect(included.pagePaths(base) == ["/", "/docs/1.html"])

            let shallow = try await crawl([base]) { $0.maxDepth = 1 }
            #expect(shallow.pagePaths(base) == ["/", "/blog/1.html", "/docs/1.html"])
            #expect(shallow.skipped?[base.appending("blog/2.html").absoluteString]?.code == "maxDepth")

            let few = try await crawl([base]) { $0.maxPages = 2; $0.concurrency = 1 }
            #expect(few.pages.count == 2)
            #expect(few.skipped?.values.contains { $0.code == "maxPages" } == true)
        }
    }

    @Test("several start URLs on two origins; requisites on a third origin are fetched and counted but never crawled; --no-external skips them")
    func originsAndExternal() async throws {
        try await serve(["lib.css": Self.css, "cdn-page.html": page()]) { cdn in
            let external = cdn.appending("lib.css").absoluteString
            let files = ["index.html": page(links: [cdn.appending("cdn-page.html").absoluteString, "b.html"], styles: [external]), "b.html": page()]
            try await serve(files) { one in
                try await serve(["index.html": page(styles: ["two.css"]), "two.css": Self.css]) { two in
                    let result = try await crawl([one, two]) { $0.headers = [HeaderField(name: "X-Staging", value: "yes")] }
                    #expect(Set(result.pages.map(\.url)) == [one.absoluteString, one.appending("b.html").absoluteString, two.absoluteString])
                    let lib = try #require(result.resources[external])
                    #expect(lib.exchange.status == 200)
                    #expect(lib.exchange.requestHeaders.first("X-Staging") == nil, "extra headers go to the start origins only")
                    // Sent to the start origins, and recorded redacted (every configured header may be a secret).
                    #expect(result.resource(one, "b.html")?.exchange.requestHeaders.first("X-Staging") == "[redacted]")
                    #expect(result.resource(two, "two.css")?.exchange.requestHeaders.first("X-Staging") == "[redacted]")
                    #expect(result.resources[cdn.appending("cdn-page.html").absoluteString] == nil, "other origins are not crawled")

                    let local = try await crawl([one]) { $0.fetchExternalRequisites = false }
                    #expect(local.resources[external] == nil)
                    #expect(local.skipped?[external] == .otherOrigin)
                }
            }
        }
    }

    @Test("--max-time stops the crawl and returns what was done, with the reason")
    func maxTime() async throws {
        let files = ["index.html": page(images: ["slow.png", "fast.png"]), "slow.png": "x", "fast.png": "y"]
        // The slow image answers long after --max-time; everything else is done well before it,
        // even on a loaded machine running the whole suite in parallel.
        // A status fault: no open file waits behind the delay (see FaultCrawlTests.timeouts).
        // (8 s was not enough for fast.png under stress-ng --cpu 2 with the whole suite running,
        // and 20 s not for index.html in a filtered run at load 15.)
        try await serve(files, rules: [.init(match: "slow.png", fault: Fault(status: 404, delayMs: 120_000))]) { base in
            // The head timeout (30 s by default) must outlast --max-time, or slow.png times out
            // first and the crawl completes before --max-time stops it.
            var options = HTTPClientFetcher.Options()
            options.headTimeout = .seconds(100)
            let result = try await crawl([base], options: options) { $0.maxTime = .seconds(40); $0.respectRobots = false }
            guard case .maxTime = result.stopReason else { Issue.record("\(String(describing: result.stopReason))"); return }
            #expect(result.pages.count == 1)
            #expect(result.resource(base, "fast.png")?.exchange.status == 200, "\(result.resource(base, "fast.png")?.exchange.error?.description ?? "not recorded")")
            #expect(result.resource(base, "slow.png") == nil, "not finished, so not recorded")
        }
    }

    @Test("a per-host limit of 2 keeps at most 2 requests in flight to the server; progress is reported")
    func perHostLimit() async throws {
        let images = (0..<8).map { "i\($0).png" }
        var files = Dictionary(uniqueKeysWithValues: images.map { ($0, "img") })
        files["index.html"] = page(images: images)
        try await serve(files, rules: [.init(match: "*.png", fault: Fault(delayMs: 300))]) { base in
            let gate = LockedBox<HostLimitingFetcher?>(nil)
            let seen = LockedBox(0)
            var configuration = CrawlConfiguration(startURLs: [base])
            configuration.concurrency = 8
            configuration.revalidate = false
            let c = configuration
            let result = try await HTTPClient.withHTTPClient(configuration: HTTPClientFetcher.clientConfiguration()) { client in
                let limited = HostLimitingFetcher(HTTPClientFetcher(client: client), perHost: 2)
                gate.value = limited
                return await Crawler(fetcher: limited, configuration: c).run(progressInterval: .zero) { _ in seen.value += 1 }
            }
            // The page, its 8 images, and the /favicon.ico a browser asks for when a page declares no icon.
            #expect(result.resources.count == 10)
            #expect(result.resources.values.allSatisfy { $0.exchange.status == 200 || $0.url.hasSuffix("/favicon.ico") })
            let peak = await gate.value?.peakInFlight(WebURL.origin(of: base)) ?? 0
            #expect(peak == 2)
            #expect(seen.value > 0)
        }
    }
}
