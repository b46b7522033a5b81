import AsyncHTTPClient
import Crawler
import CrawlModel
import Fetching
import FixtureServer
import Foundation
import Testing
import TestSupport

/// Paths, found from this file.
enum Repo {
    static let root = RepoPaths.root
    static let fixtureSite = RepoPaths.fixtureSite
    static let sampleBudget = root.appendingPathComponent("Samples/budget.json")
    static let golden = root.appendingPathComponent("Tests/ReportsTests/Golden")
    static let schemas = root.appendingPathComponent("Schemas")

    static var binary: URL { RepoPaths.binary }
}

/// One crawl of the fixture site over real HTTP (embedded server on port 0).
struct FixtureCrawl: Sendable {
    var result: CrawlResult
    var base: URL

    static func run() async throws -> FixtureCrawl {
        try await FixtureServer.withFixtureServer(root: Repo.fixtureSite) { base in
            var configuration = CrawlConfiguration(startURLs: [base])
            configuration.concurrency = 8
            let result = try await HTTPClient.withHTTPClient(configuration: HTTPClientFetcher.clientConfiguration()) { client in
                await Crawler(fetcher: HTTPClientFetcher(client: client), configuration: configuration).run()
            }
            return FixtureCrawl(result: result, base: base)
        }
    }

    /// The crawl shared by the tests that only read it.
    static let shared = Task { try await run() }

    /// Replaces what changes between runs and machines: the ephemeral port, HTTP dates
    /// (Last-Modified follows the checkout's file times), and ISO 8601 timestamps.
    func normalise(_ text: String) -> String {
        var s = text.replacingOccurrences(of: "127.0.0.1:\(base.port ?? 0)", with: "127.0.0.1:PORT")
        s = s.replacingOccurrences(of: #"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT"#, with: "DATE", options: .regularExpression)
        s = s.replacingOccurrences(of: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z"#, with: "TIMESTAMP", options: .regularExpression)
        return s
    }
}

/// Compares `actual` with `Tests/ReportsTests/Golden/NAME`; `UPDATE_GOLDEN=1 swift test` rewrites the files.
func expectGolden(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let file = Repo.golden.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
        try Data(actual.utf8).write(to: file)
        return
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    if expected != actual {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false), e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("actual-" + name)
        try? Data(actual.utf8).write(to: out)
        Issue.record("\(name) differs from the golden file at line \(line + 1):\n  expected: \(line < e.count ? String(e[line]) : "<end>")\n  actual:   \(line < a.count ? String(a[line]) : "<end>")\n(actual written to \(out.path); UPDATE_GOLDEN=1 swift test to accept)", sourceLocation: sourceLocation)
    }
}

/// Runs a program (by path, or by name through PATH) in the repository root.
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
    executable.hasPrefix("/")
        ? try await runProcess(URL(fileURLWithPath: executable), arguments, environment: environment)
        : try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), [executable] + arguments, environment: environment)
}

func temporaryFile(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-\(UUID().uuidString)-\(name)")
}
