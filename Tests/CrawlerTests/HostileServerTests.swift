import Audit
import Crawler
import CrawlModel
import Fetching
import Foundation
import Reports
import Testing
import TestSupport

/// Issue #15: the crawler against a misbehaving server of its own (``HostileServer``, plain
/// sockets on 127.0.0.1), one misbehaviour per path, over real HTTP through the real crawler.
/// Each test is named after the row of the issue it keeps fixed.
@Suite("Hostile servers", .serialized)
struct HostileServerTests {
    typealias Step = HostileServer.Step

    /// Answers robots.txt with 404 (allow all) and the rest with `route`.
    static func site(_ route: @escaping @Sendable (HostileServer.Request) -> [Step]) -> @Sendable (HostileServer.Request) -> [Step] {
        { request in
            request.path == "/robots.txt" ? [.send(HostileServer.response(404, [:]))] : route(request)
        }
    }

    static func html(_ body: String, headers: [String: String] = [:]) -> [Step] {
        [.send(HostileServer.response(200, headers.merging(["Content-Type": "text/html"]) { a, _ in a }, body: body))]
    }

    static func css(_ body: String, headers: [String: String] = [:]) -> [Step] {
        [.send(HostileServer.response(200, headers.merging(["Content-Type": "text/css"]) { a, _ in a }, body: body))]
    }

    // MARK: Rows 1, 2: @import chains

    @Test("row 2: an endless @import chain stops at --max-imports, recorded as a skip with the reason")
    func endlessImportChain() async throws {
        try await HostileServer.with(Self.site { request in
            if request.path == "/" { return Self.html(page(styles: ["/c.css?n=0"])) }
            let n = Int(request.query?.dropFirst(2) ?? "") ?? 0
            return Self.css("@import \"/c.css?n=\(n + 1)\";\nbody { margin: \(n)px }\n")
        }) { server in
            let result = try await crawl([server.url("/")]) { $0.revalidate = false }
            let sheets = result.resources.keys.filter { $0.contains("/c.css") }
            // The page's own stylesheet, then the default 100 imports.
            #expect(sheets.count == 101)
            let skipped = try #require(result.skipped?[server.base + "/c.css?n=101"])
            #expect(skipped == .tooManyImports(page: server.base + "/", limit: 100))
            // The audits walk the whole chain.
            let audit = try #require(SiteAudit.pages(result).first)
            // The 101 fetched, and the one skipped that the last names.
            #expect(audit.requisites.filter { $0.contains("/c.css") }.count == 102)
            let chosen = BrowserModel.choose(result.pages[0], in: result, viewport: .desktop).chosen
            #expect(chosen.contains(server.base + "/c.css?n=100"))
        }
    }

    @Test("row 1: the audits walk an @import chain 50,000 deep without recursion")
    func deepImportChainAudit() throws {
        // A crawl result as a 50,000-deep chain leaves it (--max-imports 100000): the page,
        // then each stylesheet importing the next, the last one broken.
        let base = "http://chain.invalid"
        let depth = 50_000
        func sheet(_ n: Int) -> String { "\(base)/c\(n).css" }
        func ref(_ n: Int) -> Reference {
            Reference(url: sheet(n), raw: sheet(n), element: n == 0 ? "link" : "css", attribute: n == 0 ? "href" : "@import", line: nil,
                      kind: .stylesheet, role: .requisite)
        }
        var result = CrawlResult(startURLs: [base + "/"], pages: [PageResult(url: base + "/", depth: 0, references: [ref(0)])])
        result.resources[base + "/"] = FetchedResource(url: base + "/", kind: .page, redirects: [],
                                                      exchange: Exchange(url: base + "/", status: 200, bodyBytes: 10))
        for n in 0..<depth {
            var exchange = Exchange(url: sheet(n), status: n == depth - 1 ? nil : 200, bodyBytes: 10)
            if n == depth - 1 { exchange.error = FetchError(.reset, "connection closed") }
            result.resources[sheet(n)] = FetchedResource(url: sheet(n), kind: .stylesheet, redirects: [], exchange: exchange)
            if n + 1 < depth { result.subresourceReferences[sheet(n)] = [ref(n + 1)] }
        }
        let audit = try #require(SiteAudit.pages(result).first)
        #expect(audit.requisites.count == depth)
        #expect(audit.broken.map(\.url) == [sheet(depth - 1)])
        #expect(BrowserModel.choose(result.pages[0], in: result, viewport: .desktop).chosen.count == depth + 1)
        #expect(try CrawlResult.slice(of: result.pages[0], in: result).resources.count == depth + 1)
    }

