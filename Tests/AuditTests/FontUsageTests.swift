import CrawlModel
import Testing
@testable import Audit

@Suite("Which @font-face families the page's text uses")
struct FontUsageTests {
    let matcher = SelectorMatcher(outline("""
        <html><body><header><h1>Title</h1></header><main><p class="lead">Lead <code>x()</code></p>
        <pre>only code here</pre><span class="icon"></span><div class="empty-box"></div></main></body></html>
        """))

    func used(_ declarations: [(String?, String)], faces: Set<String>) -> Set<String> {
        var cache = SelectorCache()
        return FontUsage.usedFamilies(
            declarations: declarations.map { FontUsage.Declaration(families: $0.1.split(separator: ",").map { $0.trimmingCharacters(in: [" "]) }, selector: $0.0) },
            faces: faces, matcher: matcher, selectors: &cache)
    }

    @Test("inherited from body; a more specific rule wins; code and pre get the UA's monospace")
    func cascade() {
        let faces: Set<String> = ["body", "head", "mono", "lead"]
        #expect(used([("body", "body, serif")], faces: faces) == ["body"])
        #expect(used([("body", "body, serif"), ("header h1", "head, sans-serif")], faces: faces) == ["body", "head"])
        #expect(used([("h1", "head"), ("body h1", "body")], faces: faces) == ["body"], "body h1 is more specific")
        #expect(used([("p.lead", "lead"), ("p", "body")], faces: faces).contains("lead"), "class beats type whatever the order")
        #expect(!used([("body", "body")], faces: faces).contains("mono"))
        #expect(used([("code, pre", "mono, monospace"), ("body", "body")], faces: faces) == ["body", "mono"])
    }

    @Test("a generic family first stops the search; unknown local names are skipped; pseudo-elements and style attributes count")
    func lists() {
        #expect(used([("body", "sans-serif, body")], faces: ["body"]) == [])
        #expect(used([("body", "helvetica neue, body")], faces: ["body"]) == ["body"])
        #expect(used([(".icon::before", "icons")], faces: ["icons"]) == ["icons"], "an empty span still shows ::before content")
        #expect(used([(".empty-box", "boxes")], faces: ["boxes"]) == [], "no text, no font")
        #expect(used([(nil, "inline")], faces: ["inline"]) == ["inline"])
        #expect(used([(".nothing", "ghost")], faces: ["ghost"]) == [])
    }

    @Test("a pseudo-element's family is its own cascade's winner: the Font Awesome pattern fetches only the brands face")
    func pseudoElementCascade() {
        let faces: Set<String> = ["free", "brands"]
        // `.icon:before { font-family: Free }` then `.icon.brands:before { font-family: Brands }` on a brands icon.
        let brandsIcon = SelectorMatcher(outline(#"<html><body><a class="icon brands"></a></body></html>"#))
        var cache = SelectorCache()
        let declarations = [FontUsage.Declaration(families: ["free"], selector: ".icon:before"),
                            FontUsage.Declaration(families: ["brands"], selector: ".icon.brands:before")]
        #expect(FontUsage.usedFamilies(declarations: declarations, faces: faces, matcher: brandsIcon, selectors: &cache) == ["brands"])
        // The two-class rule wins whatever the order; ::after is a pseudo-element of its own.
        let reversed = [declarations[1], declarations[0], FontUsage.Declaration(families: ["free"], selector: ".icon::after")]
        #expect(FontUsage.usedFamilies(declarations: reversed, faces: faces, matcher: brandsIcon, selectors: &cache) == ["brands", "free"])
        #expect(used([(".icon::before", "free"), ("main .icon::before", "brands")], faces: faces) == ["brands"])
    }
}
