import AsyncHTTPClient
import Audit
import Crawler
import CrawlModel
import Fetching
import FixtureServer
import Foundation
import Reports
import Testing
import TestSupport

@Suite("End to end: crawl the fixture site served by the embedded server")
struct FixtureCrawlTests {
    /// Crawls the fixture site over http, or over https (HTTP/2 by ALPN) with a certificate
    /// made for this run and trusted the way `--ca-cert` trusts it.
    func crawlFixture(revalidate: Bool = true, https: Bool = false) async throws -> (CrawlResult, URL) {
        let certificate = https ? try TestCertificate.make() : nil
        defer { certificate?.remove() }
        var server = FixtureServer.Configuration(root: Repo.fixtureSite)
        server.tls = certificate.map { FixtureServer.TLS(certificateChainFile: $0.certificate, privateKeyFile: $0.key) }
        return try await FixtureServer.withFixtureServer(server) { base in
            var configuration = CrawlConfiguration(startURLs: [base])
            configuration.revalidate = revalidate
            configuration.concurrency = 8
            let client = HTTPClientFetcher.clientConfiguration(trustedCertificates: certificate.map { [$0.certificate.path] } ?? [])
            let result = try await HTTPClient.withHTTPClient(configuration: client) { client in
                await Crawler(fetcher: HTTPClientFetcher(client: client), configuration: configuration).run()
            }
            return (result, base)
        }
    }

    func path(_ url: String, base: URL) -> String {
        "/" + url.dropFirst(base.absoluteString.count)
    }

    /// What the crawl recorded for a page it did not crawl: its failure, status, or skip reason.
    static func whyMissing(_ page: String, in result: CrawlResult, base: URL) -> String {
        let url = base.absoluteString + page.dropFirst()
        if let resource = result.resources[url] {
            return "fetched as a resource: status \(resource.exchange.status.map(String.init) ?? "none"), \(resource.failure?.description ?? "no failure")"
        }
        if let skipped = result.skipped?[url] { return "skipped: \(skipped)" }
        return "never recorded"
    }

    @Test("every page's requisites equal the manifest, page by page, over http and over https", arguments: [false, true])
    func requisitesMatchManifest(https: Bool) async throws {
        let manifest = try FixtureManifest.load()
        let (result, base) = try await crawlFixture(https: https)
        #expect(base.scheme == (https ? "https" : "http"))
        let crawled = Dictionary(uniqueKeysWithValues: result.pages.map { (path($0.url, base: base), $0) })
        #expect(Set(crawled.keys) == Set(manifest.pages.keys))
        for (page, expected) in manifest.pages {
            let found = try #require(crawled[page], "page \(page) was not crawled: \(Self.whyMissing(page, in: result, base: base))")
            let requisites = result.requisites(of: found).map { path($0, base: base) }
            #expect(Set(requisites) == Set(expected), "requisites of \(page)")
        }
        // Nothing outside the manifest was requested.
        let expectedURLs = Set(manifest.pages.keys).union(manifest.pages.values.joined())
        #expect(Set(result.resources.keys.map { path($0, base: base) }) == expectedURLs)
    }

    @Test("every asset answers 304 to both If-None-Match and If-Modified-Since, over http/1.1 and over https with HTTP/2", arguments: [false, true])
    func everyAssetRevalidates(https: Bool) async throws {
        let manifest = try FixtureManifest.load()
        let (result, base) = try await crawlFixture(https: https)
        for (url, resource) in result.resources {
            #expect(resource.exchange.httpVersion == (https ? "HTTP/2" : "HTTP/1.1"), "\(url)")
            if manifest.broken.contains(path(url, base: base)) {
                #expect(resource.exchange.status == 404)
                #expect(resource.revalidation == nil)
                continue
            }
            #expect(resource.exchange.status == 200, "\(url)")
            #expect(resource.revalidation?.ifNoneMatch?.verdict == .INM_304, "\(url)")
            #expect(resource.revalidation?.ifModifiedSince?.verdict == .IMS_304, "\(url)")
            #expect(resource.revalidation?.ifNoneMatch?.notes == [], "\(url)")
        }
    }

    @Test("bytes are counted as received: wire bytes are the file (or its .br sibling), decoded bytes the file")
    func bodyBytes() async throws {
        let (result, base) = try await crawlFixture(revalidate: false)
        func size(_ file: URL) throws -> Int { try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int }
        var gzipped = 0
        for (url, resource) in result.resources where resource.exchange.status == 200 {
            var file = Repo.fixtureSite.appendingPathComponent(path(url, base: base))
            if url.hasSuffix("/") { file.appendPathComponent("index.html") }
            if let coding = resource.exchange.responseHeaders.first("Content-Encoding") {
                // The server sent the precompressed sibling (brotli first, as the crawler accepts
                // it like Chromium): the wire carries its bytes, and the crawler decoded them back
                // to the file for extraction.
                #expect(coding == "br", "\(url)")
                gzipped += 1
                #expect(resource.exchange.bodyBytes == (try size(file.appendingPathExtension("br"))), "\(url)")
                #expect(resource.exchange.decodedBytes == (try size(file)), "\(url)")
            } else {
                #expect(resource.exchange.bodyBytes == (try size(file)), "\(url)")
            }
            #expect(resource.exchange.headerBytes > 0)
        }
        #expect(gzipped == 2, "contact.html and css/blog.css are served from their .br siblings")
    }

    @Test("the broken image is reported with the page, element and line it came from")
    func brokenImage() async throws {
        let (result, base) = try await crawlFixture(revalidate: false)
        let audits = SiteAudit.pages(result)
        let home = try #require(audits.first { $0.url == base.absoluteString })
        #expect(home.broken.count == 1)
        let broken = try #require(home.broken.first)
        #expect(broken.url.hasSuffix("/img/missing.png"))
        #expect(broken.element == "img" && broken.attribute == "src")
        #expect(broken.line != nil)
        #expect(broken.reason.contains("404"))
    }

    /// The manifest's record of references that are found but never fetched.
    struct NotFetched: Decodable {
        var recordedNotFetched: [String: [String: [String]]]
        var unfetchable: [String: [String]]

        static func load() throws -> NotFetched {
            try JSONDecoder().decode(NotFetched.self, from: Data(contentsOf: Repo.manifest))
        }
    }

    @Test("lazy, metadata and hint references are recorded with their role and never requested; unfetchable values are recorded")
    func recordedButNotFetched() async throws {
        let expected = try NotFetched.load()
        let (result, base) = try await crawlFixture(revalidate: false)
        func absolute(_ s: String) -> String { s.hasPrefix("/") ? base.absoluteString + s.dropFirst() : s }
        #expect(!expected.recordedNotFetched.isEmpty)
        for (page, byRole) in expected.recordedNotFetched {
            let found = try #require(result.pages.first { path($0.url, base: base) == page }, "page \(page) was not crawled")
            for (role, urls) in byRole {
                for url in urls.map(absolute) {
                    let refs = found.references.filter { $0.url == url }
                    #expect(!refs.isEmpty, "\(url) is not recorded in \(page)")
                    #expect(refs.allSatisfy { $0.role.rawValue == role && !$0.isFetchableRequisite }, "\(url) in \(page)")
                    #expect(result.resources[url] == nil, "\(url) was requested")
                }
            }
            for raw in expected.unfetchable[page] ?? [] {
                let ref = found.references.first { $0.raw == raw }
                #expect(ref != nil && ref?.url == nil && ref?.notFetchable != nil, "\(raw) in \(page)")
            }
        }
    }
}
