import CrawlModel
import Extraction
import Foundation
import Testing
@testable import Audit

/// A page's element tree as the crawler gets it: libxml2's SAX walk of real HTML.
func outline(_ html: String) -> DocumentOutline {
    HTMLExtractor.extractDocument(Array(html.utf8), url: URL(string: "http://fixture.invalid/")!).outline ?? DocumentOutline()
}

@Suite("Selector matching against a page's element tree")
struct SelectorTests {
    static let page = """
        <!DOCTYPE html><html lang="en"><head><title>t</title></head><body class="home">
        <header id="top"><nav><a href="/" class="nav-link active">Home</a><a href="/b" data-x="one two">B</a></nav></header>
        <main><article class="post"><h1>Title</h1><p class="byline">By</p><p>Text</p><p>Last</p></article>
        <picture><source srcset="a.webp" type="image/webp"><source srcset="b.avif" type="image/avif"><img src="c.png" alt=""></picture>
        <ul><li>1</li><li>2</li><li>3</li></ul><div class="empty"></div>
        <svg><rect class="box"/></svg>
        <input type="checkbox" checked><form><button disabled>Go</button></form>
        </main><template><div class="in-template"></div></template><noscript><div class="in-noscript"></div></noscript>
        </body></html>
        """

    let matcher = SelectorMatcher(outline(SelectorTests.page))

    func matches(_ selector: String) -> Bool {
        guard let list = SelectorList(selector) else { return false }
        return list.matchesAny(matcher)
    }

    @Test("selectors that match an element of the page", arguments: [
        "body", "BODY", ".home", "#top", "header nav a", "nav > a", "a.nav-link.active", "a[href]", "a[href='/b']",
        "a[data-x~=two]", "html[lang|=en]", "a[href^='/']", "a[href$=b]", "a[data-x*='ne t']", "a[class='NAV-LINK ACTIVE' i]",
        "h1 + p", "h1 ~ p", "h1:first-child + p", "article > p:last-child", "li:nth-child(2)", "li:nth-child(odd)",
        "li:nth-last-child(1)", "p:nth-of-type(2)", "h1:only-of-type", ":root", "div.empty:empty", ".byline::before",
        ".byline:after", "a:hover", "a:focus-visible", "li:not(:first-child)", "p:not(.byline)", ":is(header, footer) a",
        ":where(.post) h1", "article:has(> h1)", "picture > img", "picture > source + source", "svg rect.box", "svg|rect",
        "*", "* > .byline", "input:checked", "button:disabled", "a:link", "nav a:not([href='/x'])", ".missing, .home",
    ])
    func matching(_ selector: String) {
        #expect(matches(selector), "\(selector) should match")
    }

    @Test("selectors no element can match, and invalid ones", arguments: [
        ".missing", "#nope", "footer", "nav > p", "article + nav", "h1 ~ h1", "li:nth-child(4)", "p:first-child.byline",
        "a[href='/c']", "a[data-x~=on]", "a[href^='']", ".in-template", ".in-noscript", "div:not(.empty):empty",
        "picture > source > img", "ul:empty", "a:visited", "header:has(footer)", "p:only-child",
        "a::-moz-selection", ".x:-ms-input-placeholder", "a[", "> a", "a >", ".", "#", ":not(", "a, , b",
        "li:not(li)", ":is(.missing) a",
    ])
    func notMatching(_ selector: String) {
        #expect(!matches(selector), "\(selector) should match nothing")
    }

    @Test("specificity counts ids, classes/attributes/pseudo-classes, types/pseudo-elements")
    func specificity() {
        func s(_ text: String) -> [Int] { SelectorList(text)!.selectors[0].specificity }
        #expect(s("#top nav a.active") == [1, 1, 2])
        #expect(s("a:hover::before") == [0, 1, 2])
        #expect(s(":where(#top) a") == [0, 0, 1])
        #expect(s(":not(#top, .x) p") == [1, 0, 1])
        #expect(s("[href] *") == [0, 1, 0])
    }

    @Test("the outline: HTML5 voids libxml2 2.9 nests are closed, template and noscript left out, text noted")
    func outlineShape() {
        let tree = outline(SelectorTests.page)
        let names = tree.elements.map(\.name)
        #expect(!names.contains("template") && !names.contains("noscript"))
        let sources = tree.elements.indices.filter { tree.elements[$0].name == "source" }
        let picture = tree.elements.firstIndex { $0.name == "picture" }!
        #expect(sources.allSatisfy { tree.elements[$0].parent == picture })
        let img = tree.elements.firstIndex { $0.name == "img" }!
        #expect(tree.elements[img].parent == picture && tree.elements[img].previousSibling == sources.last)
        #expect(tree.elements.first { $0.name == "h1" }?.hasText == true)
        #expect(tree.elements.first { $0.name == "title" }?.hasText == false, "head text is not rendered")
        #expect(tree.elements.first { $0.name == "a" }?.classes == ["nav-link", "active"])
        #expect(tree.elements.first { $0.name == "a" }?.attribute("href") == "/")
    }
}