    @Test("the browser model matches long descendant selectors over 300 nested elements in one pass per compound, failing ones too")
    func longSelector() async throws {
        let nested = String(repeating: "<div class=a>", count: 300) + "x" + String(repeating: "</div>", count: 300)
        let selector = Array(repeating: ".a", count: 60).joined(separator: " ")
        // No .b anywhere: backtracking matching tried every way to place 30 .a among 300 ancestors.
        let failing = ".b " + Array(repeating: ".a", count: 30).joined(separator: " ")
        try await HostileServer.with(Self.site { request in
            switch request.path {
            case "/": return Self.html("<!doctype html><link rel=stylesheet href=/s.css><body>\(nested)</body>")
            case "/s.css": return Self.css("\(selector) { background: url(/bg.png) }\n\(failing) { background: url(/no.png) }\n")
            default: return [.send(HostileServer.response(200, ["Content-Type": "image/png"], body: "png"))]
            }
        }) { server in
            let result = try await crawl([server.url("/")]) { $0.revalidate = false }
            let page = try #require(result.pages.first)
            let choice = BrowserModel.choose(page, in: result, viewport: .desktop)
            #expect(choice.chosen.contains(server.base + "/bg.png"))
            #expect(choice.notChosen[server.base + "/no.png"] == "selector matches nothing")
        }
    }

    // MARK: Row 16: requisites per page

    @Test("row 16: a page with 3,000 <img> fetches --max-requisites of them and records the rest as skipped")
    func requisitesPerPage() async throws {
        try await HostileServer.with(Self.site { request in
            if request.path == "/" { return Self.html(page(images: (0..<3000).map { "/i/\($0).png" })) }
            return [.send(HostileServer.response(200, ["Content-Type": "image/png"], body: "png"))]
        }) { server in
            let result = try await crawl([server.url("/")]) {
                $0.revalidate = false
                $0.pageLimits.maxRequisites = 200
            }
            #expect(result.resources.keys.filter { $0.contains("/i/") }.count == 200)
            let skipped = result.skipped?.filter { $0.key.contains("/i/") } ?? [:]
            #expect(skipped.count == 2800)
            #expect(Set(skipped.values) == [.tooManyRequisites(page: server.base + "/", limit: 200)])
            #expect(server.requests.count < 210)
        }
    }

    // MARK: Row 3: sitemaps

    /// `count` `<url>` entries on `base`, about 56 bytes each.
    static func sitemap(_ base: String, count: Int) -> [UInt8] {
        var out = Array("<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n".utf8)
        out.reserveCapacity(count * 60)
        for n in 0..<count { out += Array("<url><loc>\(base)/p/\(n)</loc></url>\n".utf8) }
        return out + Array("</urlset>\n".utf8)
    }

    @Test("row 3: a 45 MB sitemap is read in one pass up to 50,000 URLs, and --max-time still ends the crawl")
    func hugeSitemap() async throws {
        let entries = 840_000
        try await HostileServer.with(Self.site { request in
            switch request.path {
            case "/": return Self.html(page(links: ["/p/0"]))
            case "/sitemap.xml":
                let port = request.header("Host").map { String(decoding: $0, as: UTF8.self) } ?? ""
                return [.send(HostileServer.response(200, [("Content-Type", Array("application/xml".utf8))],
                                                      body: Self.sitemap("http://" + port, count: entries)))]
            default: return Self.html("<p>page</p>")
            }
        }) { server in
            let bytes = Self.sitemap(server.base, count: entries)
            #expect(bytes.count > 45_000_000)
            let parsed = Sitemap(parsing: bytes)
            #expect(parsed.locations.count == Sitemap.maxLocations && parsed.truncated)
            #expect(parsed.locations.last == server.base + "/p/\(Sitemap.maxLocations - 1)")

            let result = try await crawl([server.url("/")]) {
                $0.revalidate = false
                $0.useSitemap = true
                $0.maxTime = .seconds(3)
            }
            let reason = try #require(result.stopReason)
            guard case .maxTime(let pending) = reason else { Issue.record("\(reason)"); return }
            #expect(pending > 0, "\(reason)")
            #expect(server.requests.contains { $0.path == "/sitemap.xml" })
        }
    }

