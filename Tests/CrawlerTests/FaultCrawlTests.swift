import Audit
import Crawler
import CrawlModel
import Fetching
import FixtureServer
import Foundation
import Testing

/// Each fault-injection mode of the embedded server, driven through the real crawler and
/// both transports (AsyncHTTPClient, and the lean HTTP/1.1 fetcher for plain http): the outcome is a value in the result and the crawl goes on.
@Suite("Crawler against fault injection")
struct FaultCrawlTests {
    static let css = "body { color: red; margin: 0 }\n"
    static let png = String(repeating: "x", count: 200)

    @Test("revalidation verdicts: INM_FULL, NO_VALIDATOR, weak ETag, changing ETag, MISSING_HDRS_304, IMS only, ETag only", arguments: HTTPTransport.allCases)
    func verdicts(transport: HTTPTransport) async throws {
        let assets = ["ignore.css", "none.css", "weak.css", "changing.css", "drop.css", "lm.css", "etag.css", "good.css"]
        let files = Dictionary(uniqueKeysWithValues: assets.map { ($0, Self.css) }).merging(["index.html": page(styles: assets)]) { a, _ in a }
        let rules: [ServerPolicy.Rule] = [
            .init(match: "ignore.css", fault: Fault(ignoreConditionals: true)),
            .init(match: "none.css", fault: Fault(validators: Fault.Validators.none)),
            .init(match: "weak.css", fault: Fault(validators: .weak)),
            .init(match: "changing.css", fault: Fault(validators: .changing)),
            .init(match: "drop.css", fault: Fault(drop304Headers: true)),
            .init(match: "lm.css", fault: Fault(validators: .lastModifiedOnly)),
            .init(match: "etag.css", fault: Fault(validators: .etagOnly)),
            .init(match: "**", headers: ["Cache-Control": "max-age=60"]),
        ]
        try await serve(files, rules: rules) { base in
            let result = try await crawl([base], transport: transport)
            func r(_ p: String) throws -> Revalidation { try #require(result.resource(base, p)?.revalidation, "\(p)") }
            #expect(try r("ignore.css").ifNoneMatch?.verdict == .INM_FULL)
            #expect(try r("ignore.css").ifModifiedSince?.verdict == .IMS_FULL)
            #expect(try r("none.css").ifNoneMatch == nil)
            #expect(try r("none.css").ifModifiedSince == nil)
            let weak = try r("weak.css")
            #expect(weak.ifNoneMatch?.verdict == .INM_304)
            #expect(weak.ifNoneMatch?.exchange.requestHeaders.first("If-None-Match")?.hasPrefix("W/\"") == true)
            #expect(weak.ifModifiedSince == nil)
            // A new ETag on every response never matches: the full body again.
            #expect(try r("changing.css").ifNoneMatch?.verdict == .INM_FULL)
            let dropped = try r("drop.css")
            #expect(dropped.ifNoneMatch?.verdict == .INM_304)
            #expect(dropped.ifNoneMatch?.notes == [.MISSING_HDRS_304])
            #expect(try r("lm.css").ifNoneMatch == nil)
            #expect(try r("lm.css").ifModifiedSince?.verdict == .IMS_304)
            #expect(try r("etag.css").ifNoneMatch?.verdict == .INM_304)
            #expect(try r("etag.css").ifModifiedSince == nil)
            #expect(try r("good.css").ifNoneMatch?.notes == [])

            // The bandwidth follows the verdicts: fresh for 60 s → 0 on a repeat visit;
            // after expiry a 304 costs its header bytes, INM_FULL the whole response again.
            let ignore = Bandwidth.cost(of: try #require(result.resource(base, "ignore.css")))
            #expect(ignore.repeatVisitBytes == 0)
            #expect(ignore.expiredVisitBytes == ignore.firstVisitBytes)
            let good = try #require(result.resource(base, "good.css"))
            let goodCost = Bandwidth.cost(of: good)
            #expect(goodCost.expiredVisitBytes == good.revalidation?.ifNoneMatch?.exchange.headerBytes)
            #expect(goodCost.freshness == Freshness(seconds: 60, source: .maxAge))
            let none = try #require(result.resource(base, "none.css"))
            #expect(Bandwidth.cost(of: none).expiredVisitBytes == none.exchange.wireBytes)
        }
    }

    @Test("HTTP statuses are failures with their code; the crawl goes on", arguments: HTTPTransport.allCases, [204, 403, 404, 410, 429, 500, 503])
    func statuses(transport: HTTPTransport, code: Int) async throws {
        let files = ["index.html": page(styles: ["bad.css", "good.css"]), "bad.css": Self.css, "good.css": Self.css]
        try await serve(files, rules: [.init(match: "bad.css", fault: Fault(status: code, retryAfter: 1))]) { base in
            let result = try await crawl([base], transport: transport)
            let bad = try #require(result.resource(base, "bad.css"))
            #expect(bad.exchange.status == code)
            if code >= 400 {
                #expect(bad.failure?.code == .http)
                #expect(bad.failure?.message == "HTTP \(code)")
            } else {
                #expect(bad.failure == nil)
            }
            #expect(bad.revalidation == nil, "only 200s are probed")
            #expect(result.resource(base, "good.css")?.exchange.status == 200)
            #expect(result.pages.count == 1)
        }
    }

    @Test("a redirect chain is recorded hop by hop with its bytes", arguments: HTTPTransport.allCases, [301, 302, 307, 308])
    func redirectChain(transport: HTTPTransport, code: Int) async throws {
        let files = ["index.html": page(styles: ["old.css"]), "new.css": Self.css]
        let rules: [ServerPolicy.Rule] = [
            .init(match: "old.css", fault: Fault(status: code, location: "/mid.css")),
            .init(match: "mid.css", fault: Fault(status: code, location: "/new.css")),
        ]
        try await serve(files, rules: rules) { base in
            let result = try await crawl([base], transport: transport)
            let old = try #require(result.resource(base, "old.css"))
            #expect(old.redirects.map(\.url) == [base.appending("old.css").absoluteString, base.appending("mid.css").absoluteString])
            #expect(old.redirects.map(\.status) == [code, code])
            #expect(old.redirects.allSatisfy { $0.headerBytes > 0 })
            #expect(old.exchange.url == base.appending("new.css").absoluteString)
            #expect(old.exchange.status == 200)
            #expect(old.exchange.bodyBytes == Self.css.utf8.count)
            #expect(old.wireBytes == old.redirects.reduce(old.exchange.wireBytes) { $0 + $1.wireBytes })
            #expect(old.failure == nil)
            #expect(Bandwidth.cost(of: old).firstVisitBytes == old.wireBytes)
        }
    }

    @Test("a redirect loop and too many redirects are failures with their reason", arguments: HTTPTransport.allCases)
    func redirectFailures(transport: HTTPTransport) async throws {
        let files = ["index.html": page(styles: ["loop-a.css", "c1.css", "ok.css"]), "ok.css": Self.css, "c4.css": Self.css]
        let rules: [ServerPolicy.Rule] = [
            .init(match: "loop-a.css", fault: Fault(status: 302, location: "/loop-b.css")),
            .init(match: "loop-b.css", fault: Fault(status: 302, location: "/loop-a.css")),
            .init(match: "c1.css", fault: Fault(status: 301, location: "/c2.css")),
            .init(match: "c2.css", fault: Fault(status: 301, location: "/c3.css")),
            .init(match: "c3.css", fault: Fault(status: 301, location: "/c4.css")),
        ]
        try await serve(files, rules: rules) { base in
            let result = try await crawl([base], transport: transport) { $0.maxRedirects = 2 }
            let loop = try #require(result.resource(base, "loop-a.css"))
            // a → b → a: both hops followed are recorded, and the exchange is where the loop came back to.
            #expect(loop.failure?.code == .redirectLoop)
            #expect(loop.redirects.map(\.url) == [base.absoluteString + "loop-a.css", base.absoluteString + "loop-b.css"])
            #expect(loop.exchange.url == base.absoluteString + "loop-a.css")
            #expect(loop.failure?.message == "redirect loop back to \(base.absoluteString)loop-a.css")
            let chain = try #require(result.resource(base, "c1.css"))
            #expect(chain.failure?.code == .tooManyRedirects)
            #expect(chain.redirects.count == 2)
            #expect(result.resource(base, "ok.css")?.exchange.status == 200)
        }
    }

    @Test("a late response head times out at the head timeout; a slow body at the total timeout", arguments: HTTPTransport.allCases)
    func timeouts(transport: HTTPTransport) async throws {
        let files = ["index.html": page(images: ["late.png", "slow.png", "ok.png"]), "late.png": Self.png, "slow.png": String(repeating: "x", count: 2_000), "ok.png": Self.png]
        let rules: [ServerPolicy.Rule] = [
            // A status fault (no file body): main's server leaks the open file of a delayed file
            // response whose client has gone, which a debug build asserts on (fixed on the server branch).
            .init(match: "late.png", fault: Fault(status: 404, delayMs: 120_000)),
            .init(match: "slow.png", fault: Fault(bytesPerSecond: 2)),
        ]
        try await serve(files, rules: rules) { base in
            var options = HTTPClientFetcher.Options()
            // Margins wide enough for a loaded machine (stress-ng --cpu 2 and a parallel suite
            // made a healthy file miss a 1 s head timeout; in CI's full parallel run a healthy
            // answer on the shared event loops once took over 5 s): the late head comes after
            // 120 s, the slow body (2,000 B, sent a byte every 100 ms) needs 200 s; the healthy files need milliseconds.
            options.headTimeout = .seconds(20)
            options.totalTimeout = .seconds(30)
            let result = try await crawl([base], transport: transport, options: options)
            let late = try #require(result.resource(base, "late.png"))
            #expect(late.failure?.code == .timeout)
            #expect(late.exchange.status == nil, "no head arrived")
            let slow = try #require(result.resource(base, "slow.png"))
            #expect(slow.failure?.code == .timeout)
            #expect(result.resource(base, "ok.png")?.exchange.status == 200, "\(result.resource(base, "ok.png")?.exchange.error?.description ?? "not recorded")")
        }
    }

    @Test("truncated body, reset mid-body and a too-large Content-Length are resets", arguments: HTTPTransport.allCases)
    func brokenBodies(transport: HTTPTransport) async throws {
        let files = ["index.html": page(images: ["trunc.png", "reset.png", "length.png", "ok.png"]),
                     "trunc.png": Self.png, "reset.png": Self.png, "length.png": Self.png, "ok.png": Self.png]
        let rules: [ServerPolicy.Rule] = [
            .init(match: "trunc.png", fault: Fault(truncateAfter: 10)),
            .init(match: "reset.png", fault: Fault(resetAfter: 10)),
            .init(match: "length.png", fault: Fault(contentLengthDelta: 10)),
        ]
        try await serve(files, rules: rules) { base in
            let result = try await crawl([base], transport: transport)
            for path in ["trunc.png", "reset.png", "length.png"] {
                let r = try #require(result.resource(base, path))
                #expect(r.failure?.code == .reset, "\(path): \(String(describing: r.failure))")
                #expect(r.revalidation == nil)
            }
            #expect(result.resource(base, "ok.png")?.exchange.status == 200, "\(result.resource(base, "ok.png")?.exchange.error?.description ?? "not recorded")")
        }
    }

    @Test("a stylesheet whose Content-Encoding lies is a decoding error; an image with the same lie is counted", arguments: HTTPTransport.allCases)
    func lyingEncoding(transport: HTTPTransport) async throws {
        let files = ["index.html": page(styles: ["liar.css"], images: ["liar.png"]), "liar.css": Self.css, "liar.png": Self.png]
        try await serve(files, rules: [.init(match: "liar.*", fault: Fault(contentEncoding: "gzip"))]) { base in
            let result = try await crawl([base], transport: transport)
            let css = try #require(result.resource(base, "liar.css"))
            #expect(css.failure?.code == .decoding)
            #expect(css.exchange.bodyBytes == Self.css.utf8.count)
            // Images are not decoded (nothing reads them), so the lie goes unnoticed: bytes are counted.
            let png = try #require(result.resource(base, "liar.png"))
            #expect(png.exchange.bodyBytes == Self.png.utf8.count)
            #expect(png.exchange.decodedBytes == nil)
        }
    }

    @Test("a body over --max-body is counted up to the cap, cut and marked", arguments: HTTPTransport.allCases)
    func maxBody(transport: HTTPTransport) async throws {
        let files = ["index.html": page(images: ["big.png"]), "big.png": String(repeating: "y", count: 100_000)]
        try await serve(files) { base in
            var options = HTTPClientFetcher.Options()
            options.maxBodyBytes = 10_000
            let result = try await crawl([base], transport: transport, options: options)
            let big = try #require(result.resource(base, "big.png"))
            #expect(big.exchange.truncated)
            #expect(big.exchange.bodyBytes == 10_000)
            #expect(big.failure?.code == .bodyTooLarge)
        }
    }

    @Test("503 then 200: retried with Retry-After (capped) and recorded; a 429 that persists gives up after the retries", arguments: HTTPTransport.allCases)
    func retries(transport: HTTPTransport) async throws {
        let files = ["index.html": page(styles: ["flaky.css", "busy.css"]), "flaky.css": Self.css, "busy.css": Self.css]
        let rules: [ServerPolicy.Rule] = [
            .init(match: "flaky.css", fault: Fault(status: 503, retryAfter: 30, times: 1)),
            .init(match: "busy.css", fault: Fault(status: 429, retryAfter: 30)),
        ]
        try await serve(files, rules: rules) { base in
            let policy = RetryingFetcher.Policy(maxRetries: 2, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))
            let result = try await crawl([base], transport: transport, wrap: { RetryingFetcher($0, policy: policy) })
            let flaky = try #require(result.resource(base, "flaky.css"))
            #expect(flaky.exchange.status == 200)
            #expect(flaky.exchange.retries == 1)
            #expect(flaky.revalidation?.ifNoneMatch?.verdict == .INM_304)
            let busy = try #require(result.resource(base, "busy.css"))
            #expect(busy.exchange.status == 429)
            #expect(busy.exchange.retries == 2)
            #expect(busy.failure?.code == .http)
        }
    }

    @Test("DNS failure, refused connection and TLS against a plain-HTTP port are values with their reason", arguments: HTTPTransport.allCases)
    func networkFailures(transport: HTTPTransport) async throws {
        try await serve(["x.css": Self.css]) { plain in
            let port = try #require(plain.port)
            let files = ["index.html": page(styles: ["http://assets.invalid/a.css", "http://127.0.0.1:1/b.css",
                                                     "https://127.0.0.1:\(port)/x.css", "ok.css"]),
                         "ok.css": Self.css]
            try await serve(files) { base in
                let result = try await crawl([base], transport: transport)
                #expect(result.resources["http://assets.invalid/a.css"]?.failure?.code == .dns)
                #expect(result.resources["http://127.0.0.1:1/b.css"]?.failure?.code == .refused)
                let tls = result.resources["https://127.0.0.1:\(port)/x.css"]
                #expect(tls?.failure?.code == .tls, "\(String(describing: tls?.failure))")
                #expect(result.resource(base, "ok.css")?.exchange.status == 200)
                #expect(result.pages.count == 1)
            }
        }
    }
}
