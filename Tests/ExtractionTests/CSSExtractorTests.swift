import CrawlModel
import Extraction
import Foundation
import Testing

@Suite("CSS extraction")
struct CSSExtractorTests {
    let base = URL(string: "http://h.test/css/site.css")!

    func urls(_ css: String) -> [String] {
        CSSExtractor.extract(css, base: base).compactMap(\.url)
    }

    @Test("url() quoted, unquoted and escaped")
    func urlForms() {
        #expect(urls(#"a { background: url(a.png) } b { background: url( "b.png" ) } c { background: url('c.png') }"#)
            == ["http://h.test/css/a.png", "http://h.test/css/b.png", "http://h.test/css/c.png"])
        #expect(urls(#"a { background: url(my\ file\).png) }"#) == ["http://h.test/css/my%20file).png"])
        #expect(urls(#"a { background: \75 rl(esc.png) }"#) == ["http://h.test/css/esc.png"])
        #expect(urls(#"a { background: URL(upper.png) }"#) == ["http://h.test/css/upper.png"])
    }

    @Test("@import in string and url form, with media")
    func imports() {
        let refs = CSSExtractor.extract(#"@import "a.css"; @import url(b.css) screen and (min-width: 600px); @import 'c.css' print;"#, base: base)
        #expect(refs.map(\.url) == ["http://h.test/css/a.css", "http://h.test/css/b.css", "http://h.test/css/c.css"])
        #expect(refs.allSatisfy { $0.kind == .stylesheet && $0.attribute == "@import" })
        #expect(refs[1].condition?["media"] == "screen and (min-width: 600px)")
        #expect(refs[2].condition?["media"] == "print")
    }

    @Test("@font-face sources are fonts; other url()s are images")
    func fontFace() {
        let refs = CSSExtractor.extract("""
            @font-face { font-family: X; src: url(x.woff2) format("woff2"), url(x.woff) format("woff"); }
            body { background: url(bg.png) }
            """, base: base)
        #expect(refs.map(\.kind) == [.font, .font, .image])
    }

    @Test("image-set() strings and url()s")
    func imageSet() {
        #expect(urls(#"a { background-image: image-set("a1.png" 1x, url(a2.png) 2x) }"#)
            == ["http://h.test/css/a1.png", "http://h.test/css/a2.png"])
        #expect(urls(#"a { content: "not-a-url.png" }"#) == [])
    }

    @Test("comments are skipped, lines are counted")
    func comments() {
        let refs = CSSExtractor.extract("/* url(no.png) */\n\na { background: url(yes.png) }", base: base)
        #expect(refs.map(\.url) == ["http://h.test/css/yes.png"])
        #expect(refs.first?.line == 3)
    }

    @Test("data: URLs are recorded as not fetchable")
    func dataURL() {
        let refs = CSSExtractor.extract("a { background: url(data:image/gif;base64,R0lGOD) }", base: base)
        #expect(refs.count == 1)
        #expect(refs[0].url == nil)
        #expect(refs[0].notFetchable == "data: URL")
    }
}
