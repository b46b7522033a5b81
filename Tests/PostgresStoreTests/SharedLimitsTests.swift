import Foundation
import PostgresCrawlStore
import Synchronization
import Testing
import TestSupport

/// What holds for a crawl in PostgreSQL as a whole, whatever the number of processes: page
/// depths, `--max-pages`, `--delay`, and the secrets of `--user`/`--header` (given to each
/// worker, never stored). Every process is a real subprocess of the built binary, every site
/// is served over real HTTP by `HostileServer` (a plain-socket server: it answers from a table
/// of pages, can make some slow, require headers, and stamps each request's arrival).
@Suite("Shared crawl in PostgreSQL: limits across processes", .requires(.postgresServer), .serialized)
struct SharedLimitsTests {
    /// A site of HTML pages (path → body) with a 404 robots.txt; `slow` paths answer after
    /// `pause` seconds; with `required` headers, a request missing one gets a 401.
    struct Site: Sendable {
        var pages: [String: String]
        var slow: Set<String> = []
        var pause = 0.0
        var required: [(name: String, value: String)] = []

        func respond(_ request: HostileServer.Request) -> [HostileServer.Step] {
            for (name, value) in required where request.header(name) != Array(value.utf8) {
                return [.send(HostileServer.response(401, ["Content-Type": "text/plain"], body: "no \(name)"))]
            }
            guard let body = pages[request.path] else { return [.send(HostileServer.response(404, ["Content-Type": "text/plain"]))] }
            let ok = HostileServer.response(200, ["Content-Type": "text/html", "Cache-Control": "no-store"], body: body)
            return slow.contains(request.path) ? [.pause(pause), .send(ok)] : [.send(ok)]
        }
    }

    /// `site` served while `body` runs; the server's log of requests, with arrival times, is
    /// passed along.
    func serve(_ site: Site, _ body: (HostileServer, () -> [(path: String, at: ContinuousClock.Instant)]) async throws -> Void) async throws {
        let arrivals = Mutex<[(path: String, at: ContinuousClock.Instant)]>([])
        try await HostileServer.with({ request in
            arrivals.withLock { $0.append((request.path, .now)) }
            return site.respond(request)
        }) { server in
            try await body(server, { arrivals.withLock { $0 } })
        }
    }

