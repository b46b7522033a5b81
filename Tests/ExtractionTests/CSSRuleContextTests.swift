import CrawlModel
import Foundation
import Testing
@testable import Extraction

@Suite("CSS references carry their rule: selector, @media, font families, invalid @import")
struct CSSRuleContextTests {
    let base = URL(string: "http://fixture.invalid/css/site.css")!

    @Test("url() gets its rule's selector (comments dropped, whitespace collapsed) and the enclosing @media")
    func selectors() {
        let refs = CSSExtractor.extract("""
            .hero ,
              /* a comment */ header > nav a[href^="/x"]:hover { background: url(a.png) }
            @media screen and (min-width: 40em) {
              @supports (display: grid) { .grid::before { background-image: url("b.png"); } }
            }
            @media print { @media (color) { body { background: url(c.png) } } }
            @keyframes spin { from { background: url(d.png) } }
            @layer base;
            div { background: url(e.png) }
            """, base: base)
        #expect(refs.map(\.raw) == ["a.png", "b.png", "c.png", "d.png", "e.png"])
        #expect(refs[0].condition?["selector"] == #".hero , header > nav a[href^="/x"]:hover"#)
        #expect(refs[0].condition?["atMedia"] == nil)
        #expect(refs[1].condition?["selector"] == ".grid::before")
        #expect(refs[1].condition?["atMedia"] == "screen and (min-width: 40em)")
        #expect(refs[2].condition?["atMedia"] == "print && (color)")
        #expect(refs[3].condition?["selector"] == nil, "a keyframe is no style rule")
        #expect(refs[4].condition?["selector"] == "div", "a statement @layer does not swallow the next rule")
    }

    @Test("@font-face sources get the face's family, wherever font-family is written; declarations are recorded")
    func fonts() {
        let refs = CSSExtractor.extract("""
            @font-face { src: url(a.woff2) format("woff2"), url(a.woff) format("woff"); font-family: 'Open Sans'; }
            @font-face { font-family: Mono; src: url(m.ttf); }
            body { font: italic bold 16px/1.5 "Open Sans", Arial, sans-serif; }
            code { font-family: Mono, monospace !important }
            h1 { font: 2em / 1 system-ui }
            """, base: base)
        let fonts = refs.filter { $0.url != nil }
        #expect(fonts.map { $0.condition?["font-family"] } == ["open sans", "open sans", "mono"])
        let declarations = refs.filter { $0.attribute == "font-family" && $0.role == .metadata }
        #expect(declarations.map(\.raw) == ["open sans, arial, sans-serif", "mono, monospace", "system-ui"])
        #expect(declarations.map { $0.condition?["selector"] } == ["body", "code", "h1"])
        #expect(declarations.allSatisfy { $0.url == nil && !$0.isFetchableRequisite })
    }

    @Test("@import after a rule, inside a block or after @namespace is marked invalid; after @charset and @layer it is fine")
    func imports() {
        func invalid(_ css: String) -> [String?] { CSSExtractor.extract(css, base: base).filter { $0.kind == .stylesheet }.map { $0.condition?["invalid"] } }
        #expect(invalid("@charset \"utf-8\"; @layer a, b; @import 'ok.css';") == [nil])
        #expect(invalid("a { color: red } @import 'late.css';") == ["@import after other rules"])
        #expect(invalid("@namespace url(x); @import 'ns.css';") == ["@import after @namespace"])
        #expect(invalid("@media screen { @import 'in.css'; }") == ["@import inside a block"])
    }

    @Test("font shorthand families: what follows the size and line height")
    func shorthand() {
        #expect(RuleContext.familiesOfFontShorthand("12px/1.4 system-ui, sans-serif") == "system-ui, sans-serif")
        #expect(RuleContext.familiesOfFontShorthand("bold 1.2em / 2 \"A B\", serif") == "\"A B\", serif")
        #expect(RuleContext.familiesOfFontShorthand("small-caps large Inter") == "Inter")
        #expect(RuleContext.familiesOfFontShorthand("inherit") == nil)
    }

    @Test("the page outline and the implicit favicon come from the same parse")
    func outlineAndFavicon() {
        let html = Array("<html><body><p class=a id=b>x</p><link rel=apple-touch-icon href=t.png></body></html>".utf8)
        let doc = HTMLExtractor.extractDocument(html, url: URL(string: "http://h.invalid/a/b.html")!, implicitFavicon: true)
        #expect(doc.outline?.elements.map(\.name) == ["html", "body", "p", "link"])
        #expect(doc.outline?.elements[2].classes == ["a"] && doc.outline?.elements[2].id == "b" && doc.outline?.elements[2].hasText == true)
        let favicon = doc.references.last
        #expect(favicon?.url == "http://h.invalid/favicon.ico" && favicon?.condition?["implicit"] == "favicon")
        let declared = HTMLExtractor.extractDocument(Array("<link rel='shortcut icon' href=i.png>".utf8),
                                                     url: URL(string: "http://h.invalid/")!, implicitFavicon: true)
        #expect(!declared.references.contains { $0.condition?["implicit"] != nil })
        #expect(!HTMLExtractor.extractDocument(html, url: URL(string: "http://h.invalid/")!).references.contains { $0.condition?["implicit"] != nil },
                "frames and srcdoc documents get none")
    }

    @Test("collapsing a selector or value over UTF-8 bytes gives what the scalar-by-scalar reading gave, for every short mix of comments, spaces and multi-byte text")
    func collapsedMatchesScalarReading() {
        // The reading the byte version replaced, kept here as the reference.
        func reference(_ text: String) -> String {
            var out = ""
            var scalars = Substring(text).unicodeScalars[...]
            var pendingSpace = false
            while let c = scalars.first {
                if c == "/", scalars.dropFirst().first == "*" {
                    scalars = scalars.dropFirst(2)
                    while !scalars.isEmpty, !(scalars.first == "*" && scalars.dropFirst().first == "/") { scalars = scalars.dropFirst() }
                    scalars = scalars.dropFirst(2)
                    pendingSpace = true
                    continue
                }
                scalars = scalars.dropFirst()
                if CSSScanner.isSpace(c) { pendingSpace = true; continue }
                if pendingSpace, !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(c)
            }
            return out
        }
        // Every sequence of up to 3 pieces, and of 4 from the ones that interact most.
        let pieces = ["/*", "*/", "*", "/", " ", "  ", "\t", "\n", "\r", "\u{0C}", "a", ".c1", "é", "日本", "🙂", "url(/x.png)", ">", ""]
        let tight = ["/*", "*/", "*", "/", " ", "\n", "a", "é", ""]
        func sequences(_ from: [String], length: Int) -> [String] {
            length == 0 ? [""] : sequences(from, length: length - 1).flatMap { prefix in from.map { prefix + $0 } }
        }
        let texts = (0...3).flatMap { sequences(pieces, length: $0) } + sequences(tight, length: 4)
        var mismatches: [String] = []
        for text in texts where RuleContext.collapsed(text) != reference(text) { mismatches.append(text) }
        #expect(texts.count > 10_000)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5).map(\.debugDescription))")
        #expect(RuleContext.collapsed(" .a  /* x */ >\n\tb ") == ".a > b")
        #expect(RuleContext.collapsed(".a /* unterminated") == ".a")
    }
}

