import FixtureServer
import HTTPSemantics
import Foundation
import TestSupport
import NIOHTTP1
import Testing

@Suite("Embedded server: what 304, HEAD and the other responses carry, and the remaining precondition rules")
struct ResponseHeaderTests {
    let files = ["index.html": "<h1>hi</h1>", "app.css": "body{}", "app.css.gz": "gzipped-bytes"]

    func serve(_ policy: ServerPolicy = .default, _ body: (URL) async throws -> Void) async throws {
        try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root, policy: policy) { base in try await body(base) }
        }
    }

    func url(_ base: URL, _ path: String) -> URL { URL(string: base.absoluteString + path)! }

    @Test("a 304 carries exactly Date, ETag, Cache-Control, Expires, Vary and Content-Location, as the 200 had them")
    func notModifiedHeaders() async throws {
        let policy = ServerPolicy(rules: [
            .init(match: "**", headers: [
                "Cache-Control": "public, max-age=60", "Expires": "Thu, 01 Jan 2043 00:00:00 GMT",
                "Content-Location": "/app.css", "X-Content-Type-Options": "nosniff",
            ]),
        ])
        try await serve(policy) { base in
            let full = try await request(.GET, url(base, "app.css"))
            let etag = try #require(full.headers.first(name: "ETag"))
            let r = try await request(.GET, url(base, "app.css"), headers: [("If-None-Match", etag)])
            #expect(r.status == 304)
            #expect(r.body.isEmpty)
            let names = Set(r.headers.map { $0.name.lowercased() })
            #expect(names == ["date", "etag", "cache-control", "expires", "vary", "content-location"])
            for name in ["ETag", "Cache-Control", "Expires", "Vary", "Content-Location"] {
                #expect(r.headers.first(name: name) == full.headers.first(name: name), "\(name)")
            }
        }
    }

    @Test("a 304 has no Content-Type, Content-Encoding or Content-Length, even for an encoded response")
    func notModifiedHasNoRepresentationMetadata() async throws {
        try await serve { base in
            let full = try await request(.GET, url(base, "app.css"), headers: [("Accept-Encoding", "gzip")])
            #expect(full.headers.first(name: "Content-Encoding") == "gzip")
            let etag = try #require(full.headers.first(name: "ETag"))
            let r = try await request(.GET, url(base, "app.css"), headers: [("Accept-Encoding", "gzip"), ("If-None-Match", etag)])
            #expect(r.status == 304)
            for name in ["Content-Type", "Content-Encoding", "Content-Length", "Last-Modified"] {
                #expect(r.headers.first(name: name) == nil, "\(name)")
            }
            #expect(r.headers.first(name: "Vary") == "Accept-Encoding")
        }
    }

    @Test("a 304 from If-Modified-Since on a path without ETag carries Last-Modified")
    func notModifiedWithoutETag() async throws {
        try await serve(ServerPolicy(rules: [.init(match: "index.html", fault: Fault(validators: .lastModifiedOnly))])) { base in
            let lm = try #require(try await request(.GET, url(base, "index.html")).headers.first(name: "Last-Modified"))
            let r = try await request(.GET, url(base, "index.html"), headers: [("If-Modified-Since", lm)])
            #expect(r.status == 304)
            #expect(r.headers.first(name: "Last-Modified") == lm)
            #expect(r.headers.first(name: "ETag") == nil)
        }
    }

    @Test("HEAD carries the same headers as GET, and no body")
    func headMatchesGet() async throws {
        try await serve { base in
            for path in ["index.html", "app.css", "missing.png"] {
                let get = try await request(.GET, url(base, path))
                let head = try await request(.HEAD, url(base, path))
                #expect(head.status == get.status)
                #expect(head.body.isEmpty)
                let strip: (HTTPHeaders) -> [String] = { $0.filter { $0.name.lowercased() != "date" }.map { "\($0.name.lowercased()): \($0.value)" }.sorted() }
                #expect(strip(head.headers) == strip(get.headers), "\(path)")
            }
        }
    }

    @Test("a conditional HEAD behaves like a conditional GET")
    func conditionalHead() async throws {
        try await serve { base in
            let get = try await request(.GET, url(base, "index.html"))
            let etag = try #require(get.headers.first(name: "ETag"))
            #expect(try await request(.HEAD, url(base, "index.html"), headers: [("If-None-Match", etag)]).status == 304)
            #expect(try await request(.HEAD, url(base, "index.html"), headers: [("If-Match", "\"x\"")]).status == 412)
            let lm = try #require(get.headers.first(name: "Last-Modified"))
            #expect(try await request(.HEAD, url(base, "index.html"), headers: [("If-Modified-Since", lm)]).status == 304)
        }
    }

    @Test("Last-Modified is never later than Date, and the ETag is a quoted string")
    func validatorsAreSane() async throws {
        try await withTemporarySite(files) { root in
            // A file dated in the future.
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(86400 * 30)],
                                                  ofItemAtPath: root.appendingPathComponent("index.html").path)
            try await FixtureServer.withFixtureServer(root: root) { base in
                let r = try await request(.GET, url(base, "index.html"))
                let lm = try #require(r.headers.first(name: "Last-Modified").flatMap(HTTPDate.parse))
                let date = try #require(r.headers.first(name: "Date").flatMap(HTTPDate.parse))
                #expect(lm <= date)
                let etag = try #require(r.headers.first(name: "ETag"))
                #expect(EntityTag(parsing: Substring(etag)) != nil)
                #expect(!etag.hasPrefix("W/"))
            }
        }
    }

    @Test("If-Match: * matches an existing file; If-Unmodified-Since is ignored when If-Match is present")
    func ifMatchStarAndPrecedence() async throws {
        try await serve { base in
            let etag = try #require(try await request(.GET, url(base, "index.html")).headers.first(name: "ETag"))
            #expect(try await request(.GET, url(base, "index.html"), headers: [("If-Match", "*")]).status == 200)
            #expect(try await request(.GET, url(base, "index.html"), headers: [("If-Match", "\"a\", \(etag)")]).status == 200)
            let old = "Thu, 01 Jan 1970 00:00:00 GMT"
            #expect(try await request(.GET, url(base, "index.html"), headers: [("If-Match", etag), ("If-Unmodified-Since", old)]).status == 200)
            let lm = try #require(try await request(.GET, url(base, "index.html")).headers.first(name: "Last-Modified"))
            #expect(try await request(.GET, url(base, "index.html"), headers: [("If-Unmodified-Since", lm)]).status == 200)
        }
    }

    @Test("If-Modified-Since is ignored when repeated, or when the file has no Last-Modified")
    func ifModifiedSinceIgnored() async throws {
        try await serve(ServerPolicy(rules: [.init(match: "app.css", fault: Fault(validators: .etagOnly))])) { base in
            let lm = try #require(try await request(.GET, url(base, "index.html")).headers.first(name: "Last-Modified"))
            #expect(try await request(.GET, url(base, "index.html"), headers: [("If-Modified-Since", lm), ("If-Modified-Since", lm)]).status == 200)
            #expect(try await request(.GET, url(base, "app.css"), headers: [("If-Modified-Since", "Sun, 06 Nov 2044 08:49:37 GMT")]).status == 200)
        }
    }

    @Test("preconditions are evaluated only when the answer would be 2xx: a missing file is 404, not 412 or 304")
    func preconditionsOnlyFor2xx() async throws {
        try await serve { (base: URL) async throws in
            #expect(try await request(.GET, url(base, "missing.css"), headers: [("If-Match", "\"x\"")]).status == 404)
            #expect(try await request(.GET, url(base, "missing.css"), headers: [("If-None-Match", "*")]).status == 404)
        }
    }

    @Test("If-None-Match with other tags and a weak list member that matches")
    func ifNoneMatchLists() async throws {
        try await serve { base in
            let etag = try #require(try await request(.GET, url(base, "index.html")).headers.first(name: "ETag"))
            #expect(try await request(.GET, url(base, "index.html"), headers: [("If-None-Match", "\"a\", W/\"b\""), ("If-None-Match", "W/\(etag)")]).status == 304)
            #expect(try await request(.GET, url(base, "index.html"), headers: [("If-None-Match", "\"a\", W/\"b\"")]).status == 200)
        }
    }
}
