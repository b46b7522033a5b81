import FixtureServer
import Foundation
import Testing
import TestSupport

@Suite("The assetcrawl command line", .serialized)
struct CLITests {
    @Test("crawl --serve prints a table per page and writes the JSON report")
    func crawlServe() async throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: json) }
        let run = try await runCLI(["crawl", "--serve", "Samples/FixtureSite", "--json", json.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("page"))
        #expect(run.stdout.contains("/blog/post-1.html"))
        #expect(run.stdout.contains("12 pages"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect(report["version"] as? Int == 1)
        #expect((report["startURL"] as? String)?.hasPrefix("http://127.0.0.1:") == true)
        let pages = try #require(report["pages"] as? [[String: Any]])
        #expect(pages.count == 12)
        #expect(pages.allSatisfy { $0["url"] is String && $0["status"] is Int && $0["requisites"] is [String] })
        let resources = try #require(report["resources"] as? [[String: Any]])
        let urls = resources.compactMap { $0["url"] as? String }
        #expect(urls.count == Set(urls).count, "each fetched URL appears once")
        let missing = try #require(resources.first { ($0["url"] as? String)?.hasSuffix("/img/missing.png") == true })
        #expect(missing["status"] as? Int == 404)
        let css = try #require(resources.first { ($0["url"] as? String)?.hasSuffix("/css/site.css") == true })
        let revalidation = try #require(css["revalidation"] as? [String: Any])
        #expect(revalidation["ifNoneMatch"] as? Int == 304)
        #expect(revalidation["ifModifiedSince"] as? Int == 304)
        #expect(css["etag"] is String && css["lastModified"] is String && css["bodyBytes"] is Int && css["contentType"] is String)
    }

    @Test("bad input: one line that says what to do, exit code 2", arguments: [
        (["crawl", "--serve", "/nonexistent/site"], "no such folder"),
        (["crawl", "http://127.0.0.1:1/"], "cannot crawl"),
        (["crawl", "http://unreachable.invalid/"], "cannot crawl"),
        (["crawl", "ftp://127.0.0.1/"], "not an http(s) URL"),
        (["crawl"], "give a start URL"),
        (["crawl", "--serve", "Samples/FixtureSite", "--max-pagez", "3"], "--max-pagez"),
        (["serve", "/nonexistent/site"], "no such folder"),
        (["crawl", "--serve", "Samples/FixtureSite", "--quiet", "--json", "/nonexistent/dir/r.json"], "--json /nonexistent/dir/r.json: the folder /nonexistent/dir does not exist"),
        (["crawl", "--serve", "Samples/FixtureSite", "--quiet", "--har", "/nonexistent/dir/r.har"], "--har /nonexistent/dir/r.har: the folder /nonexistent/dir does not exist"),
    ])
    func badInput(arguments: [String], message: String) async throws {
        let run = try await runCLI(arguments)
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"))
    }

    @Test("crawl https with --ca-cert trusts the server's own certificate; without it the start page is a TLS failure; a file that is no certificate is a usage error")
    func httpsWithOwnCertificate() async throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        var server = FixtureServer.Configuration(root: Repo.fixtureSite)
        server.tls = FixtureServer.TLS(certificateChainFile: certificate.certificate, privateKeyFile: certificate.key)
        try await FixtureServer.withFixtureServer(server) { base in
            let trusted = try await runCLI(["crawl", base.absoluteString, "--ca-cert", certificate.certificate.path, "--quiet"])
            #expect(trusted.status == 0, "\(trusted.stderr)")
            #expect(trusted.stdout.contains("12 pages"))
            let untrusted = try await runCLI(["crawl", base.absoluteString, "--quiet"])
            #expect(untrusted.status == 2)
            #expect(untrusted.stderr.contains("cannot crawl"), "\(untrusted.stderr)")
            // robots.txt is the first fetch: its TLS failure, as the CLI says it.
            #expect(untrusted.stderr.hasPrefix("assetcrawl: cannot crawl \(base.absoluteString): robots.txt could not be fetched over TLS ("), "\(untrusted.stderr)")
            #expect(untrusted.stderr.contains("add --ca-cert FILE"), "\(untrusted.stderr)")
            let notPEM = try await runCLI(["crawl", base.absoluteString, "--ca-cert", certificate.key.path + ".missing"])
            #expect(notPEM.status == 2)
            #expect(notPEM.stderr.contains("--ca-cert: no PEM certificate in"), "\(notPEM.stderr)")
        }
    }

    @Test("a start page that is not HTML exits 2 and says so, with its Content-Type", arguments: [
        ("notes.txt", "text/plain; charset=utf-8"), ("data.json", "application/json"), ("css/a.css", "text/css; charset=utf-8"),
    ])
    func notHTML(path: String, contentType: String) async throws {
        let site = ["index.html": "<a href=\"notes.txt\">notes</a>", "notes.txt": "plain text, <a href=\"x.html\">not a link</a>",
                    "data.json": "{\"a\": 1}", "css/a.css": "body { color: red }"]
        try await withTemporarySite(site) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let run = try await runCLI(["crawl", base.absoluteString + path])
                #expect(run.status == 2, "\(run.stdout)\(run.stderr)")
                #expect(run.stderr.contains("the start page \(base.absoluteString + path) is not HTML (Content-Type: \(contentType))"), "\(run.stderr)")
                #expect(!run.stderr.contains("cannot crawl"), "\(run.stderr)")
            }
        }
    }

    @Test("a start URL that answers 404 (directly or after a redirect) fails the run with its status, unless --allow-start-status")
    func startStatus() async throws {
        var server = FixtureServer.Configuration(root: Repo.fixtureSite)
        server.policy = ServerPolicy(rules: ServerPolicy.default.rules + [.init(match: "moved.html", fault: Fault(status: 301, location: "/nope.html"))])
        try await FixtureServer.withFixtureServer(server) { base in
            let wrong = try await runCLI(["crawl", base.absoluteString + "nope.html", "--quiet"])
            #expect(wrong.status == 2, "\(wrong.stdout)")
            #expect(wrong.stderr == "assetcrawl: the start page \(base.absoluteString)nope.html answered HTTP 404; check the URL, or add --allow-start-status to crawl it anyway\n", "\(wrong.stderr)")
            #expect(wrong.stdout.isEmpty)
            let moved = try await runCLI(["crawl", base.absoluteString + "moved.html", "--quiet"])
            #expect(moved.status == 2)
            #expect(moved.stderr.contains("answered HTTP 404 (after 1 redirect to \(base.absoluteString)nope.html)"), "\(moved.stderr)")
            let allowed = try await runCLI(["crawl", base.absoluteString + "nope.html", "--quiet", "--allow-start-status"])
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(allowed.stdout.contains("pages"), "\(allowed.stdout)")
        }
    }

    @Test("robots.txt that allows nothing (503) or a start page over --max-body: exit 2 with the real cause")
    func robotsAndBodyCap() async throws {
        var server = FixtureServer.Configuration(root: Repo.fixtureSite)
        server.policy = ServerPolicy(rules: ServerPolicy.default.rules + [.init(match: "robots.txt", fault: Fault(status: 503))])
        try await FixtureServer.withFixtureServer(server) { base in
            let run = try await runCLI(["crawl", base.absoluteString, "--quiet"])
            #expect(run.status == 2)
            #expect(run.stderr == "assetcrawl: cannot crawl \(base.absoluteString): robots.txt answered HTTP 503, so RFC 9309 allows nothing (use --ignore-robots to crawl it anyway)\n", "\(run.stderr)")
        }
        let capped = try await runCLI(["crawl", "--serve", "Samples/FixtureSite", "--max-body", "500"])
        #expect(capped.status == 2)
        #expect(capped.stderr.contains("the start page could not be read: bodyTooLarge: body larger than 500 bytes"), "\(capped.stderr)")
        #expect(capped.stderr.contains("raise --max-body"))
        #expect(!capped.stderr.contains("robots"), "\(capped.stderr)")
    }

    @Test("usage errors are one line and a hint, exit 2", arguments: [
        (["crawl", "--serve", "Samples/FixtureSite", "--max-pagez", "3"], "Unknown option '--max-pagez'"),
        (["crawl", "--serve", "Samples/FixtureSite", "--quiet", "--verbose"], "give --quiet or --verbose, not both"),
        (["crawl", "--serve", "Samples/FixtureSite", "--max-growth", "5%"], "--max-growth needs --baseline OLD.json"),
    ])
    func usageErrors(arguments: [String], message: String) async throws {
        let run = try await runCLI(arguments)
        #expect(run.status == 2)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 2, "\(run.stderr)")
        #expect(lines.first?.hasPrefix("assetcrawl: ") == true && lines.first?.contains(message) == true, "\(run.stderr)")
        #expect(lines.last == "See 'assetcrawl crawl --help' for more information.", "\(run.stderr)")
    }
}