    // MARK: Row 4: robots.txt

    @Test("row 4: a 100 MB robots.txt is read to its first 512 KiB, and its rules apply", arguments: HTTPTransport.allCases)
    func hugeRobots(transport: HTTPTransport) async throws {
        try await HostileServer.with({ request in
            switch request.path {
            case "/robots.txt":
                var body = Array("User-agent: *\nAllow: /\nDisallow: /private/\n".utf8)
                while body.count < 600 * 1024 { body += Array("# padding padding padding padding padding padding padding\n".utf8) }
                return [.send(HostileServer.response(200, [("Content-Type", Array("text/plain".utf8)), ("Content-Length", Array("104857600".utf8))])
                    + body), .hang]
            case "/": return Self.html(page(links: ["/ok.html", "/private/secret.html"]))
            default: return Self.html("<p>ok</p>")
            }
        }) { server in
            let result = try await crawl([server.url("/")], transport: transport) { $0.revalidate = false }
            #expect(result.pagePaths(server.url("/")) == ["/", "/ok.html"])
            #expect(result.skipped?[server.base + "/private/secret.html"] == .disallowedByRobots)
        }
    }

    @Test("row 4: a rule cut in half at 512 KiB is dropped, not read as a shorter rule")
    func robotsCutMidRule() async throws {
        try await HostileServer.with({ request in
            switch request.path {
            case "/robots.txt":
                var body = Array("User-agent: *\nDisallow: /private/\n".utf8)
                let cutRule = Array("Disallow: /o".utf8), rest = Array("ther/\n".utf8)
                while body.count + 60 < RobotsRules.maxBytes - cutRule.count { body += Array("# padding padding padding padding padding padding pad\n".utf8) }
                body += Array(repeating: UInt8(ascii: "#"), count: RobotsRules.maxBytes - cutRule.count - body.count - 1) + [0x0A]
                body += cutRule + rest  // "Disallow: /o" ends exactly at the cap
                return [.send(HostileServer.response(200, [("Content-Type", Array("text/plain".utf8)), ("Content-Length", Array("\(body.count + 1_000_000)".utf8))])
                    + body), .hang]
            case "/": return Self.html(page(links: ["/ok.html", "/private/x.html"]))
            default: return Self.html("<p>ok</p>")
            }
        }) { server in
            let result = try await crawl([server.url("/")]) { $0.revalidate = false }
            #expect(result.pagePaths(server.url("/")) == ["/", "/ok.html"])
        }
    }

    // MARK: Row 9: crawler traps

    @Test("row 9: calendar, repeating-path and session-id traps end with reasons")
    func traps() async throws {
        try await HostileServer.with(Self.site { request in
            switch request.path {
            case "/":
                return Self.html(page(links: ["/cal?month=0", "/a/", "/s?sid=\(UUID().uuidString)"]))
            case "/cal":
                let n = Int(request.query?.dropFirst(6) ?? "") ?? 0
                return Self.html(page(links: ["/cal?month=\(n + 1)"]))
            case "/s":
                return Self.html(page(links: ["/s?sid=\(UUID().uuidString)"]))
            default:
                return Self.html(page(links: [request.path + "a/"]))
            }
        }) { server in
            let result = try await crawl([server.url("/")]) {
                $0.revalidate = false
                $0.traps.maxQueryVariants = 20
            }
            let reasons = Set((result.skipped ?? [:]).values)
            #expect(reasons.contains(.queryExplosion(path: server.base + "/cal", limit: 20)))
            #expect(reasons.contains(.queryExplosion(path: server.base + "/s", limit: 20)))
            #expect(reasons.contains { if case .repeatingSegments(segment: "a", _) = $0 { true } else { false } })
            #expect(result.stopReason == nil)
        }
    }

