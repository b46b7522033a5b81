import CrawlModel
import Extraction
import Foundation
import Testing

@Suite("Elements that change how their content is read")
struct HTMLContextTests {
    let url = URL(string: "http://h.test/dir/page.html")!

    func extract(_ html: String) -> [Reference] {
        HTMLExtractor.extract(Array(html.utf8), url: url)
    }

    @Test("<template> content is recorded as lazy and inert, never a requisite")
    func template() throws {
        let refs = extract("""
            <template id="row"><img src="t.png"><a href="t.html">t</a><div style="background:url(tbg.png)"></div>
            <base href="http://elsewhere.test/"></template>
            <img src="after.png">
            """)
        let inside = refs.filter { $0.raw.hasPrefix("t") }
        #expect(inside.map(\.raw) == ["t.png", "t.html", "tbg.png"])
        #expect(inside.allSatisfy { $0.role == .lazy && $0.condition?["inert"] == "template" })
        // A <base> inside a template does not apply; what follows the template is read normally.
        let after = try #require(refs.first { $0.raw == "after.png" })
        #expect(after.url == "http://h.test/dir/after.png")
        #expect(after.role == .requisite && after.condition?["inert"] == nil)
        #expect(refs.filter(\.isFetchableRequisite).map(\.raw) == ["after.png"])
    }

    @Test("<noscript> content keeps its role and says it needs scripting disabled")
    func noscript() throws {
        let refs = extract("""
            <head><noscript><link rel="stylesheet" href="ns.css"></noscript><link rel="stylesheet" href="s.css"></head>
            <body><noscript><img src="ns.png" style="background:url(nsbg.png)"></noscript><img src="y.png"></body>
            """)
        #expect(refs.map(\.raw) == ["ns.css", "s.css", "ns.png", "nsbg.png", "y.png"])
        let scriptingOff = refs.filter { $0.condition?["scripting"] == "disabled" }.map(\.raw)
        #expect(scriptingOff == ["ns.css", "ns.png", "nsbg.png"])
        #expect(refs.allSatisfy { $0.role == .requisite })
    }

    @Test("a picture's sources and img are one group; a lone img is its own")
    func pictureGroups() throws {
        let refs = extract("""
            <picture><source type="image/avif" srcset="a.avif 1x, a2.avif 2x"><source srcset="b.webp">
            <img src="c.png" srcset="c.png 1x, c2.png 2x" sizes="100vw"></picture>
            <img src="d.png" srcset="d2.png 2x"><img src="e.png">
            """)
        let picture = refs.filter { ["a.avif", "a2.avif", "b.webp", "c.png", "c2.png"].contains($0.raw) }
        #expect(picture.count == 6)
        #expect(Set(picture.map(\.candidateGroup)).count == 1)
        #expect(picture[0].condition?["type"] == "image/avif")
        #expect(picture[1].condition?["descriptor"] == "2x")
        let d = refs.filter { $0.raw.hasPrefix("d") }
        #expect(d.count == 2 && d[0].candidateGroup == d[1].candidateGroup)
        let e = try #require(refs.first { $0.raw == "e.png" })
        #expect(e.candidateGroup != picture[0].candidateGroup && e.candidateGroup != d[0].candidateGroup)
    }

    @Test("a video's src and sources are one group; poster and track stand alone")
    func videoGroups() throws {
        let refs = extract("""
            <video src="v.mp4" poster="p.jpg"><source src="v.webm" type="video/webm"><source src="v.ogv">
            <track src="en.vtt" kind="subtitles"></video>
            <audio><source src="a.opus"><source src="a.mp3"></audio>
            """)
        let byRaw = Dictionary(uniqueKeysWithValues: refs.map { ($0.raw, $0) })
        let video = ["v.mp4", "v.webm", "v.ogv"].compactMap { byRaw[$0] }
        #expect(video.count == 3 && video.allSatisfy { $0.kind == .media })
        #expect(Set(video.map(\.candidateGroup)).count == 1)
        #expect(byRaw["p.jpg"]?.kind == .image && byRaw["p.jpg"]?.candidateGroup == nil)
        #expect(byRaw["en.vtt"]?.kind == .track && byRaw["en.vtt"]?.candidateGroup == nil)
        #expect(byRaw["a.opus"]?.candidateGroup == byRaw["a.mp3"]?.candidateGroup)
        #expect(byRaw["a.opus"]?.candidateGroup != video[0].candidateGroup)
    }

