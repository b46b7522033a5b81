@testable import Audit
import CrawlModel
import Extraction
import Foundation
import Testing

/// Pages that share a stylesheet but answer its page-dependent questions differently (which
/// selectors match, which font faces their text uses) must each get the choice a fresh model
/// gives them, whatever page the memo's entry was made for.
@Suite("The browser model's memo of shared documents")
struct DecisionMemoTests {
    static let origin = "http://memo.invalid"
    static let css = """
    @font-face { font-family: "Brand"; src: url(/fonts/brand.woff2) format("woff2"), url(/fonts/brand.woff) format("woff"); }
    .a { background-image: url(/img/a.png); }
    .b { background-image: url(/img/b.png); font-family: Brand, sans-serif; }
    @media (max-width: 600px) { .a { background-image: url(/img/a-small.png); } }
    """
    static let manifest = #"{"icons":[{"src":"/icon-96.png","sizes":"96x96"},{"src":"/icon-192.png","sizes":"192x192"}]}"#
    static let documents = [
        "/a.html": #"<html><head><link rel="stylesheet" href="/site.css"><link rel="manifest" href="/app.webmanifest"></head><body><div class="a">text</div></body></html>"#,
        "/b.html": #"<html><head><link rel="stylesheet" href="/site.css"><link rel="manifest" href="/app.webmanifest"></head><body><p class="b">text</p></body></html>"#,
        "/ab.html": #"<html><head><link rel="stylesheet" href="/site.css"></head><body><p class="a b">text</p></body></html>"#,
        "/none.html": #"<html><head><link rel="stylesheet" href="/site.css"></head><body><p>text</p></body></html>"#,
    ]

    static func result() throws -> CrawlResult {
        var pages: [PageResult] = []
        var resources: [String: FetchedResource] = [:]
        func fetched(_ path: String, _ kind: AssetKind) {
            let url = origin + path
            resources[url] = FetchedResource(url: url, kind: kind, exchange: Exchange(url: url, status: 200, headerBytes: 100, bodyBytes: 1000))
        }
        for (path, html) in documents {
            let url = try #require(URL(string: origin + path))
            let document = HTMLExtractor.extractDocument(Array(html.utf8), url: url)
            pages.append(PageResult(url: url.absoluteString, depth: 0, references: document.references, outline: document.outline))
            fetched(path, .page)
        }
        for path in ["/img/a.png", "/img/b.png", "/img/a-small.png", "/icon-96.png", "/icon-192.png"] { fetched(path, .image) }
        for path in ["/fonts/brand.woff2", "/fonts/brand.woff"] { fetched(path, .font) }
        fetched("/site.css", .stylesheet)
        fetched("/app.webmanifest", .manifest)
        let cssRefs = Extractor.references(in: Array(css.utf8), contentType: "text/css", url: try #require(URL(string: origin + "/site.css")))
        let manifestRefs = Extractor.references(in: Array(manifest.utf8), contentType: "application/manifest+json",
                                                url: try #require(URL(string: origin + "/app.webmanifest")))
        return CrawlResult(startURLs: [origin + "/a.html"], pages: pages,
                           subresourceReferences: [origin + "/site.css": cssRefs, origin + "/app.webmanifest": manifestRefs],
                           resources: resources)
    }

    @Test("each page gets a fresh model's choice, in any order and at either viewport")
    func sameAsFresh() throws {
        let result = try Self.result()
        let byURL = Dictionary(uniqueKeysWithValues: result.pages.map { ($0.url, $0) })
        let order = ["/a.html", "/b.html", "/a.html", "/none.html", "/ab.html", "/b.html", "/none.html", "/a.html"]
        for viewport in [Viewport.desktop, try Viewport(parsing: "400x800@2")] {
            var shared = SelectorCache()
            for path in order {
                let page = try #require(byURL[Self.origin + path])
                let choice = BrowserModel.choose(page, in: result, viewport: viewport, selectors: &shared)
                #expect(choice == BrowserModel.choose(page, in: result, viewport: viewport), "\(path) at \(viewport)")
            }
        }
        var shared = SelectorCache()
        for path in order {
            _ = BrowserModel.choose(try #require(byURL[Self.origin + path]), in: result, viewport: .desktop, selectors: &shared)
        }
        let a = BrowserModel.choose(try #require(byURL[Self.origin + "/a.html"]), in: result, viewport: .desktop, selectors: &shared)
        let b = BrowserModel.choose(try #require(byURL[Self.origin + "/b.html"]), in: result, viewport: .desktop, selectors: &shared)
        #expect(a.chosen.contains(Self.origin + "/img/a.png") && !a.chosen.contains(Self.origin + "/img/b.png"))
        #expect(a.notChosen[Self.origin + "/fonts/brand.woff2"] != nil, "page a's text uses no Brand face")
        #expect(b.chosen.contains(Self.origin + "/img/b.png") && b.chosen.contains(Self.origin + "/fonts/brand.woff2"))
        #expect(b.chosen.contains(Self.origin + "/icon-192.png") && b.notChosen[Self.origin + "/icon-96.png"] != nil)
    }

    @Test("the memo starts over past its limit and keeps source sizes per viewport")
    func bounded() throws {
        var memo = DecisionMemo()
        let ref = Reference(url: "http://memo.invalid/x.png", raw: "x.png", element: "css", attribute: "url", line: 1, kind: .image, role: .requisite)
        for i in 0..<(DecisionMemo.limit + 1) {
            let key = DecisionMemo.Key(url: "u\(i)", topLevel: true, hasMatcher: true, mediaReason: nil)
            _ = memo.entry(key, viewport: .desktop)
            memo.store(DecisionMemo.Entry(decisions: [(ref, nil)], questions: []), for: key)
        }
        #expect(memo.entry(DecisionMemo.Key(url: "u0", topLevel: true, hasMatcher: true, mediaReason: nil), viewport: .desktop) == nil)
        #expect(memo.entry(DecisionMemo.Key(url: "u\(DecisionMemo.limit)", topLevel: true, hasMatcher: true, mediaReason: nil), viewport: .desktop) != nil)
        let phone = try Viewport(parsing: "400x800@2")
        #expect(memo.sourceSize("50vw", viewport: .desktop) == SourceSelection.sourceSize("50vw", viewport: .desktop))
        #expect(memo.sourceSize("50vw", viewport: phone) == SourceSelection.sourceSize("50vw", viewport: phone))
        #expect(memo.entry(DecisionMemo.Key(url: "u\(DecisionMemo.limit)", topLevel: true, hasMatcher: true, mediaReason: nil), viewport: .desktop) == nil,
                "another viewport's decisions are dropped")
    }
}
