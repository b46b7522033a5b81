@testable import AssetCrawlCLI
import CrawlModel
import FixtureServer
import Foundation
import TestSupport
import Testing

/// `crawl --browser` gives each tab a Chromium of its own only when the static crawl saw an
/// icon fail: Chromium remembers a 404 icon process-wide, and tabs sharing a process would race.
@Suite("--browser: one Chromium per tab when an icon fails")
struct BrowserProcessChoiceTests {
    @Test("a site whose pages' icons answer 200 shares one Chromium; a missing /favicon.ico or declared icon does not")
    func iconStatusDecides() async throws {
        let plain = "<!doctype html><html><body><a href=\"b.html\">b</a></body></html>"
        let declared = "<!doctype html><html><head><link rel=\"icon\" href=\"/i.png\"></head><body>b</body></html>"
        let cases: [([String: String], Bool)] = [
            (["index.html": plain, "b.html": plain, "favicon.ico": "x"], false),
            (["index.html": plain, "b.html": plain], true),
            (["index.html": plain, "b.html": declared, "favicon.ico": "x"], true),
            (["index.html": plain, "b.html": declared, "favicon.ico": "x", "i.png": "x"], false),
        ]
        for (files, perTab) in cases {
            let result = try await withTemporarySite(files) { root in
                try await FixtureServer.withFixtureServer(root: root) { base in try await crawl([base]) }
            }
            #expect(result.pages.count == 2)
            #expect(BrowserFlags.someIconFails(result) == perTab, "\(files.keys.sorted())")
        }
    }
}