    @Test("lazy data-src and data-srcset candidates form their own group")
    func lazyGroups() {
        let refs = extract(#"<img src="data:," data-src="l.png" data-srcset="l1.png 1x, l2.png 2x"><img data-srcset="m1.png 1x, m2.png 2x">"#)
        let first = refs.filter { $0.raw.hasPrefix("l") }
        let second = refs.filter { $0.raw.hasPrefix("m") }
        #expect(first.count == 3 && Set(first.map(\.candidateGroup)).count == 1 && first[0].candidateGroup != nil)
        #expect(second.count == 2 && second[0].candidateGroup == second[1].candidateGroup && second[0].candidateGroup != nil)
        #expect(first[0].candidateGroup != second[0].candidateGroup && first[0].candidateGroup != refs[0].candidateGroup)
        #expect((first + second).allSatisfy { $0.role == .lazy })
    }

    @Test("<iframe srcdoc> is extracted as a document resolved against the page's base")
    func srcdoc() throws {
        let refs = extract("""
            <base href="/assets/">
            <iframe srcdoc="&lt;img src=&quot;inner.png&quot;&gt;&lt;link rel=stylesheet href=in.css&gt;"></iframe>
            """)
        let inner = refs.filter { $0.condition?["srcdoc"] == "iframe" }
        #expect(inner.map(\.url) == ["http://h.test/assets/inner.png", "http://h.test/assets/in.css"])
        #expect(inner.allSatisfy { $0.line == 2 })
    }

    @Test("style attributes: entities decoded before CSS, every construct, the element recorded")
    func styleAttribute() throws {
        let refs = extract("""
            <div style="background-image: url(&quot;a.png&quot;), url(&#39;b.png&#39;); \
            mask: &#x75;rl(c.png); cursor: url(d\\2e cur), auto; --x: image-set(&quot;e.png&quot; 1x, url(f.png) 2x)"></div>
            """)
        #expect(refs.map(\.url) == ["http://h.test/dir/a.png", "http://h.test/dir/b.png", "http://h.test/dir/c.png",
                                    "http://h.test/dir/d.cur", "http://h.test/dir/e.png", "http://h.test/dir/f.png"])
        #expect(refs.allSatisfy { $0.element == "div" && $0.attribute == "style" && $0.kind == .image })
        #expect(refs[0].condition?["css"] == "url")
        #expect(refs[4].condition?["css"] == "image-set")
        #expect(refs[4].candidateGroup == refs[5].candidateGroup && refs[4].candidateGroup != nil)
    }

    @Test("data: and javascript: values in every position are recorded, not fetchable")
    func unfetchableEverywhere() {
        let refs = extract("""
            <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" srcset="data:image/png;base64,iVBO 2x">
            <div style="background:url(data:image/svg+xml;utf8,<svg/>)"></div>
            <a href="javascript:alert(1)">x</a><iframe src="about:blank"></iframe>
            """)
        #expect(refs.count == 5)
        #expect(refs.allSatisfy { $0.url == nil && $0.notFetchable != nil && !$0.isFetchableRequisite })
    }

    @Test("the first <base href> wins and applies to references before it")
    func baseFirstWins() {
        let refs = extract(#"<img src="a.png"><base href="http://cdn.test/x/"><base href="http://other.test/"><img src="b.png">"#)
        #expect(refs.filter(\.isFetchableRequisite).map(\.url) == ["http://cdn.test/x/a.png", "http://cdn.test/x/b.png"])
        #expect(refs.filter { $0.element == "base" }.map(\.url) == ["http://cdn.test/x/", "http://other.test/"])
    }
}
