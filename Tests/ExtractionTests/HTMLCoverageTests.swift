import CrawlModel
import Extraction
import Foundation
import Testing

/// One case per row of the extraction table: the markup, and the one reference it must yield.
struct TableCase: CustomTestStringConvertible, Sendable {
    var html: String
    var url: String?
    var raw: String
    var element: String
    var attribute: String
    var kind: AssetKind
    var role: ReferenceRole
    var testDescription: String { "<\(element) \(attribute)> in \(html.prefix(60))" }

    init(_ html: String, _ url: String?, raw: String, _ element: String, _ attribute: String, _ kind: AssetKind,
         _ role: ReferenceRole = .requisite) {
        self.html = html
        self.url = url
        self.raw = raw
        self.element = element
        self.attribute = attribute
        self.kind = kind
        self.role = role
    }
}

@Suite("Every row of the extraction table")
struct HTMLCoverageTests {
    static let base = URL(string: "http://h.test/dir/page.html")!

    static let cases: [TableCase] = [
        // link, with rel read as a token list
        TableCase(#"<link rel="stylesheet" href="a.css">"#, "http://h.test/dir/a.css", raw: "a.css", "link", "href", .stylesheet),
        TableCase(#"<link rel="alternate stylesheet" title="x" href="alt.css">"#, "http://h.test/dir/alt.css", raw: "alt.css",
                  "link", "href", .stylesheet),
        TableCase(#"<link REL=" StyleSheet\#t" href="up.css">"#, "http://h.test/dir/up.css", raw: "up.css", "link", "href", .stylesheet),
        TableCase(#"<link rel="shortcut icon" href="/favicon.ico">"#, "http://h.test/favicon.ico", raw: "/favicon.ico", "link", "href", .icon),
        TableCase(#"<link rel="apple-touch-icon" sizes="180x180" href="/ati.png">"#, "http://h.test/ati.png", raw: "/ati.png",
                  "link", "href", .icon),
        TableCase(##"<link rel="mask-icon" href="/m.svg" color="#000">"##, "http://h.test/m.svg", raw: "/m.svg", "link", "href", .icon),
        TableCase(#"<link rel="manifest" href="/site.webmanifest">"#, "http://h.test/site.webmanifest", raw: "/site.webmanifest",
                  "link", "href", .manifest),
        TableCase(#"<link rel="preload" href="/f.woff2" as="font" crossorigin>"#, "http://h.test/f.woff2", raw: "/f.woff2",
                  "link", "href", .font),
        TableCase(#"<link rel="preload" href="/s.css" as="style">"#, "http://h.test/s.css", raw: "/s.css", "link", "href", .stylesheet),
        TableCase(#"<link rel="preload" href="/i.png" as="image">"#, "http://h.test/i.png", raw: "/i.png", "link", "href", .image),
        TableCase(#"<link rel="preload" href="/nothing.bin">"#, "http://h.test/nothing.bin", raw: "/nothing.bin", "link", "href",
                  .preload, .hint),
        TableCase(#"<link rel="modulepreload" href="/m.js">"#, "http://h.test/m.js", raw: "/m.js", "link", "href", .script),
        TableCase(#"<link rel="prefetch" href="/next.js">"#, "http://h.test/next.js", raw: "/next.js", "link", "href", .prefetch),
        TableCase(#"<link rel="preconnect" href="https://cdn.test">"#, "https://cdn.test/", raw: "https://cdn.test", "link", "href",
                  .other, .hint),
        TableCase(#"<link rel="dns-prefetch" href="//dns.test">"#, "http://dns.test/", raw: "//dns.test", "link", "href", .other, .hint),
        TableCase(#"<link rel="canonical" href="/c">"#, "http://h.test/c", raw: "/c", "link", "href", .other, .metadata),
        // scripts, images, media
        TableCase(#"<script src="/js/a.js"></script>"#, "http://h.test/js/a.js", raw: "/js/a.js", "script", "src", .script),
        TableCase(#"<script type="module" src="m.mjs"></script>"#, "http://h.test/dir/m.mjs", raw: "m.mjs", "script", "src", .script),
        TableCase(#"<img src=" i.png ">"#, "http://h.test/dir/i.png", raw: " i.png ", "img", "src", .image),
        TableCase(#"<img srcset="s.png 2x">"#, "http://h.test/dir/s.png", raw: "s.png", "img", "srcset", .image),
        TableCase(#"<picture><source srcset="p.webp" type="image/webp"><img></picture>"#, "http://h.test/dir/p.webp", raw: "p.webp",
                  "source", "srcset", .image),
        TableCase(#"<video><source src="v.webm" type="video/webm"></video>"#, "http://h.test/dir/v.webm", raw: "v.webm",
                  "source", "src", .media),
        TableCase(#"<audio><source src="a.ogg"></audio>"#, "http://h.test/dir/a.ogg", raw: "a.ogg", "source", "src", .media),
        TableCase(#"<video src="v.mp4"></video>"#, "http://h.test/dir/v.mp4", raw: "v.mp4", "video", "src", .media),
        TableCase(#"<video poster="poster.jpg"></video>"#, "http://h.test/dir/poster.jpg", raw: "poster.jpg", "video", "poster", .image),
        TableCase(#"<audio src="a.mp3"></audio>"#, "http://h.test/dir/a.mp3", raw: "a.mp3", "audio", "src", .media),
        TableCase(#"<video><track kind="captions" src="c.vtt" srclang="en"></video>"#, "http://h.test/dir/c.vtt", raw: "c.vtt",
                  "track", "src", .track),
        TableCase(#"<object data="o.svg" type="image/svg+xml"></object>"#, "http://h.test/dir/o.svg", raw: "o.svg", "object", "data", .object),
        TableCase(#"<embed src="e.swf">"#, "http://h.test/dir/e.swf", raw: "e.swf", "embed", "src", .object),
        TableCase(#"<input type="IMAGE" src="go.png">"#, "http://h.test/dir/go.png", raw: "go.png", "input", "src", .image),
        TableCase(#"<iframe src="frame.html"></iframe>"#, "http://h.test/dir/frame.html", raw: "frame.html", "iframe", "src", .frame),
        TableCase(#"<frameset><frame src="f.html"></frameset>"#, "http://h.test/dir/f.html", raw: "f.html", "frame", "src", .frame),
        // SVG: libxml2 2.9 keeps xlink:href as one attribute name
        TableCase(#"<svg><image href="svg.png"/></svg>"#, "http://h.test/dir/svg.png", raw: "svg.png", "image", "href", .image),
        TableCase(#"<svg><image xlink:href="xl.png"/></svg>"#, "http://h.test/dir/xl.png", raw: "xl.png", "image", "xlink:href", .image),
        TableCase(#"<svg><use href="sprite.svg#i"/></svg>"#, "http://h.test/dir/sprite.svg", raw: "sprite.svg#i", "use", "href", .image),
        TableCase(#"<svg><use xlink:href="/s.svg#a"></use></svg>"#, "http://h.test/s.svg", raw: "/s.svg#a", "use", "xlink:href", .image),
        TableCase(#"<svg><script xlink:href="svg.js"></script></svg>"#, "http://h.test/dir/svg.js", raw: "svg.js", "script",
                  "xlink:href", .script),
        TableCase(#"<svg><a xlink:href="other.html"><text>x</text></a></svg>"#, "http://h.test/dir/other.html", raw: "other.html",
                  "a", "xlink:href", .page, .navigation),
        TableCase(#"<image src="alias.png">"#, "http://h.test/dir/alias.png", raw: "alias.png", "image", "src", .image),
        // legacy background attributes
        TableCase(#"<body background="b.gif">"#, "http://h.test/dir/b.gif", raw: "b.gif", "body", "background", .image),
        TableCase(#"<table background="t.gif"><tr><td>x</td></tr></table>"#, "http://h.test/dir/t.gif", raw: "t.gif", "table",
                  "background", .image),
        TableCase(#"<table><tr><td background="td.gif">x</td></tr></table>"#, "http://h.test/dir/td.gif", raw: "td.gif", "td",
                  "background", .image),
        // navigation and metadata
        TableCase(#"<a href="next.html">n</a>"#, "http://h.test/dir/next.html", raw: "next.html", "a", "href", .page, .navigation),
        TableCase(#"<map><area href="/map.html" shape="rect"></map>"#, "http://h.test/map.html", raw: "/map.html", "area", "href",
                  .page, .navigation),
        TableCase(#"<meta http-equiv="Refresh" content="5; URL='/later.html'">"#, "http://h.test/later.html", raw: "/later.html",
                  "meta", "content", .page, .navigation),
        TableCase(#"<meta property="og:image" content="https://h.test/og.png">"#, "https://h.test/og.png", raw: "https://h.test/og.png",
                  "meta", "content", .image, .metadata),
        TableCase(#"<meta name="twitter:image" content="/tw.png">"#, "http://h.test/tw.png", raw: "/tw.png", "meta", "content",
                  .image, .metadata),
        TableCase(#"<base href="/root/">"#, "http://h.test/root/", raw: "/root/", "base", "href", .other, .metadata),
        // lazy loading
        TableCase(#"<img class="lazy" data-src="lazy.png">"#, "http://h.test/dir/lazy.png", raw: "lazy.png", "img", "data-src",
                  .image, .lazy),
        TableCase(#"<div data-srcset="l1.png 1x">"#, "http://h.test/dir/l1.png", raw: "l1.png", "div", "data-srcset", .image, .lazy),
        TableCase(#"<iframe data-src="/embed.html"></iframe>"#, "http://h.test/embed.html", raw: "/embed.html", "iframe", "data-src",
                  .frame, .lazy),
        // CSS in attributes and elements
        TableCase(#"<p style="background:url(&quot;s p.png&quot;)">"#, "http://h.test/dir/s%20p.png", raw: "s p.png", "p", "style", .image),
        TableCase("<style>@import 'imp.css';</style>", "http://h.test/dir/imp.css", raw: "imp.css", "style", "@import", .stylesheet),
    ]

    @Test("the row yields its reference with element, attribute, kind, role and line", arguments: cases)
    func row(_ c: TableCase) throws {
        let refs = HTMLExtractor.extract(Array(("<!doctype html>\n" + c.html).utf8), url: Self.base)
        let ref = try #require(refs.first { $0.element == c.element && $0.attribute == c.attribute },
                               "found \(refs.map { "\($0.element) \($0.attribute) \($0.raw)" })")
        #expect(ref.url == c.url)
        #expect(ref.raw == c.raw)
        #expect(ref.kind == c.kind)
        #expect(ref.role == c.role)
        #expect(ref.line == 2)
        #expect(ref.notFetchable == nil)
    }

    @Test("unfetchable values are recorded with the reason and never fetchable",
          arguments: [("javascript:void(0)", "javascript: URL"), ("data:image/png;base64,iVBOR", "data: URL"),
                      ("mailto:a@h.test", "mailto: URL"), ("tel:+100", "tel: URL"), ("about:blank", "about: URL"),
                      ("#top", "fragment-only"), ("  ", "empty URL")])
    func unfetchable(_ value: String, _ reason: String) throws {
        for markup in ["<a href=\"\(value)\">x</a>", "<img src=\"\(value)\">", "<iframe src=\"\(value)\"></iframe>"] {
            let refs = HTMLExtractor.extract(Array(markup.utf8), url: Self.base)
            let ref = try #require(refs.first)
            #expect(ref.url == nil, "\(markup)")
            #expect(ref.notFetchable == reason, "\(markup)")
            #expect(!ref.isFetchableRequisite)
        }
    }

    @Test("link rel without a fetchable relation is not a requisite; conditions are recorded")
    func linkConditions() throws {
        let refs = HTMLExtractor.extract(Array("""
            <link rel="stylesheet" href="p.css" media="print" crossorigin="anonymous">
            <link rel="preload" as="image" href="h.png" imagesrcset="h.png 1x, h2.png 2x" imagesizes="50vw">
            <link rel="alternate" hreflang="de" href="/de/">
            """.utf8), url: Self.base)
        #expect(refs[0].condition?["media"] == "print")
        #expect(refs[0].condition?["crossorigin"] == "anonymous")
        #expect(refs[0].condition?["rel"] == "stylesheet")
        let preload = refs.filter { $0.element == "link" && $0.kind == .image }
        #expect(preload.map(\.url) == ["http://h.test/dir/h.png", "http://h.test/dir/h.png", "http://h.test/dir/h2.png"])
        #expect(Set(preload.map(\.candidateGroup)).count == 1 && preload[0].candidateGroup != nil)
        #expect(preload[2].condition?["descriptor"] == "2x")
        #expect(preload[2].condition?["imagesizes"] == "50vw")
        #expect(refs.last?.role == .metadata)
    }

    @Test("meta refresh forms")
    func refreshForms() {
        func target(_ content: String) -> String? {
            HTMLExtractor.extract(Array("<meta http-equiv=refresh content=\"\(content)\">".utf8), url: Self.base).first?.url
        }
        #expect(target("0;url=a.html") == "http://h.test/dir/a.html")
        #expect(target("3, b.html") == "http://h.test/dir/b.html")
        #expect(target("3 c.html") == "http://h.test/dir/c.html")
        #expect(target("1; URL = &quot;d.html&quot;") == "http://h.test/dir/d.html")
        #expect(target("5") == nil)
        #expect(target("soon; url=x.html") == nil)
    }

    @Test("an attribute on a multi-line start tag reports the line the tag ends on (libxml2's node line)")
    func multiLineTag() {
        let refs = HTMLExtractor.extract(Array("<p>\n<img\n alt=x\n src=a.png>".utf8), url: Self.base)
        #expect(refs.first?.line == 4)
    }
}
