import FixtureServer
import Foundation
import TestSupport
import NIOHTTP1
import Testing

@Suite("Embedded server: fault injection over real HTTP")
struct FaultInjectionTests {
    let files = ["index.html": "<h1>hi</h1>", "a.css": "body { color: red }", "b.css": "p{}"]

    func serve(_ rules: [ServerPolicy.Rule], _ body: (URL) async throws -> Void) async throws {
        try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root, policy: ServerPolicy(rules: rules)) { base in
                try await body(base)
            }
        }
    }

    func url(_ base: URL, _ path: String) -> URL { URL(string: base.absoluteString + path)! }

    @Test("ignoreConditionals answers 200 to a matching If-None-Match")
    func ignoreConditionals() async throws {
        try await serve([.init(match: "a.css", fault: Fault(ignoreConditionals: true))]) { base in
            let etag = try #require(try await request(.GET, url(base, "a.css")).headers.first(name: "ETag"))
            #expect(try await request(.GET, url(base, "a.css"), headers: [("If-None-Match", etag)]).status == 200)
        }
    }

    @Test("validator modes: none, weak, changing, lastModifiedOnly")
    func validators() async throws {
        try await serve([
            .init(match: "a.css", fault: Fault(validators: Fault.Validators.none)),
            .init(match: "b.css", fault: Fault(validators: .weak)),
            .init(match: "index.html", fault: Fault(validators: .changing)),
        ]) { base in
            let none = try await request(.GET, url(base, "a.css"))
            #expect(none.headers.first(name: "ETag") == nil && none.headers.first(name: "Last-Modified") == nil)
            let weak = try await request(.GET, url(base, "b.css"))
            let weakTag = try #require(weak.headers.first(name: "ETag"))
            #expect(weakTag.hasPrefix("W/\""))
            #expect(try await request(.GET, url(base, "b.css"), headers: [("If-None-Match", weakTag)]).status == 304)
            let first = try await request(.GET, url(base, "index.html")).headers.first(name: "ETag")
            let second = try await request(.GET, url(base, "index.html"), headers: [("If-None-Match", first ?? "")])
            #expect(second.status == 200)
            #expect(second.headers.first(name: "ETag") != first)
        }
    }

    @Test("a 304 missing its headers")
    func drop304Headers() async throws {
        try await serve([.init(match: "a.css", fault: Fault(drop304Headers: true))]) { base in
            let etag = try #require(try await request(.GET, url(base, "a.css")).headers.first(name: "ETag"))
            let r = try await request(.GET, url(base, "a.css"), headers: [("If-None-Match", etag)])
            #expect(r.status == 304)
            #expect(r.headers.first(name: "ETag") == nil && r.headers.first(name: "Cache-Control") == nil)
        }
    }

    @Test("fixed statuses, with Retry-After on 429 and 503", arguments: [204, 403, 404, 410, 429, 500, 503])
    func fixedStatus(code: Int) async throws {
        try await serve([.init(match: "a.css", fault: Fault(status: code, retryAfter: 7))]) { base in
            let r = try await request(.GET, url(base, "a.css"))
            #expect(r.status == code)
            if code == 429 || code == 503 { #expect(r.headers.first(name: "Retry-After") == "7") }
        }
    }

    @Test("a fault limited by times: 503 once, then the file")
    func times() async throws {
        try await serve([.init(match: "a.css", fault: Fault(status: 503, retryAfter: 1, times: 1))]) { base in
            let first = try await request(.GET, url(base, "a.css"))
            let second = try await request(.GET, url(base, "a.css"))
            #expect(first.status == 503)
            #expect(second.status == 200)
        }
    }

    @Test("redirects with every status, chains and loops", arguments: [301, 302, 307, 308])
    func redirects(code: Int) async throws {
        try await serve([
            .init(match: "old.css", fault: Fault(status: code, location: "/mid.css")),
            .init(match: "mid.css", fault: Fault(status: code, location: "/a.css")),
            .init(match: "loop-a", fault: Fault(status: code, location: "/loop-b")),
            .init(match: "loop-b", fault: Fault(status: code, location: "/loop-a")),
        ]) { base in
            let r = try await request(.GET, url(base, "old.css"))
            #expect(r.status == code)
            #expect(r.headers.first(name: "Location") == "/mid.css")
            #expect(try await request(.GET, url(base, "mid.css")).headers.first(name: "Location") == "/a.css")
            #expect(try await request(.GET, url(base, "loop-b")).headers.first(name: "Location") == "/loop-a")
        }
    }

    @Test("delay before the head and a slow body still deliver the whole file")
    func slow() async throws {
        try await serve([
            .init(match: "a.css", fault: Fault(delayMs: 150)),
            .init(match: "b.css", fault: Fault(bytesPerSecond: 20)),
        ]) { base in
            let delayed = try await request(.GET, url(base, "a.css"))
            let slow = try await request(.GET, url(base, "b.css"))
            #expect(delayed.body == "body { color: red }")
            #expect(slow.body == "p{}")
        }
    }

    @Test("truncated body, reset mid-body, and a Content-Length too large all fail the client")
    func brokenBodies() async throws {
        try await serve([
            .init(match: "a.css", fault: Fault(truncateAfter: 4)),
            .init(match: "b.css", fault: Fault(resetAfter: 1)),
            .init(match: "index.html", fault: Fault(contentLengthDelta: 10)),
        ]) { base in
            for path in ["a.css", "b.css", "index.html"] {
                await #expect(throws: (any Error).self, "\(path)") { _ = try await request(.GET, url(base, path)) }
            }
        }
    }

    @Test("a Content-Encoding that lies")
    func lyingEncoding() async throws {
        try await serve([.init(match: "a.css", fault: Fault(contentEncoding: "gzip"))]) { base in
            let r = try await request(.GET, url(base, "a.css"))
            #expect(r.headers.first(name: "Content-Encoding") == "gzip")
            #expect(r.body == "body { color: red }")
        }
    }

    @Test("policy files decode from JSON")
    func decode() throws {
        let json = #"{"rules":[{"match":"**/*.css","headers":{"Cache-Control":"no-cache"}},{"match":"x","fault":{"status":503,"retryAfter":2,"times":1}}]}"#
        let policy = try JSONDecoder().decode(ServerPolicy.self, from: Data(json.utf8))
        #expect(policy.headers(for: "a/b.css").first?.1 == "no-cache")
        #expect(policy.fault(for: "x")?.fault == Fault(status: 503, retryAfter: 2, times: 1))
        #expect(Glob.matches("**/*.css", "b.css"))
        #expect(!Glob.matches("*.css", "a/b.css"))
    }
}