    /// The crawl of `base` into `db` by the starting process and `workers` workers (each with
    /// `workerFlags`); returns the JSON report the starting process wrote.
    func crawlShared(_ base: String, db: String, options: [String], workers: Int, workerFlags: [String] = [], in dir: URL) async throws -> URL {
        let report = dir.appendingPathComponent("shared-\(UUID().uuidString).json")
        let starter = try CLIProcess(["crawl", base, "--store", db, "--json", report.path, "--quiet"] + options, in: dir, name: "start")
        let others = try (0..<workers).map { try CLIProcess(["worker", db] + workerFlags, in: dir, name: "worker\($0)") }
        #expect(await starter.wait() == 0, "\(starter.log)")
        for worker in others { #expect(await worker.wait() == 0, "\(worker.log)") }
        return report
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// Depth by page URL path, from a JSON report.
    static func depths(_ report: [String: Any]) -> [String: Int] {
        var out: [String: Int] = [:]
        for page in report["pages"] as? [[String: Any]] ?? [] {
            guard let url = (page["url"] as? String).flatMap(URL.init(string:)), let depth = page["depth"] as? Int else { continue }
            out[url.path.isEmpty ? "/" : url.path] = depth
        }
        return out
    }

    /// Home links to fast and slow pages of depth 1; each fast page leads on through a fast
    /// page of depth 2 to a page x that a slow page of depth 1 also links to. x is found first
    /// through the fast pages, at depth 3 (with more requests in flight than slow pages, the
    /// fast chain ends while the slow pages are still answering); its depth is 2.
    static let crossLinked: Site = {
        let n = 6
        var pages = ["/": "<html><body>" + (1...n).map { "<a href=/fast/a\($0).html>f</a><a href=/slow/a\($0).html>s</a>" }.joined() + "</body></html>"]
        for i in 1...n {
            pages["/fast/a\(i).html"] = "<html><body><a href=/fast/b\(i).html>b</a></body></html>"
            pages["/fast/b\(i).html"] = "<html><body><a href=/x/\(i).html>x</a></body></html>"
            pages["/slow/a\(i).html"] = "<html><body><a href=/x/\(i).html>x</a></body></html>"
            pages["/x/\(i).html"] = "<html><body><a href=/>home</a></body></html>"
        }
        return Site(pages: pages, slow: Set((1...n).map { "/slow/a\($0).html" }), pause: 0.4)
    }()

    @Test("a cross-linked site: each page has its least depth, and one process and three give the same report, whole")
    func crossLinkedDepths() async throws {
        try await serve(Self.crossLinked) { server, arrivals in
            try await withScratch { dir in
                let options = ["--concurrency", "16"]
                let databases = try [testDatabase(), testDatabase()]
                let single = try await crawlShared(server.base + "/", db: databases[0], options: options, workers: 0, in: dir)
                let one = arrivals().count
                let shared = try await crawlShared(server.base + "/", db: databases[1], options: options, workers: 2, in: dir)
                // The site did what it is for: the crawls found some x first at depth 3.
                var deeper = 0
                for db in databases {
                    let store = try await PostgresCrawlStore.open(try PostgresLocation(parsing: db))
                    deeper += try await store.pagesFoundDeeper()
                    await store.close()
                }
                #expect(deeper > 0, "no page was found first deeper than its depth: the test does not test the fix")
                var expected: [String: Int] = ["/": 0]
                for i in 1...6 {
                    expected["/fast/a\(i).html"] = 1
                    expected["/slow/a\(i).html"] = 1
                    expected["/fast/b\(i).html"] = 2
                    expected["/x/\(i).html"] = 2
                }
                #expect(Self.depths(try Self.json(single)) == expected)
                #expect(Self.depths(try Self.json(shared)) == expected)
                let difference = try firstDifference(single, shared)
                #expect(difference == nil, "the reports of one process and three differ: \(difference ?? "")")
                // Each URL once per crawl: robots.txt, favicon.ico and the 25 pages.
                #expect(one == 27 && arrivals().count == 54, "\(one) then \(arrivals().count - one) requests")
            }
        }
    }

    @Test("--max-pages holds for the crawl as a whole: three processes crawl that many pages together, not each")
    func maxPagesAcrossWorkers() async throws {
        var pages: [String: String] = [:]
        for i in 0..<60 {
            let links = (0..<8).map { "<a href=/p\(1 + ($0 * 7 + i) % 59).html>l</a>" }.joined()
            pages[i == 0 ? "/" : "/p\(i).html"] = "<html><body><a href=/>home</a>\(links)</body></html>"
        }
        try await serve(Site(pages: pages, slow: Set(pages.keys), pause: 0.01)) { server, arrivals in
            try await withScratch { dir in
                let report = try Self.json(try await crawlShared(server.base + "/", db: try testDatabase(), options: ["--max-pages", "12", "--concurrency", "4"],
                                                   workers: 2, in: dir))
                let fetched = Set(arrivals().map(\.path)).subtracting(["/robots.txt", "/favicon.ico"])
                #expect(fetched.count == 12, "\(fetched.count) pages fetched by three processes: \(fetched.sorted())")
                #expect(arrivals().count == fetched.count + 2, "a page was fetched twice")
                #expect(Self.depths(report).count == 12)
                let text = String(decoding: try JSONSerialization.data(withJSONObject: report), as: UTF8.self)
                #expect(text.contains("--max-pages 12 reached"), "the stop reason does not say --max-pages")
            }
        }
    }

    @Test("--delay holds across three processes: the server never sees two requests closer than the delay")
    func delayAcrossWorkers() async throws {
        var pages: [String: String] = [:]
        for i in 0..<7 { pages[i == 0 ? "/" : "/p\(i).html"] = "<html><body>" + (1..<7).map { "<a href=/p\($0).html>p</a>" }.joined() + "</body></html>" }
        try await serve(Site(pages: pages)) { server, arrivals in
            try await withScratch { dir in
                _ = try await crawlShared(server.base + "/", db: try testDatabase(), options: ["--delay", "0.3", "--concurrency", "4"],
                                          workers: 2, in: dir)
                let times = arrivals().map(\.at).sorted()
                #expect(times.count == 9, "\(times.count) requests for robots.txt, favicon.ico and 7 pages: \(arrivals().map(\.path).sorted())")
                // Each start waits the delay from the previous answer, on the database's clock: the
                // server's clock (on this machine) sees them apart by as much, to its millisecond.
                let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
                #expect(gaps.allSatisfy { $0 >= .milliseconds(299) }, "gaps between requests: \(gaps)")
            }
        }
    }

    @Test("workers of a crawl started with --user and --header: refused without them, naming the flags; with them on their own command line, every request carries them")
    func secretsGivenToWorkers() async throws {
        var pages: [String: String] = [:]
        for i in 0..<20 { pages[i == 0 ? "/" : "/p\(i).html"] = "<html><body>" + (1..<20).map { "<a href=/p\($0).html>p</a>" }.joined() + "</body></html>" }
        let basic = "Basic " + Data("alice:s3cret".utf8).base64EncodedString()
        let site = Site(pages: pages, slow: Set(pages.keys), pause: 0.2, required: [("X-Secret", "tok123"), ("Authorization", basic)])
        try await serve(site) { server, arrivals in
            try await withScratch { dir in
                let db = try testDatabase()
                let secrets = ["--user", "alice:s3cret", "--header", "X-Secret: tok123"]
                let report = dir.appendingPathComponent("shared.json")
                let starter = try CLIProcess(["crawl", server.base + "/", "--store", db, "--json", report.path, "--quiet", "--concurrency", "2"] + secrets,
                                             in: dir, name: "start")
                let workers = try (1...2).map { try CLIProcess(["worker", db] + secrets, in: dir, name: "worker\($0)") }
                let refused = try await runProcess(RepoPaths.binary, ["worker", db])
                #expect(refused.status == 2)
                #expect(refused.stderr.contains("--user USER:PASSWORD") && refused.stderr.contains("--header 'X-Secret: …'"), "\(refused.stderr)")
                #expect(await starter.wait() == 0, "\(starter.log)")
                for worker in workers { #expect(await worker.wait() == 0, "\(worker.log)") }
                let unauthorized = server.requests.filter { $0.header("X-Secret") != Array("tok123".utf8) || $0.header("Authorization") != Array(basic.utf8) }
                #expect(unauthorized.isEmpty, "requests without the secrets: \(unauthorized.map(\.target))")
                // The starting process keeps 2 connections (--concurrency 2): more means the workers fetched too.
                #expect(server.connections > 2, "only the starting process crawled")
                #expect(Self.depths(try Self.json(report)).count == 20)
                #expect(arrivals().count == 22, "\(arrivals().count) requests for robots.txt, favicon.ico and 20 pages")
                // Never stored: the store's copy in the report command holds no secret.
                let out = dir.appendingPathComponent("report.har")
                let har = try await runProcess(RepoPaths.binary, ["report", db, "--har", out.path])
                #expect(har.status == 0, "\(har.stderr)")
                let bytes = try Data(contentsOf: out)
                for secret in ["s3cret", "tok123", Data("alice:s3cret".utf8).base64EncodedString()] {
                    #expect(bytes.range(of: Data(secret.utf8)) == nil, "the report holds \(secret)")
                }
            }
        }
    }
}
