import Audit
import CrawlModel
import Testing

@Suite("Budget checks over a hand-built crawl")
struct BudgetEvaluationTests {
    func check(_ outcome: BudgetOutcome, _ suite: String, _ name: String) throws -> CheckResult {
        try #require(outcome.suites.first { $0.name == suite }?.checks.first { $0.name == name }, "\(suite) \(name)")
    }

    @Test("bytes and requests: per page and site-wide, with the largest assets named")
    func bytes() throws {
        let crawl = Site.crawl()
        // Page: 6 responses of 100 header bytes + 2000+3000+1000+4000+5000+100 body bytes.
        let budget = Budget(pages: [.init(match: "/**", rules: .init(maxFirstVisitBytes: 15_000, maxFirstVisitBytesByKind: [.image: 7000, .script: 5000], maxRequests: 6))],
                            site: .init(maxFirstVisitBytes: 20_000, maxRequests: 5))
        let outcome = budget.evaluate(crawl)
        let page = try check(outcome, "/", "maxFirstVisitBytes")
        #expect(page.status == .failed)
        #expect(page.message.contains("15.3 KB") && page.message.contains("over the budget of 14.6 KB"))
        #expect(page.offenders.first?.hasPrefix("/img/hero.png") == true, "largest first: \(page.offenders)")
        #expect(try check(outcome, "/", "maxFirstVisitBytesByKind.image").status == .passed, "6400 image bytes")
        #expect(try check(outcome, "/", "maxFirstVisitBytesByKind.script").status == .passed)
        #expect(try check(outcome, "/", "maxRequests").status == .passed)
        #expect(try check(outcome, "site", "maxFirstVisitBytes").status == .passed)
        let requests = try check(outcome, "site", "maxRequests")
        #expect(requests.status == .failed && requests.message.contains("6 requests, 1 over"))
        #expect(!outcome.passed)
    }

    @Test("repeat visit: freshness decides, so a fresh immutable script costs nothing again")
    func repeatVisit() throws {
        let crawl = Site.crawl()
        let cost = try #require(Bandwidth.pages(crawl)[crawl.pages[0].url])
        // 304s cost 80 bytes each (5 resources with validators), the 404 and the page... all have probes except missing.png (200 bytes).
        #expect(cost.expiredVisitBytes == 5 * 80 + 200)
        // The year-long immutable script is fresh: a warm cache skips its 304 entirely; the 404
        // has no freshness and is downloaded again in full.
        #expect(cost.repeatVisitBytes <= cost.expiredVisitBytes - 80)
        #expect(cost.repeatVisitBytes >= 200)
        let loose = Budget(pages: [.init(match: "/", rules: .init(maxRepeatVisitBytes: 1000))]).evaluate(crawl)
        #expect(try check(loose, "/", "maxRepeatVisitBytes").status == .passed)
        let tight = Budget(pages: [.init(match: "/", rules: .init(maxRepeatVisitBytes: 100))]).evaluate(crawl)
        let failed = try check(tight, "/", "maxRepeatVisitBytes")
        #expect(failed.status == .failed && failed.message.contains("over the budget of 100 B"), "\(failed.message)")
        #expect(!tight.passed)
    }

    @Test("caching checks name each offending URL and what to send")
    func caching() throws {
        let crawl = Site.crawl(script: [("Content-Type", "text/javascript"), ("Cache-Control", "max-age=600")],
                               css: [("Content-Type", "text/css")], cssINM: .INM_FULL, heroValidators: false)
        let budget = Budget(site: .init(noFullRevalidation: .error, requireValidators: .error,
                                        fingerprintedLongLived: .init(), compressText: .init(minBytes: 2500)))
        let outcome = budget.evaluate(crawl)
        let full = try check(outcome, "site", "noFullRevalidation")
        #expect(full.status == .failed && full.offenders == ["/css/app.css: INM_FULL, re-sent 2.9 KB"])
        let validators = try check(outcome, "site", "requireValidators")
        #expect(validators.offenders == ["/img/hero.png: no ETag, no Last-Modified"])
        let fingerprinted = try check(outcome, "site", "fingerprintedLongLived")
        #expect(fingerprinted.offenders == ["/js/app.3f9a1c2e.js: Cache-Control: max-age=600"])
        #expect(fingerprinted.message.contains("immutable"))
        let compress = try check(outcome, "site", "compressText")
        #expect(compress.offenders == ["/css/app.css: 2.9 KB of text/css sent uncompressed", "/js/app.3f9a1c2e.js: 3.9 KB of text/javascript sent uncompressed"])
    }

