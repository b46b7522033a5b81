import FixtureServer
import HTTPSemantics
import Foundation
import TestSupport
import NIOHTTP1
import Testing

@Suite("Embedded server: validators and conditional requests over real HTTP")
struct ConditionalRequestTests {
    let files = ["index.html": "<h1>hi</h1>", "css/a.css": "body{}", "data.bin": "0123456789"]

    @Test("GET carries a strong ETag, Last-Modified, Content-Type and Content-Length")
    func validators() async throws {
        try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let r = try await request(.GET, base.appendingPathComponent("css/a.css"))
                #expect(r.status == 200)
                #expect(r.body == "body{}")
                let etag = try #require(r.headers.first(name: "ETag"))
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))
                #expect(r.headers.first(name: "Last-Modified").flatMap(HTTPDate.parse) != nil)
                #expect(r.headers.first(name: "Content-Type") == "text/css; charset=utf-8")
                #expect(r.headers.first(name: "Content-Length") == "6")
            }
        }
    }

    @Test("the ETag changes when the content changes even if size and mtime do not")
    func etagFollowsContent() async throws {
        try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let url = base.appendingPathComponent("data.bin")
                let path = root.appendingPathComponent("data.bin").path
                let before = try await request(.GET, url).headers.first(name: "ETag")
                let mtime = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
                try Data("9876543210".utf8).write(to: URL(fileURLWithPath: path))
                try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: path)
                let after = try await request(.GET, url)
                #expect(after.body == "9876543210")
                #expect(after.headers.first(name: "ETag") != before)
            }
        }
    }

    @Test("If-None-Match: exact, weak form, list and * get 304; others 200")
    func ifNoneMatch() async throws {
        try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let url = base.appendingPathComponent("css/a.css")
                let etag = try #require(try await request(.GET, url).headers.first(name: "ETag"))
                for value in [etag, "W/" + etag, "\"nope\", \(etag)", "*"] {
                    let r = try await request(.GET, url, headers: [("If-None-Match", value)])
                    #expect(r.status == 304, "If-None-Match: \(value)")
                    #expect(r.body.isEmpty)
                    #expect(r.headers.first(name: "ETag") == etag)
                    #expect(r.headers.first(name: "Content-Type") == nil)
                }
                #expect(try await request(.GET, url, headers: [("If-None-Match", "\"other\"")]).status == 200)
            }
        }
    }

    @Test("If-Modified-Since in all three date formats, later dates 304, invalid dates ignored")
    func ifModifiedSince() async throws {
        try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let url = base.appendingPathComponent("index.html")
                let lastModified = try #require(try await request(.GET, url).headers.first(name: "Last-Modified"))
                let seconds = try #require(HTTPDate.parse(lastModified))
                let later = HTTPDate.format(seconds + 3600)
                #expect(try await request(.GET, url, headers: [("If-Modified-Since", lastModified)]).status == 304)
                #expect(try await request(.GET, url, headers: [("If-Modified-Since", later)]).status == 304)
                #expect(try await request(.GET, url, headers: [("If-Modified-Since", HTTPDate.format(seconds - 1))]).status == 200)
                #expect(try await request(.GET, url, headers: [("If-Modified-Since", "yesterday")]).status == 200)
                // RFC 850 and asctime forms of a date in the future.
                #expect(try await request(.GET, url, headers: [("If-Modified-Since", "Sunday, 06-Nov-44 08:49:37 GMT")]).status == 304)
                #expect(try await request(.GET, url, headers: [("If-Modified-Since", "Sun Nov  6 08:49:37 2044")]).status == 304)
            }
        }
    }

    @Test("If-None-Match wins over If-Modified-Since")
    func inmBeatsIMS() async throws {
        try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let url = base.appendingPathComponent("index.html")
                let first = try await request(.GET, url)
                let etag = try #require(first.headers.first(name: "ETag"))
                let lm = try #require(first.headers.first(name: "Last-Modified"))
                // Matching ETag, old date: 304 (nginx answers 200 here).
                #expect(try await request(.GET, url, headers: [("If-None-Match", etag), ("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")]).status == 304)
                // Other ETag, matching date: 200.
                #expect(try await request(.GET, url, headers: [("If-None-Match", "\"x\""), ("If-Modified-Since", lm)]).status == 200)
            }
        }
    }

    @Test("If-Match and If-Unmodified-Since: 412 on failure, invalid dates ignored")
    func ifMatch() async throws {
        try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let url = base.appendingPathComponent("index.html")
                let etag = try #require(try await request(.GET, url).headers.first(name: "ETag"))
                #expect(try await request(.GET, url, headers: [("If-Match", etag)]).status == 200)
                #expect(try await request(.GET, url, headers: [("If-Match", "W/" + etag)]).status == 412)
                #expect(try await request(.GET, url, headers: [("If-Match", "\"x\"")]).status == 412)
                #expect(try await request(.GET, url, headers: [("If-Unmodified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")]).status == 412)
                #expect(try await request(.GET, url, headers: [("If-Unmodified-Since", "not a date")]).status == 200)
            }
        }
    }

    @Test("HEAD, 404, 405 with Allow, directory index and redirect")
    func basics() async throws {
        try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let head = try await request(.HEAD, base.appendingPathComponent("css/a.css"))
                #expect(head.status == 200 && head.body.isEmpty && head.headers.first(name: "Content-Length") == "6")
                #expect(try await request(.GET, base.appendingPathComponent("nope.png")).status == 404)
                let post = try await request(.POST, base)
                #expect(post.status == 405)
                #expect(post.headers.first(name: "Allow") == "GET, HEAD")
                #expect(try await request(.GET, base).body == "<h1>hi</h1>")
                let dir = try await request(.GET, URL(string: base.absoluteString + "css")!)
                #expect(dir.status == 301)
                #expect(dir.headers.first(name: "Location") == "/css/")
            }
        }
    }

    @Test("path traversal and NUL are refused")
    func traversal() async throws {
        try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let origin = base.absoluteString.dropLast()
                for path in ["/%2e%2e/%2e%2e/etc/passwd", "/css/..%2f..%2fetc/passwd", "/index.html%00.png"] {
                    let r = try await request(.GET, URL(string: origin + path)!)
                    #expect(r.status == 400, "\(path)")
                }
                #expect(try await request(.GET, URL(string: origin + "/%252e%252e/etc/passwd")!).status == 404)
            }
        }
    }
}
