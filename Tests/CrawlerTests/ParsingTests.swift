import Crawler
import CrawlModel
import Foundation
import Testing

@Suite("robots.txt rules (RFC 9309)")
struct RobotsRulesTests {
    let text = """
        # comment
        User-agent: *
        Disallow: /private
        Allow: /private/ok
        Disallow: /*.pdf$
        Disallow: /search?

        User-agent: assetcrawl
        User-agent: other
        Disallow: /only-for-us/

        User-agent: AssetCrawl
        Allow: /only-for-us/but-this
        Sitemap: https://s.test/sitemap.xml
        """

    func allows(_ rules: RobotsRules, _ path: String) -> Bool { rules.allows(URL(string: "https://s.test" + path)!) }

    @Test("the * group: longest match wins, Allow wins ties, * and $ patterns, queries")
    func starGroup() {
        let r = RobotsRules(parsing: text, userAgent: "Mozilla/5.0")
        #expect(!allows(r, "/private"))
        #expect(!allows(r, "/private/x"))
        #expect(allows(r, "/private/ok/y"))
        #expect(!allows(r, "/docs/a.pdf"))
        #expect(allows(r, "/docs/a.pdf?x=1"))
        #expect(!allows(r, "/search?q=1"))
        #expect(allows(r, "/search"))
        #expect(allows(r, "/robots.txt"))
        #expect(r.sitemaps == ["https://s.test/sitemap.xml"])
    }

    @Test("our product token picks its own groups (merged, case-insensitive) instead of *")
    func ownGroup() {
        let r = RobotsRules(parsing: text, userAgent: "assetcrawl/0.1 (+https://s.test)")
        #expect(allows(r, "/private/x"), "the * group does not apply")
        #expect(!allows(r, "/only-for-us/x"))
        #expect(allows(r, "/only-for-us/but-this"))
    }

    @Test("empty Disallow allows everything; allowAll and disallowAll")
    func edges() {
        #expect(allows(RobotsRules(parsing: "User-agent: *\nDisallow:\n", userAgent: "a"), "/x"))
        #expect(!allows(.disallowAll, "/"))
        #expect(allows(.disallowAll, "/robots.txt"))
        #expect(allows(.allowAll, "/anything"))
        #expect(RobotsRules.productToken("Googlebot/2.1 (+http://x)") == "googlebot")
    }
}

@Suite("Sitemaps")
struct SitemapTests {
    @Test("urlset and sitemapindex, entities and CDATA")
    func parse() {
        let set = Sitemap(parsing: Array("""
            <urlset><url><loc> https://s.test/a?x=1&amp;y=2 </loc></url><url><loc><![CDATA[https://s.test/b]]></loc></url>
            <url><loc>https://s.test/&#x63;</loc></url></urlset>
            """.utf8))
        #expect(!set.isIndex)
        #expect(set.locations == ["https://s.test/a?x=1&y=2", "https://s.test/b", "https://s.test/c"])
        let index = Sitemap(parsing: Array("<sitemapindex><sitemap><loc>https://s.test/s1.xml</loc></sitemap></sitemapindex>".utf8))
        #expect(index.isIndex && index.locations == ["https://s.test/s1.xml"])
        #expect(Sitemap(parsing: Array("<urlset><loc>unterminated".utf8)).locations == [])
    }
}

@Suite("URL normalisation and dedupe")
struct NormalisationTests {
    func resolve(_ raw: String, _ base: String = "http://Example.COM:80/a/b.html") -> String? {
        if case .url(let u) = WebURL.resolve(raw, against: URL(string: base)!) { return u.absoluteString }
        return nil
    }

    @Test("scheme and host case, default ports, dot segments, escape case, fragments, empty path", arguments: [
        ("HTTP://EXAMPLE.com/x", "http://example.com/x"),
        ("http://example.com:80/x", "http://example.com/x"),
        ("https://example.com:443/x", "https://example.com/x"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("http://example.com", "http://example.com/"),
        ("../c/./d/../e.png", "http://example.com/c/e.png"),
        ("/a/%7euser/%2fx%3f", "http://example.com/a/~user/%2Fx%3F"),
        ("x.css#frag", "http://example.com/a/x.css"),
        ("  /sp ace.png\n", "http://example.com/sp%20ace.png"),
        ("\\\\other.test\\y.png", "http://other.test/y.png"),
        ("?q=%7e", "http://example.com/a/b.html?q=~"),
    ])
    func normalises(raw: String, expected: String) {
        #expect(resolve(raw) == expected)
    }

    @Test("spellings of one URL dedupe to one string")
    func dedupe() {
        let spellings = ["http://example.com/a/x.css", "HTTP://example.COM:80/a/x.css", "/a/./x.css", "x.css#top", "../a/x.css", "/a/%78.css"]
        #expect(Set(spellings.compactMap { resolve($0) }) == ["http://example.com/a/x.css"])
    }

    @Test("unfetchable references are not URLs", arguments: ["javascript:void(0)", "data:image/png;base64,AA", "mailto:a@b", "#top", "", "ftp://x/"])
    func notFetchable(raw: String) {
        #expect(resolve(raw) == nil)
    }
}
