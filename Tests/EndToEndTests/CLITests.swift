import FixtureServer
import Foundation
import Testing
import TestSupport

@Suite("The assetcrawl command line", .serialized)
struct CLITests {
    @Test("crawl --serve prints a table per page and writes the JSON report")
    func crawlServe() throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: json) }
        let run = try runCLI(["crawl", "--serve", "Samples/FixtureSite", "--json", json.path])
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
    ])
    func badInput(arguments: [String], message: String) throws {
        let run = try runCLI(arguments)
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
            let trusted = try runCLI(["crawl", base.absoluteString, "--ca-cert", certificate.certificate.path, "--quiet"])
            #expect(trusted.status == 0, "\(trusted.stderr)")
            #expect(trusted.stdout.contains("12 pages"))
            let untrusted = try runCLI(["crawl", base.absoluteString, "--quiet"])
            #expect(untrusted.status == 2)
            #expect(untrusted.stderr.contains("cannot crawl"), "\(untrusted.stderr)")
            #expect(untrusted.stderr.contains("add --ca-cert FILE"), "\(untrusted.stderr)")
            let notPEM = try runCLI(["crawl", base.absoluteString, "--ca-cert", certificate.key.path + ".missing"])
            #expect(notPEM.status == 2)
            #expect(notPEM.stderr.contains("--ca-cert: no PEM certificate in"), "\(notPEM.stderr)")
        }
    }

    @Test("a start page that is not HTML exits 2")
    func notHTML() throws {
        // Serve the fixture and crawl a stylesheet as the start URL, through the CLI's own server.
        let run = try runCLI(["crawl", "--serve", "Samples/FixtureSite/css"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("not HTML") || run.stderr.contains("cannot crawl"), "\(run.stderr)")
    }
}
