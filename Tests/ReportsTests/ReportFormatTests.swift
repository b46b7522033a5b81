import Audit
import CrawlModel
import Foundation
import Reports
import Testing
import TestSupport

@Suite("Report formats on the fixture site (real HTTP against the embedded server)")
struct ReportFormatTests {
    func sampleOutcome(_ crawl: FixtureCrawl) throws -> BudgetOutcome {
        try Budget.decode(Array(Data(contentsOf: Repo.sampleBudget))).evaluate(crawl.result)
    }

    @Test("JSON: the same crawl gives the same bytes, apart from the port; timings only when asked")
    func jsonDeterministic() async throws {
        let a = try await FixtureCrawl.run(), b = try await FixtureCrawl.run()
        let ja = try JSONReport(result: a.result, audits: SiteAudit.pages(a.result), checks: try sampleOutcome(a)).encoded()
        let jb = try JSONReport(result: b.result, audits: SiteAudit.pages(b.result), checks: try sampleOutcome(b)).encoded()
        #expect(a.base.port != b.base.port)
        let na = String(decoding: ja, as: UTF8.self).replacingOccurrences(of: "127.0.0.1:\(a.base.port!)", with: "127.0.0.1:PORT")
        let nb = String(decoding: jb, as: UTF8.self).replacingOccurrences(of: "127.0.0.1:\(b.base.port!)", with: "127.0.0.1:PORT")
        #expect(na == nb)
        #expect(!na.contains("timingsMs"))
        let timed = String(decoding: try JSONReport(result: a.result, audits: SiteAudit.pages(a.result), includeTimings: true).encoded(), as: UTF8.self)
        #expect(timed.contains("\"timingsMs\""))
    }