    @Test("caching checks pass on a well-configured site; gzip beside br from one server is flagged")
    func cachingPasses() throws {
        let outcome = Budget(site: .init(noFullRevalidation: .error, requireValidators: .error,
                                         fingerprintedLongLived: .init(), compressText: .init(minBytes: 2500))).evaluate(Site.crawl(script: [("Content-Type", "text/javascript"), ("Cache-Control", "public, max-age=31536000, immutable"), ("Content-Encoding", "br")]))
        #expect(!outcome.passed, "the stylesheet is gzip while the same server sends the script as br")
        let compress = try check(outcome, "site", "compressText")
        #expect(compress.offenders == ["/css/app.css: 2.9 KB of text/css sent with gzip although the server sends br for other files"])
        let brotli = Budget(site: .init(noFullRevalidation: .error, requireValidators: .error,
                                        fingerprintedLongLived: .init(), compressText: .init(minBytes: 2500))).evaluate(Site.crawl(
            script: [("Content-Type", "text/javascript"), ("Cache-Control", "public, max-age=31536000, immutable"), ("Content-Encoding", "br")],
            css: [("Content-Type", "text/css"), ("Content-Encoding", "br")]))
        #expect(brotli.passed, "\(brotli.checks.filter { $0.status != .passed })")
        #expect(brotli.checks.count == 4)
    }

    @Test("broken requisites: failures unless allowed, with page, element and line")
    func broken() throws {
        let strict = Budget(pages: [.init(match: "/**", rules: .init(noBrokenRequisites: .error))]).evaluate(Site.crawl())
        let failed = try check(strict, "/", "noBrokenRequisites")
        #expect(failed.status == .failed)
        #expect(failed.offenders == ["/img/missing.png from / <img src> line 12: http: HTTP 404"])
        #expect(failed.message.contains("allowBroken"))
        let allowed = Budget(allowBroken: ["/img/missing.*"], pages: [.init(match: "/**", rules: .init(noBrokenRequisites: .error))]).evaluate(Site.crawl())
        let ok = try check(allowed, "/", "noBrokenRequisites")
        #expect(ok.status == .passed && ok.message.contains("1 allowed by allowBroken: /img/missing.png"))
    }

    @Test("levels: warn reports without failing, off does not run")
    func levels() throws {
        let outcome = Budget(site: .init(securityHeaders: .init(level: .off), noBrokenRequisites: .warn)).evaluate(Site.crawl())
        #expect(outcome.checks.map(\.name) == ["noBrokenRequisites"])
        #expect(outcome.checks.first?.status == .warning)
        #expect(outcome.passed)
    }

    @Test("security headers: values are judged, not only presence")
    func securityHeaders() {
        let good = Exchange(url: "https://example.test/", responseHeaders: [
            HeaderField(name: "Content-Security-Policy", value: "default-src 'self'; frame-ancestors 'none'"),
            HeaderField(name: "X-Content-Type-Options", value: "nosniff"),
            HeaderField(name: "Referrer-Policy", value: "no-referrer, strict-origin-when-cross-origin"),
            HeaderField(name: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains"),
        ])
        #expect(SecurityHeaderCheck.problems(in: good, required: Budget.SecurityHeaders.known) == [])
        let weak = Exchange(url: "https://example.test/", responseHeaders: [
            HeaderField(name: "Content-Security-Policy", value: "default-src * 'unsafe-inline'"),
            HeaderField(name: "X-Content-Type-Options", value: "sniff"),
            HeaderField(name: "X-Frame-Options", value: "ALLOW-FROM https://x"),
            HeaderField(name: "Referrer-Policy", value: "unsafe-url"),
            HeaderField(name: "Strict-Transport-Security", value: "max-age=600"),
        ])
        let problems = SecurityHeaderCheck.problems(in: weak, required: Budget.SecurityHeaders.known)
        #expect(problems.count == 5, "\(problems)")
        #expect(problems[0].contains("'unsafe-inline', *"))
        // HSTS means nothing over plain HTTP.
        #expect(SecurityHeaderCheck.problems(in: Exchange(url: "http://example.test/"), required: ["Strict-Transport-Security"]) == [])
    }

    @Test("fingerprinted names", arguments: [
        ("http://x/app.3f9a1c2e.js", true), ("http://x/index-BkAf8s2D.js", true), ("http://x/main.a1b2c3d4e5f6.css?v=1", true),
        ("http://x/bootstrap.min.js", false), ("http://x/hero-960.png", false), ("http://x/inter.woff2", false), ("http://x/12345678.png", false),
    ])
    func fingerprinted(url: String, expected: Bool) {
        #expect(Budget.isFingerprinted(url) == expected)
    }
}

@Suite("The advisory checks shown without a budget")
struct AdvisoryTests {
    @Test("a suite per page and one for the site, all warnings: never fails a run")
    func advisory() {
        let outcome = Budget.advisory.evaluate(Site.crawl(script: [("Content-Type", "text/javascript")]))
        #expect(outcome.suites.map(\.name) == ["site", "/"])
        #expect(outcome.passed)
        #expect(outcome.checks.contains { $0.status == .warning && $0.name == "noBrokenRequisites" })
        #expect(outcome.checks.contains { $0.status == .warning && $0.name == "fingerprintedLongLived" })
        #expect(!outcome.checks.contains { $0.status == .failed })
    }
}
