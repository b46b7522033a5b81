import Audit
import CrawlModel
import Foundation
import Testing

@Suite("Budget files: parsed with line numbers, typos named")
struct BudgetDecodingTests {
    func decode(_ text: String) throws(BudgetError) -> Budget { try Budget.decode(Array(text.utf8)) }

    @Test("the sample budget parses")
    func sample() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples/budget.json")
        let budget = try Budget.decode(Array(try Data(contentsOf: url)))
        #expect(budget.allowBroken == ["/img/missing.png"])
        #expect(budget.pages.map(\.match) == ["/contact.html", "/gallery.html", "/fonts.html", "/", "/index.html", "/**"])
        #expect(budget.site.securityHeaders?.level == .error)
        #expect(budget.rules(forPath: "/")?.maxFirstVisitBytesByKind?[.image] == 5 * 1024)
        #expect(budget.rules(forPath: "/blog/post-1.html")?.maxFirstVisitBytesByKind?[.image] == 3 * 1024)
        #expect(budget.rules(forPath: "/")?.maxFirstVisitBytes == 13 * 1024)
        #expect(budget.rules(forPath: "/")?.maxRequests == 20, "unset fields come from later matching entries")
    }

    @Test("sizes: numbers, B, KB, MB")
    func sizes() throws {
        let budget = try decode(#"{"pages": [{"match": "/**", "maxFirstVisitBytes": "1.5 MB", "maxRepeatVisitBytes": 900, "maxFirstVisitBytesByKind": {"font": "20 KB", "image": "10 B"}}]}"#)
        let rules = try #require(budget.rules(forPath: "/x"))
        #expect(rules.maxFirstVisitBytes == 1_572_864)
        #expect(rules.maxRepeatVisitBytes == 900)
        #expect(rules.maxFirstVisitBytesByKind == [.font: 20480, .image: 10])
    }

    @Test("levels: true, false, error, warn, off; objects with level")
    func levels() throws {
        let budget = try decode(#"{"site": {"noFullRevalidation": true, "requireValidators": "warn", "noBrokenRequisites": false, "compressText": {"level": "off", "minBytes": 10}}}"#)
        #expect(budget.site.noFullRevalidation == .error)
        #expect(budget.site.requireValidators == .warn)
        #expect(budget.site.noBrokenRequisites == .off)
        #expect(budget.site.compressText == Budget.Compression(level: .off, minBytes: 10))
    }

    @Test("problems are reported with their line and what to write instead", arguments: [
        ("{\n  \"version\": 1,\n  \"pages\": [\n    {\"match\": \"/**\",\n     \"maxRequest\": 3}\n  ]\n}", 5, "did you mean \"maxRequests\""),
        ("{\n  \"site\": {\n    \"maxRequests\": \"many\"\n  }\n}", 3, "whole number"),
        ("{\n  \"site\": {\n    \"maxFirstVisitBytes\": \"12 parsecs\"\n  }\n}", 3, "\"150 KB\""),
        ("{\n  \"pages\": [\n    {\"match\": \"/**\", \"maxFirstVisitBytesByKind\": {\n      \"images\": 3}}\n  ]\n}", 4, "not an asset kind"),
        ("{\n  \"pages\": [\n    {\"maxRequests\": 3}\n  ]\n}", 3, "needs \"match\""),
        ("{\n  \"pages\": [\n    {\"match\": \"blog/*\"}\n  ]\n}", 3, "starts with /"),
        ("{\n  \"site\": {\n    \"noFullRevalidation\": \"yes\"\n  }\n}", 3, "true, false"),
        ("{\n  \"site\": {\n    \"securityHeaders\": {\"require\": [\"X-Powered-By\"]}\n  }\n}", 3, "not a security header"),
        ("{\n  \"version\": 2\n}", 2, "unsupported budget version"),
        ("{\n  \"site\": {\n    \"maxRequests\": 3,\n  }\n}", 4, "expected a quoted key"),
        ("{\n  \"site\": {\n    \"maxRequests\": 3\n  \n", 5, "end of the file"),
        ("{\n  \"allowBroken\": [\"/a\"],\n  \"allowBroken\": []\n}", 3, "appears twice"),
        ("{\n  'site': {}\n}", 2, "expected a quoted key"),
        ("[1, 2]", 1, "must be a JSON object"),
    ])
    func problems(text: String, line: Int, message: String) {
        #expect {
            try decode(text)
        } throws: { error in
            guard let error = error as? BudgetError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }

    @Test("globs: * within a segment, ** across, ? and classes")
    func globs() {
        #expect(PathGlob.matches("/**", "/"))
        #expect(PathGlob.matches("/**", "/a/b/c.html"))
        #expect(PathGlob.matches("/blog/*", "/blog/post-1.html"))
        #expect(!PathGlob.matches("/blog/*", "/blog/a/b.html"))
        #expect(PathGlob.matches("/blog/**", "/blog/"))
        #expect(PathGlob.matches("/blog/**", "/blog/a/b.html"))
        #expect(PathGlob.matches("/**/*.png", "/img/x.png"))
        #expect(PathGlob.matches("/**/*.png", "/x.png"))
        #expect(!PathGlob.matches("/", "/index.html"))
        #expect(PathGlob.matches("/img/hero-?.png", "/img/hero-1.png"))
        #expect(PathGlob.matches("/v[0-9]/*", "/v2/a"))
        #expect(!PathGlob.matches("/v[0-9]/*", "/vx/a"))
    }
}
