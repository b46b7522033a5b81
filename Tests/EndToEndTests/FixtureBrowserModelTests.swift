import Audit
import CrawlModel
import Foundation
import Testing
import TestSupport

@Suite("End to end: the browser model's headline over the fixture site, against the hand-written manifest")
struct FixtureBrowserModelTests {
    struct Expected: Decodable {
        var pages: [String: [String]]
        var notChosen: [String: [String: String]]
        static func load() throws -> Expected { try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Repo.manifest)) }
    }

    @Test("every page's headline set and notChosen reasons equal the manifest; firstVisitBytes sums exactly that set")
    func headlineMatchesManifest() async throws {
        let expected = try Expected.load()
        let (result, base) = try await FixtureCrawlTests().crawlFixture(revalidate: false)
        func path(_ url: String) -> String { "/" + url.dropFirst(base.absoluteString.count) }
        let audits = Dictionary(uniqueKeysWithValues: SiteAudit.pages(result).map { (path($0.url), $0) })
        let bandwidth = Bandwidth.pages(result)
        #expect(Set(expected.notChosen.keys) == Set(expected.pages.keys))
        for page in result.pages {
            let key = path(page.url)
            let all = try #require(expected.pages[key], "\(key) is not in the manifest")
            let reasons = expected.notChosen[key] ?? [:]
            let headline = Set(all).subtracting(reasons.keys).union([key])
            let choice = BrowserModel.choose(page, in: result, viewport: .desktop)
            #expect(Set(choice.chosen.map(path)) == headline, "headline set of \(key)")
            #expect(Dictionary(uniqueKeysWithValues: choice.notChosen.map { (path($0.key), $0.value) }) == reasons, "notChosen of \(key)")
            let bytes = headline.compactMap { result.resources[base.absoluteString + $0.dropFirst()]?.wireBytes }.reduce(0, +)
            let audit = try #require(audits[key])
            #expect(audit.firstVisitBytes == bytes, "firstVisitBytes of \(key)")
            #expect(bandwidth[page.url]?.firstVisitBytes == bytes, "Bandwidth.firstVisitBytes of \(key)")
            let allBytes = Set(all + [key]).compactMap { result.resources[base.absoluteString + $0.dropFirst()]?.wireBytes }.reduce(0, +)
            #expect(audit.firstVisitBytesAllCandidates == allBytes, "all candidates of \(key)")
            #expect(bandwidth[page.url]?.firstVisitBytesAllCandidates == allBytes)
        }
    }

    @Test("at 375x812@2 the phone candidates win: 100vw sizes, 2x densities, the small-screen source and background")
    func phoneViewport() async throws {
        let (result, base) = try await FixtureCrawlTests().crawlFixture(revalidate: false)
        func page(_ path: String) throws -> PageResult { try #require(result.pages.first { $0.url == base.absoluteString + path }) }
        let phone = Viewport(width: 375, height: 812, devicePixelRatio: 2)
        let gallery = Set(BrowserModel.choose(try page("gallery.html"), in: result, viewport: phone).chosen.map { String($0.dropFirst(base.absoluteString.count)) })
        // sizes → 100vw = 375px: densities 400w 1.07, 800w 2.13, 1600w 4.27 at DPR 2 → 800w.
        #expect(gallery.isSuperset(of: ["img/r-800.png", "img/m-small.png", "img/x-2.png", "img/is-2x.png", "img/g.webp"]))
        #expect(gallery.isDisjoint(with: ["img/r-400.png", "img/r-1600.png", "img/m-large-1x.png", "img/x-1.png", "img/is-1x.png"]))
        let fonts = BrowserModel.choose(try page("fonts.html"), in: result, viewport: phone)
        #expect(fonts.chosen.contains(base.absoluteString + "img/mobile-bg.png"), "@media (max-width: 600px) matches a phone")
        let home = Set(BrowserModel.choose(try page(""), in: result, viewport: phone).chosen.map { String($0.dropFirst(base.absoluteString.count)) })
        #expect(home.contains("img/logo@2x.png") && !home.contains("img/logo.png"))
    }
}
