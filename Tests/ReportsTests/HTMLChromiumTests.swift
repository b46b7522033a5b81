import Audit
import Foundation
import Reports
import Testing
import TestSupport

/// The HTML report in real headless Chromium (Debian's `chromium`; `.ci/run` installs it).
///
/// Chromium runs with a dead loopback proxy and a resolver that finds no host, so nothing can
/// leave the machine whatever a page asks for; its net log then shows whether the page asked.
@Suite("HTML report in headless Chromium", .serialized, .requires(.chromium))
struct HTMLChromiumTests {
    static let flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-pings",
        "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
    ]

    /// Requests the page's documents started, read from Chromium's net log (the browser's own
    /// background services have the initiator "not an origin").
    func documentRequests(netLog: URL) throws -> [String] {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: netLog)) as? [String: Any])
        let constants = try #require(log["constants"] as? [String: Any])
        let types = try #require(constants["logEventTypes"] as? [String: Int])
        let startJob = try #require(types["URL_REQUEST_START_JOB"])
        let events = try #require(log["events"] as? [[String: Any]])
        return events.compactMap { event in
            guard event["type"] as? Int == startJob, let params = event["params"] as? [String: Any],
                  params["initiator"] as? String != "not an origin" else { return nil }
            return params["url"] as? String
        }
    }

    /// Renders `html` as `dir/name`; `dir` is the caller's temporary folder.
    func render(_ html: String, name: String, in dir: URL) async throws -> (screenshot: URL, netLog: URL, dom: String) {
        let page = dir.appendingPathComponent(name)
        try Data(html.utf8).write(to: page)
        let screenshot = dir.appendingPathComponent("screenshot.png"), netLog = dir.appendingPathComponent("net.json")
        let shot = try await run("chromium", Self.flags + ["--window-size=1280,2400", "--screenshot=\(screenshot.path)",
                                                     "--log-net-log=\(netLog.path)", page.absoluteString])
        #expect(shot.status == 0, "\(shot.stderr)")
        let dom = try await run("chromium", Self.flags + ["--dump-dom", page.absoluteString])
        #expect(dom.status == 0, "\(dom.stderr)")
        return (screenshot, netLog, dom.stdout)
    }

    @Test("the fixture report renders, produces a screenshot, and requests nothing")
    func report() async throws {
        let crawl = try await FixtureCrawl.shared.value
        let outcome = try Budget.decode(Array(Data(contentsOf: Repo.sampleBudget))).evaluate(crawl.result)
        let html = try HTMLReport.render(result: crawl.result, audits: SiteAudit.pages(crawl.result), outcome: outcome)
        try await withTemporarySite([String: String]()) { dir in
            let (screenshot, netLog, dom) = try await render(html, name: "report.html", in: dir)
            let size = try FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int ?? 0
            #expect(size > 20_000, "a screenshot of a rendered page, not a blank one")
            let png = try Data(contentsOf: screenshot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            // The DOM Chromium built has every section and the inline SVG charts.
            for heading in ["Checks", "First and repeat visit bytes per page", "Revalidation verdicts", "Largest assets", "Broken references", "Asset graph"] {
                #expect(dom.contains(">\(heading)</h2>"), "\(heading)")
            }
            #expect(dom.components(separatedBy: "<svg").count - 1 == 2)
            #expect(try documentRequests(netLog: netLog) == [], "the report made network requests")
            // Keep the screenshot where a person can look at it.
            let kept = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-report-screenshot.png")
            try? FileManager.default.removeItem(at: kept)
            try FileManager.default.copyItem(at: screenshot, to: kept)
        }
    }

    @Test("control: the net log does show a page that loads an image (from a dead loopback port)")
    func control() async throws {
        try await withTemporarySite([String: String]()) { dir in
            let (_, netLog, dom) = try await render("<!DOCTYPE html><title>control</title><img src=\"http://127.0.0.1:9/control.png\">control",
                                                    name: "control.html", in: dir)
            #expect(dom.contains("control"))
            #expect(try documentRequests(netLog: netLog) == ["http://127.0.0.1:9/control.png"])
        }
    }
}
