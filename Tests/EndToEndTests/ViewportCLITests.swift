import Foundation
import Testing
import TestSupport

@Suite("--viewport on the command line")
struct ViewportCLITests {
    @Test("--viewport 375x812@2 picks the phone candidates and is written in the report; a bad value says what to type")
    func viewport() async throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: json) }
        let run = try await runCLI(["crawl", "--serve", "Samples/FixtureSite", "--viewport", "375x812@2", "--no-revalidate", "--quiet",
                              "--json", json.path])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect(report["viewport"] as? String == "375x812@2")
        let pages = try #require(report["pages"] as? [[String: Any]])
        let about = try #require(pages.first { ($0["url"] as? String)?.hasSuffix("/about.html") == true })
        let left = (about["notChosen"] as? [[String: String]] ?? []).compactMap { $0["url"] }
        #expect(left.contains { $0.hasSuffix("/img/logo.png") } && !left.contains { $0.hasSuffix("/img/logo@2x.png") }, "\(left)")

        let bad = try await runCLI(["crawl", "--serve", "Samples/FixtureSite", "--viewport", "big"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--viewport 1280x800@1"), "\(bad.stderr)")
    }
}
