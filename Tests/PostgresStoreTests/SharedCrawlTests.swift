import FixtureServer
import Foundation
import PostgresCrawlStore
import Testing
import TestSupport

/// One crawl in PostgreSQL, worked on by the starting process and two `assetcrawl worker`
/// processes (real subprocesses of the built binary), against the same crawl in one process
/// with the SQLite store: the same JSON report, and the same requests on the server's side.
@Suite("Shared crawl in PostgreSQL: several processes, one crawl", .requires(.postgresServer), .serialized)
struct SharedCrawlTests {
    /// Crawls `base` in one process (SQLite), then in three processes (PostgreSQL), and
    /// compares reports and the requests the server counted for each (`counts` takes them).
    func compareOneAndThree(_ base: URL, options: [String] = ["--quiet"], counts: () -> [String: Int]) async throws {
        try await withScratch { dir in
            let db = try testDatabase()
            let one = dir.appendingPathComponent("one.json"), shared = dir.appendingPathComponent("shared.json")
            let single = try CLIProcess(["crawl", base.absoluteString, "--json", one.path] + options, in: dir, name: "one")
            #expect(await single.wait() == 0, "\(single.log)")
            let expected = counts()

            let starter = try CLIProcess(["crawl", base.absoluteString, "--store", db, "--json", shared.path] + options, in: dir, name: "start")
            let workers = try (1...2).map { try CLIProcess(["worker", db], in: dir, name: "worker\($0)") }
            #expect(await starter.wait() == 0, "\(starter.log)")
            for worker in workers { #expect(await worker.wait() == 0, "\(worker.log)") }
            let actual = counts()

            let difference = try firstDifference(one, shared)
            #expect(difference == nil, "the start process's report differs from one process's: \(difference ?? "")")
            let report = dir.appendingPathComponent("report.json")
            let reported = try await runProcess(RepoPaths.binary, ["report", db, "--json", report.path])
            #expect(reported.status == 0, "\(reported.stderr)")
            let reportDifference = try firstDifference(one, report)
            #expect(reportDifference == nil, "assetcrawl report postgresql://… differs from one process's report: \(reportDifference ?? "")")
            // Each URL fetched (and probed) once in one process, and so across three.
            #expect(expected.values.allSatisfy { $0 == 1 }, "one process fetched something twice: \(expected.filter { $0.value > 1 })")
            let differences = Set(expected.keys).union(actual.keys).filter { expected[$0] != actual[$0] }
                .map { "\($0): \(expected[$0] ?? 0) → \(actual[$0] ?? 0)" }.sorted()
            #expect(differences.isEmpty, "requests differ between one and three processes: \(differences.prefix(10))")
        }
    }

    @Test("the fixture site: the start process and two workers give one process's report, each request once")
    func fixtureSite() async throws {
        let log = RequestLog()
        var configuration = FixtureServer.Configuration(root: RepoPaths.fixtureSite)
        configuration.onResponse = { log.record(method: $0.method, target: $0.target, headers: $0.headers) }
        try await FixtureServer.withFixtureServer(configuration) { base in
            try await compareOneAndThree(base, counts: log.take)
        }
    }

    /// A generated site (a binary tree of pages linked back home: every page's depth is the
    /// same in whatever order the processes fetch) served by the embedded server, whose
    /// responses wait `delayMs`, with every request counted.
    func withGeneratedSite(pages: Int, delayMs: Int? = nil, _ body: (URL, RequestLog) async throws -> Void) async throws {
        let log = RequestLog()
        try await withTemporarySite(generatedSite(pages: pages)) { root in
            var configuration = FixtureServer.Configuration(root: root)
            if let delayMs {
                // The default headers stay (without Cache-Control, freshness would depend on the clock).
                configuration.policy.rules.insert(.init(match: "**", fault: Fault(delayMs: delayMs)), at: 0)
            }
            configuration.onResponse = { log.record(method: $0.method, target: $0.target, headers: $0.headers) }
            try await FixtureServer.withFixtureServer(configuration) { base in try await body(base, log) }
        }
    }

    @Test("a generated site of 150 pages: the start process and two workers give one process's report, each request once")
    func generated() async throws {
        try await withGeneratedSite(pages: 150) { base, log in
            try await compareOneAndThree(base, options: ["--quiet", "--concurrency", "4"], counts: log.take)
        }
    }

    @Test("a worker killed with SIGKILL mid-crawl loses nothing: its claims expire, the others finish the same crawl")
    func workerKilled() async throws {
        // Slow enough responses that the crawl is still going when the victim is killed, even on a loaded runner.
        try await withGeneratedSite(pages: 150, delayMs: 25) { base, log in
            try await withScratch { dir in
                let db = try testDatabase(lease: 2)
                let concurrency = 4
                let options = ["--quiet", "--concurrency", String(concurrency)]
                let one = dir.appendingPathComponent("one.json"), shared = dir.appendingPathComponent("shared.json")
                let single = try CLIProcess(["crawl", base.absoluteString, "--json", one.path] + options, in: dir, name: "one")
                #expect(await single.wait() == 0, "\(single.log)")
                let expected = log.take()

                let starter = try CLIProcess(["crawl", base.absoluteString, "--store", db, "--json", shared.path] + options, in: dir, name: "start")
                let victim = try CLIProcess(["worker", db], in: dir, name: "victim")
                let survivor = try CLIProcess(["worker", db], in: dir, name: "survivor")
                // Watched from the store (bounded: 60 s): killed once it holds claims mid-crawl.
                let store = try await PostgresCrawlStore.open(try PostgresLocation(parsing: db))
                let deadline = Date().addingTimeInterval(60)
                var held = 0, stored = 0
                while victim.process.isRunning, Date() < deadline {
                    let status = try await store.status()
                    stored = status.resources
                    held = status.claimsByOwner.first { $0.key.contains(":\(victim.pid):") }?.value ?? 0
                    if held > 0, stored >= 40 { break }
                    try await Task.sleep(for: .milliseconds(5))
                }
                await store.close()
                try #require(victim.process.isRunning && held > 0, "the worker ended or never claimed work before the kill (\(stored) stored)")
                kill(victim.pid, SIGKILL)
                #expect(await victim.wait() == -SIGKILL)
                #expect(await starter.wait() == 0, "\(starter.log)")
                #expect(await survivor.wait() == 0, "\(survivor.log)")

                let difference = try firstDifference(one, shared)
                #expect(difference == nil, "the crawl with a killed worker differs from one process's: \(difference ?? "")")
                let actual = log.take()
                let missing = expected.keys.filter { (actual[$0] ?? 0) < 1 }
                #expect(missing.isEmpty, "never requested after the kill: \(missing.prefix(10))")
                #expect(Set(actual.keys).subtracting(expected.keys).isEmpty, "requests one process never made: \(Set(actual.keys).subtracting(expected.keys).prefix(10))")
                // Only what the killed worker had in flight is fetched twice: the --concurrency URLs it
                // was fetching, and those fetched but not yet committed (one batch at most:
                // Crawler.batchOutcomes, 64, or 200 ms of results), 3 requests each.
                let extra = actual.values.reduce(0) { $0 + max(0, $1 - 1) }
                #expect(extra <= 3 * (concurrency + 64), "\(extra) requests repeated: \(actual.filter { $0.value > 1 }.prefix(10))")
            }
        }
    }

    @Test("--per-host 2 holds across three processes: never more than 2 requests in flight to the origin")
    func perHostAcrossWorkers() async throws {
        try await SyntheticServer.withServer(SyntheticSite(pages: 30), responseDelay: .milliseconds(15)) { base, server in
            try await withScratch { dir in
                let db = try testDatabase()
                let shared = dir.appendingPathComponent("shared.json")
                let starter = try CLIProcess(["crawl", base.absoluteString, "--store", db, "--json", shared.path, "--quiet",
                                              "--per-host", "2", "--concurrency", "8"], in: dir, name: "start")
                let workers = try (1...2).map { try CLIProcess(["worker", db], in: dir, name: "worker\($0)") }
                #expect(await starter.wait() == 0, "\(starter.log)")
                for worker in workers { #expect(await worker.wait() == 0, "\(worker.log)") }
                #expect(server.peakInFlight <= 2, "\(server.peakInFlight) requests were in flight at once")
                #expect(server.peakInFlight >= 1)
                let report = try String(contentsOf: shared, encoding: .utf8)
                #expect(report.contains("\"pages\""))
                #expect(server.requests >= SyntheticSite(pages: 30).urlCount, "\(server.requests) requests for \(SyntheticSite(pages: 30).urlCount) URLs")
            }
        }
    }
}
