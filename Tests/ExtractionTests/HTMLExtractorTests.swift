import CrawlModel
import Extraction
import Foundation
import Testing

@Suite("HTML extraction with libxml2")
struct HTMLExtractorTests {
    let url = URL(string: "http://h.test/dir/page.html")!

    func extract(_ html: String) -> [Reference] {
        HTMLExtractor.extract(Array(html.utf8), url: url)
    }

    func requisites(_ html: String) -> [String] {
        extract(html).filter(\.isFetchableRequisite).compactMap(\.url)
    }

    @Test("stylesheets, scripts, images with srcset")
    func basics() {
        let refs = extract("""
            <!doctype html><html><head>
            <link rel="stylesheet" href="a.css"><script src="/js/b.js"></script>
            </head><body>
            <img src="c.png" srcset="c.png 1x, c@2x.png 2x">
            </body></html>
            """)
        let fetchable = refs.filter(\.isFetchableRequisite)
        #expect(fetchable.map(\.url) == ["http://h.test/dir/a.css", "http://h.test/js/b.js", "http://h.test/dir/c.png",
                                         "http://h.test/dir/c.png", "http://h.test/dir/c@2x.png"])
        #expect(fetchable.map(\.kind) == [.stylesheet, .script, .image, .image, .image])
        #expect(fetchable[0].line == 2)
        #expect(fetchable[4].condition?["descriptor"] == "2x")
        // src and srcset candidates of one img form one group.
        #expect(Set(fetchable[2...].map(\.candidateGroup)).count == 1)
    }

    @Test("picture sources, favicon, manifest, preload with as")
    func pictureAndLinks() {
        let reqs = requisites("""
            <link rel="icon" href="/favicon.ico"><link rel="manifest" href="/app.webmanifest">
            <link rel="preload" href="/f.woff2" as="font"><link rel="preconnect" href="https://cdn.test">
            <picture><source type="image/avif" srcset="h.avif"><source srcset="h.webp 1x"><img src="h.png"></picture>
            """)
        #expect(reqs == ["http://h.test/favicon.ico", "http://h.test/app.webmanifest", "http://h.test/f.woff2",
                         "http://h.test/dir/h.avif", "http://h.test/dir/h.webp", "http://h.test/dir/h.png"])
    }

    @Test("navigation links and unfetchable values are recorded but not requisites")
    func navigation() {
        let refs = extract("""
            <a href="next.html">n</a><a href="#top">t</a><a href="mailto:x@h.test">m</a>
            <a href="javascript:void(0)">j</a><img src="data:image/gif;base64,R0lG">
            """)
        #expect(refs.filter { $0.role == .navigation && $0.url != nil }.map(\.url) == ["http://h.test/dir/next.html"])
        #expect(refs.filter { $0.notFetchable != nil }.map(\.notFetchable) == ["fragment-only", "mailto: URL", "javascript: URL", "data: URL"])
        #expect(refs.filter(\.isFetchableRequisite).isEmpty)
    }

    @Test("<base href> applies to every reference, even earlier ones")
    func baseHref() {
        let reqs = requisites(#"<img src="a.png"><base href="http://cdn.test/assets/"><img src="b.png">"#)
        #expect(reqs == ["http://cdn.test/assets/a.png", "http://cdn.test/assets/b.png"])
    }

    @Test("style elements and entity-encoded style attributes")
    func inlineCSS() {
        let reqs = requisites("""
            <style>body { background: url(bg.png) }</style>
            <div style="background-image: url(&quot;div.png&quot;)"></div>
            """)
        #expect(reqs == ["http://h.test/dir/bg.png", "http://h.test/dir/div.png"])
    }

    @Test("content after </html> is still walked")
    func afterHTML() {
        #expect(requisites("<html><body></body></html><img src=late.png>") == ["http://h.test/dir/late.png"])
    }

    @Test("empty and binary garbage input do not crash")
    func garbage() {
        #expect(HTMLExtractor.extract([], url: url).isEmpty)
        _ = HTMLExtractor.extract((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }, url: url)
    }
}