    @Test("row 9: a page of 2,000 links with --max-pages says what was left in the stop reason")
    func manyLinks() async throws {
        try await HostileServer.with(Self.site { request in
            request.path == "/" ? Self.html(page(links: (0..<2000).map { "/m/\($0)" })) : Self.html("<p>leaf</p>")
        }) { server in
            let result = try await crawl([server.url("/")]) {
                $0.revalidate = false
                $0.maxPages = 100
            }
            #expect(result.pages.count == 100)
            #expect(result.stopReason == .maxPages(limit: 100, pagesLeft: 1901))
        }
    }

    // MARK: Row 10: a 304 with a body

    @Test("row 10: a 304 that carries a body does not poison the connection for the next probes",
          arguments: [0.2, 0] as [Double])
    func notModifiedWithBody(pause: Double) async throws {
        let transport = HTTPTransport.lean
        let styles = ["/poison.css"] + (0..<12).map { "/s\($0).css" }
        // Bytes that parse as a whole response: what the next request on the connection would read.
        let stray = Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8)
        try await HostileServer.with(Self.site { request in
            if request.path == "/" { return Self.html(page(styles: styles)) }
            let etag = "\"v1\""
            guard request.header("If-None-Match") != nil else { return Self.css("a { color: red }", headers: ["ETag": etag]) }
            if request.path == "/poison.css" {
                return [.send(HostileServer.response(304, [("ETag", Array(etag.utf8)), ("Content-Length", Array("\(stray.count)".utf8))])),
                        .pause(pause), .send(stray)]
            }
            return [.send(HostileServer.response(304, [("ETag", Array(etag.utf8))], contentLength: false))]
        }) { server in
            let result = try await crawl([server.url("/")], transport: transport) { $0.concurrency = 1 }
            for path in styles {
                let resource = try #require(result.resource(server.url("/"), String(path.dropFirst())), "\(path)")
                #expect(resource.exchange.status == 200, "\(path): \(resource.exchange.status.map(String.init) ?? "nil") \(resource.exchange.error?.description ?? "")")
                let probe = try #require(result.resource(server.url("/"), String(path.dropFirst()))?.revalidation?.ifNoneMatch, "\(path)")
                #expect(probe.exchange.status == 304 && probe.verdict == .INM_304, "\(path): \(probe.exchange.status.map(String.init) ?? "nil") \(probe.exchange.error?.description ?? "")")
            }
        }
    }

    @Test("row 10: over AsyncHTTPClient, which cannot close a connection for us, a host that framed a 304 body gets Connection: close after it")
    func notModifiedWithBodyAsyncHTTPClient() async throws {
        let styles = ["/poison.css"] + (0..<12).map { "/s\($0).css" }
        let stray = Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8)
        try await HostileServer.with(Self.site { request in
            if request.path == "/" { return Self.html(page(styles: styles)) }
            guard request.header("If-None-Match") != nil else { return Self.css("a { color: red }", headers: ["ETag": "\"v1\""]) }
            if request.path == "/poison.css" {
                return [.send(HostileServer.response(304, [("ETag", Array("\"v1\"".utf8)), ("Content-Length", Array("\(stray.count)".utf8))]) + stray)]
            }
            return [.send(HostileServer.response(304, [("ETag", Array("\"v1\"".utf8))], contentLength: false))]
        }) { server in
            let result = try await crawl([server.url("/")], transport: .asyncHTTPClient) { $0.concurrency = 1 }
            // The one request AsyncHTTPClient had already sent on that connection may read the
            // stray bytes (its pool cannot be told to drop the connection); none after it.
            let wrong = styles.filter { result.resource(server.url("/"), String($0.dropFirst()))?.revalidation?.ifNoneMatch?.verdict != .INM_304 }
            #expect(wrong.count <= 1, "\(wrong)")
            let afterPoison = server.requests.drop { !($0.path == "/poison.css" && $0.header("If-None-Match") != nil) }.dropFirst(2)
            #expect(!afterPoison.isEmpty && afterPoison.allSatisfy { $0.header("Connection") == Array("close".utf8) })
        }
    }

    // MARK: Row 11: header bytes

    @Test("row 11: an ETag that is not UTF-8 is sent back byte for byte (lean HTTP/1.1)")
    func etagBytes() async throws {
        let etag: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
        try await HostileServer.with(Self.site { request in
            if request.path == "/" { return Self.html(page(styles: ["/e.css"])) }
            if request.header("If-None-Match") == etag { return [.send(HostileServer.response(304, [("ETag", etag)], contentLength: false))] }
            return [.send(HostileServer.response(200, [("Content-Type", Array("text/css".utf8)), ("ETag", etag)], body: Array("a{}".utf8)))]
        }) { server in
            let result = try await crawl([server.url("/")], transport: .lean)
            let probe = try #require(result.resource(server.url("/"), "e.css")?.revalidation?.ifNoneMatch)
            #expect(probe.verdict == .INM_304 && probe.exchange.status == 304)
            #expect(server.requests.contains { $0.header("If-None-Match") == etag })
        }
    }

    @Test("row 11: over AsyncHTTPClient, which decodes header bytes as UTF-8, a lost ETag is not sent and the probe says why")
    func etagBytesLost() async throws {
        let etag: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
        try await HostileServer.with(Self.site { request in
            if request.path == "/" { return Self.html(page(styles: ["/e.css"])) }
            return [.send(HostileServer.response(200, [("Content-Type", Array("text/css".utf8)), ("ETag", etag)], body: Array("a{}".utf8)))]
        }) { server in
            let result = try await crawl([server.url("/")], transport: .asyncHTTPClient)
            let probe = try #require(result.resource(server.url("/"), "e.css")?.revalidation?.ifNoneMatch)
            #expect(probe.exchange.status == nil && probe.exchange.error?.code == .notFetched)
            #expect(!server.requests.contains { $0.header("If-None-Match") != nil })
            // Row 6 of the deliverables: the JSON and the HAR say why the probe has no status.
            let json = String(decoding: try JSONReport(result: result, audits: SiteAudit.pages(result)).encoded(), as: UTF8.self)
            #expect(json.contains("\"ifNoneMatchError\" : \"notFetched: not sent: the ETag has bytes that are not UTF-8"), "\(json)")
            let har = String(decoding: try HARReport.render(result: result, startedAt: Date()), as: UTF8.self)
            #expect(har.contains("If-None-Match probe: INM_STATUS (no status: notFetched: not sent"))
        }
    }

    @Test("row 11: a Location with bytes that are not UTF-8 is followed percent-encoded byte for byte")
    func locationBytes() async throws {
        let location = Array("/ok/".utf8) + [0xFF, 0xFE, 0x80] + Array("caf".utf8) + [0xE9] + Array(".html".utf8)
        try await HostileServer.with(Self.site { request in
            switch request.path {
            case "/": return Self.html(page(links: ["/moved"]))
            case "/moved": return [.send(HostileServer.response(301, [("Location", location)]))]
            default: return Self.html("<p>\(request.target)</p>")
            }
        }) { server in
            let result = try await crawl([server.url("/")], transport: .lean) { $0.revalidate = false }
            let moved = try #require(result.resource(server.url("/"), "moved"))
            #expect(moved.exchange.url == server.base + "/ok/%FF%FE%80caf%E9.html")
            #expect(moved.exchange.status == 200)
            #expect(server.requests.map(\.target).contains("/ok/%FF%FE%80caf%E9.html"))
        }
    }

    // MARK: Row 7: ports

    @Test("row 7: links, requisites and redirects to port 65536 or 99999 are unusable URLs, not a trap")
    func badPorts() async throws {
        try await HostileServer.with(Self.site { request in
            switch request.path {
            case "/": return Self.html(page(links: ["http://127.0.0.1:99999/x", "/moved"], images: ["http://127.0.0.1:65536/i.png"]))
            case "/moved": return [.send(HostileServer.response(302, ["Location": "http://127.0.0.1:70000/"]))]
            default: return Self.html("<p>ok</p>")
            }
        }) { server in
            let result = try await crawl([server.url("/")]) { $0.revalidate = false }
            let references = try #require(result.pages.first { $0.url == server.base + "/" }).references
            let image = try #require(references.first { $0.raw == "http://127.0.0.1:65536/i.png" })
            #expect(image.url == nil && image.notFetchable != nil)
            #expect(references.first { $0.raw == "http://127.0.0.1:99999/x" }?.url == nil)
            #expect(result.resource(server.url("/"), "moved")?.exchange.error?.code == .invalidURL)
        }
    }

    // MARK: Row 13: error messages

    /// A zlib stream of `count` zero bytes (fixed Huffman codes: a literal 0, then length 258
    /// at distance 1 repeated): about 1,600 times smaller than what it inflates to.
    static func zlibZeros(_ count: Int) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var bits: UInt64 = 0, used = 0
        func put(_ value: UInt64, _ n: Int) {  // LSB first
            bits |= value << UInt64(used)
            used += n
            while used >= 8 { out.append(UInt8(bits & 0xFF)); bits >>= 8; used -= 8 }
        }
        func code(_ value: UInt64, _ n: Int) {  // Huffman codes go MSB first
            var reversed: UInt64 = 0
            for i in 0..<n where value & (1 << UInt64(i)) != 0 { reversed |= 1 << UInt64(n - 1 - i) }
            put(reversed, n)
        }
        put(1, 1); put(1, 2)  // final block, fixed Huffman
        code(0x30, 8)  // literal 0
        var written = 1
        while written + 258 <= count { code(0xC5, 8); code(0, 5); written += 258 }  // length 258 (285), distance 1
        while written < count { code(0x30, 8); written += 1 }
        code(0, 7)  // end of block
        if used > 0 { out.append(UInt8(bits & 0xFF)) }
        let b = UInt32(count % 65521)
        return out + [UInt8(b >> 8), UInt8(b & 0xFF), 0, 1]  // Adler-32 of zeros: a = 1, b = count
    }

    @Test("row 13: a deflate bomb says it went past the size limit; a close mid-head says no head arrived", arguments: HTTPTransport.allCases)
    func errorMessages(transport: HTTPTransport) async throws {
        let bomb = Self.zlibZeros(20_000_000)
        try await HostileServer.with(Self.site { request in
            switch request.path {
            case "/": return Self.html(page(styles: ["/bomb.css", "/cut.css"]))
            case "/bomb.css":
                return [.send(HostileServer.response(200, [("Content-Type", Array("text/css".utf8)), ("Content-Encoding", Array("deflate".utf8))], body: bomb))]
            default:
                return [.send(Array("HTTP/1.1 200 OK\r\nContent-Type: text/css\r\nContent-Le".utf8)), .close]
            }
        }) { server in
            var options = HTTPClientFetcher.Options()
            options.maxBodyBytes = 1_000_000
            let result = try await crawl([server.url("/")], transport: transport, options: options) { $0.revalidate = false }
            let bombError = try #require(result.resource(server.url("/"), "bomb.css")?.exchange.error)
            #expect(bombError.code == .bodyTooLarge && bombError.message.contains("decoded body larger than 4000000 bytes"), "\(bombError)")
            let cutError = try #require(result.resource(server.url("/"), "cut.css")?.exchange.error)
            #expect(cutError.code == .reset && cutError.message.contains("head") && !cutError.message.contains("Content-Length"), "\(cutError)")
        }
    }

    // MARK: Row 14: a 304 with another validator

    @Test("row 14: a 304 whose ETag differs from the 200's is noted CHANGED_VALIDATOR_304", arguments: HTTPTransport.allCases)
    func changedValidator(transport: HTTPTransport) async throws {
        try await HostileServer.with(Self.site { request in
            switch request.path {
            case "/": return Self.html(page(styles: ["/v.css", "/same.css"]))
            default:
                guard request.header("If-None-Match") != nil else { return Self.css("a{}", headers: ["ETag": "\"a\""]) }
                let etag = request.path == "/v.css" ? "\"b\"" : "\"a\""
                return [.send(HostileServer.response(304, [("ETag", Array(etag.utf8))], contentLength: false))]
            }
        }) { server in
            let result = try await crawl([server.url("/")], transport: transport)
            let changed = try #require(result.resource(server.url("/"), "v.css")?.revalidation?.ifNoneMatch)
            #expect(changed.verdict == .INM_304 && changed.notes.contains(.CHANGED_VALIDATOR_304))
            let same = try #require(result.resource(server.url("/"), "same.css")?.revalidation?.ifNoneMatch)
            #expect(same.verdict == .INM_304 && same.notes.isEmpty)
        }
    }
}