    @Test("JSON: the report reads back into the model that wrote it (what diff and --baseline read) and writes the same bytes again")
    func jsonReadsBack() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let audits = SiteAudit.pages(crawl.result)
        let plain = JSONReport(result: crawl.result, audits: audits)
        let snapshot = ReportSnapshot(plain)
        let full = JSONReport(result: crawl.result, audits: audits, checks: try sampleOutcome(crawl),
                              baseline: BaselineDiff(old: snapshot, new: snapshot), includeTimings: true)
        for report in [plain, full] {
            let bytes = try report.encoded()
            let back = try JSONReport.decode(bytes)
            #expect(try back.encoded() == bytes)
            #expect(ReportSnapshot(back) == ReportSnapshot(report))
        }
        #expect(snapshot.pages.count == crawl.result.pages.count && snapshot.resources.count == crawl.result.resources.count)
    }

    @Test("JSON: a file that is not a report, or of another version, is refused saying why")
    func notAReport() {
        #expect { try JSONReport.decode(Data(#"{"version": 1, "pages": []}"#.utf8)) } throws: { error in
            (error as? BudgetError)?.message == "not an assetcrawl JSON report: startURL is missing"
        }
        #expect { try JSONReport.decode(Data(#"{"version": 1, "startURL": 3}"#.utf8)) } throws: { error in
            (error as? BudgetError)?.message == "not an assetcrawl JSON report: startURL has the wrong type"
        }
        #expect { try JSONReport.decode(Data(#"{"version": 2, "pages": []}"#.utf8)) } throws: { error in
            (error as? BudgetError)?.message.hasPrefix("report version 2 is not one this assetcrawl reads (1)") == true
        }
        #expect { try JSONReport.decode(Data("[1,".utf8)) } throws: { error in
            (error as? BudgetError)?.message.hasPrefix("not JSON") == true
        }
    }

    @Test("JSON: validates against Schemas/report.schema.json, with and without checks and timings", .requires(.pythonModule("jsonschema")))
    func jsonSchema() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let audits = SiteAudit.pages(crawl.result)
        let snapshot = ReportSnapshot(JSONReport(result: crawl.result, audits: audits))
        let diff = BaselineDiff(old: snapshot, new: snapshot)
        for report in [JSONReport(result: crawl.result, audits: audits),
                       JSONReport(result: crawl.result, audits: audits, checks: try sampleOutcome(crawl), baseline: diff, includeTimings: true)] {
            let file = temporaryFile("report.json")
            defer { try? FileManager.default.removeItem(at: file) }
            try report.encoded().write(to: file)
            let script = """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1]))
                jsonschema.Draft202012Validator.check_schema(schema)
                report = json.load(open(sys.argv[2]))
                jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(report)
                print(len(report["pages"]), len(report["resources"]))
                """
            let result = try await run("python3", ["-c", script, Repo.schemas.appendingPathComponent("report.schema.json").path, file.path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "12 112\n")
        }
    }

    @Test("JSON: a report that breaks the contract fails the schema", .requires(.pythonModule("jsonschema")))
    func jsonSchemaRejects() async throws {
        let crawl = try await FixtureCrawl.shared.value
        var object = try #require(try JSONSerialization.jsonObject(with: try JSONReport(result: crawl.result, audits: SiteAudit.pages(crawl.result)).encoded()) as? [String: Any])
        var resources = try #require(object["resources"] as? [[String: Any]])
        resources[0].removeValue(forKey: "etag")
        object["resources"] = resources
        let file = temporaryFile("bad.json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: object).write(to: file)
        let result = try await run("python3", ["-c", "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))",
                                         Repo.schemas.appendingPathComponent("report.schema.json").path, file.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("'etag' is a required property"))
    }

    @Test("the sample budget validates against Schemas/budget.schema.json (for editors), a typo does not", .requires(.pythonModule("jsonschema")))
    func budgetSchema() async throws {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
            errors = list(jsonschema.Draft202012Validator(schema).iter_errors({"version": 1, "pages": [{"match": "/**", "maxRequest": 3}]}))
            print(len(errors))
            """
        let result = try await run("python3", ["-c", script, Repo.schemas.appendingPathComponent("budget.schema.json").path, Repo.sampleBudget.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "1\n")
    }

    @Test("JSON golden file (sample budget checks included)")
    func jsonGolden() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let data = try JSONReport(result: crawl.result, audits: SiteAudit.pages(crawl.result), checks: try sampleOutcome(crawl)).encoded()
        try expectGolden("report.json", crawl.normalise(String(decoding: data, as: UTF8.self)))
    }

    @Test("JUnit: a suite per page plus the site, golden file")
    func junit() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let xml = JUnitReport.render(try sampleOutcome(crawl))
        #expect(xml.components(separatedBy: "<testsuite ").count - 1 == 13, "12 pages and the site")
        #expect(xml.contains("failures=\"0\""))
        try expectGolden("junit.xml", crawl.normalise(xml))
    }

    /// A budget that fails three checks and warns on one, on the fixture crawl.
    func failingOutcome(_ crawl: FixtureCrawl) -> BudgetOutcome {
        let budget = Budget(pages: [.init(match: "/", rules: .init(maxRequests: 5, noBrokenRequisites: .error))],
                            site: .init(maxRepeatVisitBytes: 10, securityHeaders: .init(level: .warn, require: ["Permissions-Policy"])))
        return budget.evaluate(crawl.result)
    }

    @Test("JUnit: valid against Schemas/junit.xsd (xmllint), passing and failing", .requires(.xmllint))
    func junitSchema() async throws {
        let crawl = try await FixtureCrawl.shared.value
        try await validateJUnit(JUnitReport.render(try sampleOutcome(crawl)))
        try await validateJUnit(JUnitReport.render(failingOutcome(crawl)))
    }

    @Test("JUnit: a failed check is a <failure> whose message says what to fix")
    func junitFailure() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let outcome = failingOutcome(crawl)
        #expect(!outcome.passed)
        let xml = JUnitReport.render(outcome)
        #expect(xml.contains("<testsuites name=\"assetcrawl\" tests=\"4\" failures=\"3\" errors=\"0\" skipped=\"0\""), "\(xml)")
        #expect(xml.contains("<failure message=\"/ makes 12 requests, 7 over the budget of 5: bundle files"))
        #expect(xml.contains("/img/missing.png from / &lt;img src&gt; line 33: http: HTTP 404"))
        #expect(xml.contains("<failure message=\"repeat visit of the site is "), "\(xml)")
        #expect(xml.contains("<system-out>warning: 12 security header problems"), "\(xml)")
    }

    func validateJUnit(_ xml: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let file = temporaryFile("junit.xml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(xml.utf8).write(to: file)
        let result = try await run("xmllint", ["--noout", "--schema", Repo.schemas.appendingPathComponent("junit.xsd").path, file.path])
        #expect(result.status == 0, "xmllint: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("validates"), sourceLocation: sourceLocation)
    }

    @Test("HAR 1.2: read by haralyzer, every exchange present, a page per crawled page and per revalidation", .requires(.pythonModule("haralyzer")))
    func har() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let data = try HARReport.render(result: crawl.result, startedAt: Date(timeIntervalSince1970: 1_800_000_000))
        let file = temporaryFile("crawl.har")
        defer { try? FileManager.default.removeItem(at: file) }
        try data.write(to: file)
        let script = """
            import json, sys
            from haralyzer import HarParser, HarPage
            har = json.load(open(sys.argv[1]))
            parser = HarParser(har)
            assert parser.har_data["version"] == "1.2", parser.har_data["version"]
            pages = parser.pages
            entries = sum(len(p.entries) for p in pages)
            first = [p for p in pages if p.page_id.startswith("page_")]
            reval = [p for p in pages if p.page_id.startswith("revalidation_")]
            home = HarPage("page_1", har_parser=parser)
            print(len(pages), len(first), len(reval), entries, home.get_total_size(home.entries) > 0, len(home.image_files))
            for e in parser.har_data["entries"]:
                assert e["response"]["bodySize"] >= 0 and e["response"]["headersSize"] > 0, e["request"]["url"]
                assert e["response"]["content"]["size"] >= e["response"]["bodySize"] - 0
                assert all(e["timings"][k] >= 0 for k in ("send", "wait", "receive"))
            """
        let result = try await run("python3", ["-c", script, file.path])
        #expect(result.status == 0, "\(result.stderr)")
        // 10 first-visit pages + 10 revalidation pages; entries: each page's own resources (17+12+13+14+14+11+12+17+12+14 = 136)
        // and 2 probes per resource that had validators.
        let fields = result.stdout.split(separator: " ").map(String.init)
        #expect(Array(fields.prefix(3)) == ["24", "12", "12"], "\(result.stdout)")
        let expectedEntries = crawl.result.pages.reduce(0) { total, page in
            let urls = [page.url] + crawl.result.requisites(of: page).filter { $0 != page.url }
            return total + urls.compactMap { crawl.result.resources[$0] }.reduce(0) { n, r in
                n + 1 + r.redirects.count + (r.revalidation?.ifNoneMatch == nil ? 0 : 1) + (r.revalidation?.ifModifiedSince == nil ? 0 : 1)
            }
        }
        #expect(fields.count > 3 && Int(fields[3]) == expectedEntries)
        #expect(fields.count > 5 && fields[4] == "True" && Int(fields[5].trimmingCharacters(in: .whitespacesAndNewlines))! > 0)

        // Every exchange of the crawl is in the file.
        let har = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try #require((har["log"] as? [String: Any])?["entries"] as? [[String: Any]])
        func key(_ entry: [String: Any]) -> String {
            let request = entry["request"] as? [String: Any] ?? [:]
            let headers = (request["headers"] as? [[String: String]] ?? []).filter { $0["name"]!.hasPrefix("If-") }.map { $0["name"]! }
            return "\(request["url"] ?? "") \(headers.joined())"
        }
        let present = Set(entries.map(key))
        for resource in crawl.result.resources.values {
            #expect(present.contains("\(resource.exchange.url) "), "\(resource.url)")
            if resource.revalidation?.ifNoneMatch != nil { #expect(present.contains("\(resource.exchange.url) If-None-Match")) }
            if resource.revalidation?.ifModifiedSince != nil { #expect(present.contains("\(resource.exchange.url) If-Modified-Since")) }
        }
    }

    @Test("HAR golden file: the home page's first visit and revalidation (timings and dates normalised)")
    func harGolden() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let data = try HARReport.render(result: crawl.result, startedAt: Date(timeIntervalSince1970: 1_800_000_000))
        // The whole file is 20 HAR pages of ~400 entries; the golden file keeps the first two.
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var log = try #require(object["log"] as? [String: Any])
        let keep: Set<String> = ["page_1", "revalidation_1"]
        log["pages"] = (log["pages"] as? [[String: Any]])?.filter { keep.contains($0["id"] as? String ?? "") }
        log["entries"] = (log["entries"] as? [[String: Any]])?.filter { keep.contains($0["pageref"] as? String ?? "") }
        object["log"] = log
        var har = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        har = har.replacingOccurrences(of: #""(time|wait|receive|onLoad)" ?: ?[0-9.e-]+"#, with: "\"$1\" : 0", options: .regularExpression)
        try expectGolden("crawl.har", crawl.normalise(har))
    }

    @Test("DOT: every page and requisite is a node, golden file")
    func dot() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let dot = DOTReport.render(result: crawl.result)
        #expect(dot.hasPrefix("digraph assets {"))
        #expect(dot.contains("\"/\" -> \"/css/site.css\";"))
        #expect(dot.contains("\"/css/site.css\" -> \"/css/base.css\" [style=dashed];"))
        #expect(dot.contains("\"/img/missing.png\" [label=\"/img/missing.png\\nimage, 977 B\\nhttp: HTTP 404\""))
        try expectGolden("graph.dot", crawl.normalise(dot))
    }

    @Test("DOT: Graphviz lays it out", .requires(.dot))
    func dotRenders() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let file = temporaryFile("graph.dot")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(DOTReport.render(result: crawl.result).utf8).write(to: file)
        let result = try await run("dot", ["-Tsvg", file.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("<svg") && result.stdout.contains("/img/missing.png"))
    }

    @Test("text summary: fits 100 columns, colour only when asked, golden file")
    func text() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let budget = Budget(pages: [.init(match: "/**", rules: .init(maxRequests: 10))], site: .init(securityHeaders: .init(level: .warn)))
        let outcome = budget.evaluate(crawl.result)
        let plain = TextReport.render(result: crawl.result, audits: SiteAudit.pages(crawl.result), outcome: outcome)
        for line in plain.split(separator: "\n") { #expect(line.count <= 100, "\(line)") }
        #expect(!plain.contains("\u{1B}["))
        #expect(plain.contains("FAIL / maxRequests: / makes 12 requests, 2 over the budget of 10"), "the headline's requests: one candidate per set")
        #expect(!plain.contains("FAIL /about.html"), "10 requests are within 10")
        let coloured = TextReport.render(result: crawl.result, audits: SiteAudit.pages(crawl.result), outcome: outcome, colour: true)
        #expect(coloured.contains("\u{1B}[31mFAIL"))
        #expect(coloured.replacingOccurrences(of: "\u{1B}\\[[0-9]+m", with: "", options: .regularExpression) == plain)
        try expectGolden("summary.txt", crawl.normalise(plain))
    }

    @Test("HTML golden file; nothing in it can load from the network")
    func htmlStatic() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let html = try HTMLReport.render(result: crawl.result, audits: SiteAudit.pages(crawl.result), outcome: try sampleOutcome(crawl))
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"))
        for pattern in [#"\s(src|href|srcset|action|poster|data)\s*="#, #"url\("#, "@import", "<script", "<link", "<iframe", "<object", "<embed"] {
            #expect(html.range(of: pattern, options: [.regularExpression, .caseInsensitive]) == nil, "\(pattern)")
        }
        #expect(html.contains("/img/missing.png") && html.contains("<td class=\"n\">33</td>"), "broken reference with its line")
        try expectGolden("report.html", crawl.normalise(html))
    }
}
