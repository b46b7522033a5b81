import CrawlModel
import Foundation
import Testing

@Suite("URL resolution and normalisation")
struct WebURLTests {
    let base = URL(string: "http://Example.COM:80/a/b/page.html?x=1#top")!

    func resolved(_ raw: String, _ base: URL? = nil) -> String? {
        if case .url(let url) = WebURL.resolve(raw, against: base ?? self.base) { return url.absoluteString }
        return nil
    }

    func reason(_ raw: String) -> String? {
        if case .notFetchable(let why) = WebURL.resolve(raw, against: base) { return why }
        return nil
    }

    @Test("relative references resolve as RFC 3986 §5.4 says", arguments: [
        ("g", "http://example.com/a/b/g"),
        ("./g", "http://example.com/a/b/g"),
        ("g/", "http://example.com/a/b/g/"),
        ("/g", "http://example.com/g"),
        ("//other.test/g", "http://other.test/g"),
        ("?y", "http://example.com/a/b/page.html?y"),
        ("../g", "http://example.com/a/g"),
        ("../../../../g", "http://example.com/g"),
        ("g;x?y#s", "http://example.com/a/b/g;x?y"),
        ("..", "http://example.com/a/"),
    ])
    func rfc3986(raw: String, expected: String) {
        #expect(resolved(raw) == expected)
    }

    @Test("surrounding whitespace, tabs and newlines are stripped; backslashes are slashes")
    func whatwgCleanup() {
        #expect(resolved("  \n img/a.png \t") == "http://example.com/a/b/img/a.png")
        #expect(resolved("im\tg/a\n.png") == "http://example.com/a/b/img/a.png")
        #expect(resolved("..\\img\\a.png") == "http://example.com/a/img/a.png")
    }

    @Test("spaces and non-ASCII characters are percent-encoded as UTF-8")
    func encoding() {
        #expect(resolved("my image.png") == "http://example.com/a/b/my%20image.png")
        #expect(resolved("café.png") == "http://example.com/a/b/caf%C3%A9.png")
    }

    @Test("normalisation: case, default port, fragment, escapes, dot segments")
    func normalisation() {
        #expect(resolved("HTTP://WWW.Example.com:80/x/./y/../z#frag") == "http://www.example.com/x/z")
        #expect(resolved("https://h.test:443") == "https://h.test/")
        #expect(resolved("/%7euser/%2fa%2F") == "http://example.com/~user/%2Fa%2F")
        #expect(resolved("http://h.test:8080/a") == "http://h.test:8080/a")
    }

    @Test("unfetchable values say why", arguments: [
        ("javascript:void(0)", "javascript: URL"),
        ("data:image/png;base64,AAAA", "data: URL"),
        ("mailto:a@b.test", "mailto: URL"),
        ("tel:+1", "tel: URL"),
        ("about:blank", "about: URL"),
        ("#section", "fragment-only"),
        ("   ", "empty URL"),
        ("ftp://h.test/file", "ftp: URL"),
    ])
    func unfetchable(raw: String, why: String) {
        #expect(reason(raw) == why)
    }

    @Test("origin ignores default ports and case")
    func origin() {
        #expect(WebURL.origin(of: URL(string: "HTTP://A.test:80/x")!) == "http://a.test")
        #expect(WebURL.origin(of: URL(string: "https://a.test:8443/")!) == "https://a.test:8443")
    }
}
