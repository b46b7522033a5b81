import FixtureServer
import HTTPSemantics
import Foundation
import TestSupport
import NIOHTTP1
import Testing

@Suite("Embedded server: precompressed siblings and Accept-Encoding")
struct ContentCodingTests {
    // The siblings' bytes need not really be compressed: the server never decodes them.
    let files = ["app.css": "body { color: red }", "app.css.gz": "GZIP-BYTES-0123456789", "app.css.br": "BR-BYTES",
                 "only-gz.js": "let a = 1", "only-gz.js.gz": "GZ", "plain.txt": "plain"]

    func serve(_ body: (URL) async throws -> Void) async throws {
        try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                try await SiteRoot.$current.withValue(root) { try await body(base) }
            }
        }
    }

    func siblingURL(_ base: URL) throws -> URL { try #require(SiteRoot.current).appendingPathComponent("plain.txt.gz") }

    func url(_ base: URL, _ path: String) -> URL { URL(string: base.absoluteString + path)! }

    @Test("br is preferred, then gzip, each with Content-Encoding, the original Content-Type and Vary")
    func negotiation() async throws {
        try await serve { base in
            let br = try await request(.GET, url(base, "app.css"), headers: [("Accept-Encoding", "gzip, deflate, br")])
            #expect(br.body == "BR-BYTES")
            #expect(br.headers.first(name: "Content-Encoding") == "br")
            #expect(br.headers.first(name: "Content-Type") == "text/css; charset=utf-8")
            #expect(br.headers.first(name: "Vary") == "Accept-Encoding")
            let gz = try await request(.GET, url(base, "app.css"), headers: [("Accept-Encoding", "gzip")])
            #expect(gz.body == "GZIP-BYTES-0123456789")
            #expect(gz.headers.first(name: "Content-Encoding") == "gzip")
            let identity = try await request(.GET, url(base, "app.css"))
            #expect(identity.body == "body { color: red }")
            #expect(identity.headers.first(name: "Content-Encoding") == nil)
            #expect(identity.headers.first(name: "Vary") == "Accept-Encoding")
        }
    }

    @Test("q-values: the highest wins, q=0 refuses, * covers the rest, identity can win")
    func qValues() async throws {
        try await serve { base in
            let cases: [(String, String?)] = [
                ("br;q=0.5, gzip;q=0.8", "gzip"), ("br;q=0, gzip", "gzip"), ("br;q=0, gzip;q=0", nil),
                ("*", "br"), ("*;q=0.5, br;q=0", "gzip"), ("gzip;q=0.5, identity", nil), ("deflate", nil), ("x-gzip", "gzip"),
            ]
            for (accept, expected) in cases {
                let r = try await request(.GET, url(base, "app.css"), headers: [("Accept-Encoding", accept)])
                #expect(r.headers.first(name: "Content-Encoding") == expected, "Accept-Encoding: \(accept)")
            }
        }
    }

    @Test("each encoding has its own strong ETag, and a 304 for one does not match another")
    func etagPerEncoding() async throws {
        try await serve { base in
            let tags = try await ["", "gzip", "br"].asyncMap { accept in
                try await request(.GET, url(base, "app.css"), headers: accept.isEmpty ? [] : [("Accept-Encoding", accept)]).headers.first(name: "ETag")
            }
            #expect(Set(tags.compactMap { $0 }).count == 3)
            #expect(tags.allSatisfy { $0?.hasPrefix("\"") == true })
            let gzTag = try #require(tags[1])
            let hit = try await request(.GET, url(base, "app.css"), headers: [("Accept-Encoding", "gzip"), ("If-None-Match", gzTag)])
            #expect(hit.status == 304)
            #expect(hit.headers.first(name: "Vary") == "Accept-Encoding")
            #expect(hit.headers.first(name: "ETag") == gzTag)
            let miss = try await request(.GET, url(base, "app.css"), headers: [("Accept-Encoding", "br"), ("If-None-Match", gzTag)])
            #expect(miss.status == 200)
        }
    }

    @Test("ranges apply to the encoded bytes, and a 206 carries Vary and Content-Encoding")
    func rangesOnEncodedBytes() async throws {
        try await serve { base in
            let r = try await request(.GET, url(base, "app.css"), headers: [("Accept-Encoding", "gzip"), ("Range", "bytes=0-3")])
            #expect(r.status == 206)
            #expect(r.body == "GZIP")
            #expect(r.headers.first(name: "Content-Range") == "bytes 0-3/21")
            #expect(r.headers.first(name: "Content-Encoding") == "gzip")
            #expect(r.headers.first(name: "Vary") == "Accept-Encoding")
        }
    }

    @Test("a file with no sibling has no Vary; one with only .gz still varies for every client")
    func varyOnlyWhenNegotiated() async throws {
        try await serve { base in
            #expect(try await request(.GET, url(base, "plain.txt"), headers: [("Accept-Encoding", "gzip")]).headers.first(name: "Vary") == nil)
            let br = try await request(.GET, url(base, "only-gz.js"), headers: [("Accept-Encoding", "br")])
            #expect(br.body == "let a = 1")
            #expect(br.headers.first(name: "Vary") == "Accept-Encoding")
            // The sibling itself, asked for by name, is a gzip file, not an encoding.
            let raw = try await request(.GET, url(base, "only-gz.js.gz"))
            #expect(raw.headers.first(name: "Content-Type") == "application/gzip")
            #expect(raw.headers.first(name: "Content-Encoding") == nil)
        }
    }

    @Test("a sibling added while the server runs is used at once; one removed is no longer served")
    func siblingsAppearAndDisappear() async throws {
        try await serve { base in
            #expect(try await request(.GET, url(base, "plain.txt"), headers: [("Accept-Encoding", "gzip")]).headers.first(name: "Vary") == nil)
            let sibling = try siblingURL(base)
            try Data("GZ-PLAIN".utf8).write(to: sibling)
            let encoded = try await request(.GET, url(base, "plain.txt"), headers: [("Accept-Encoding", "gzip")])
            #expect(encoded.headers.first(name: "Content-Encoding") == "gzip")
            #expect(encoded.body == "GZ-PLAIN")
            #expect(encoded.headers.first(name: "Vary") == "Accept-Encoding")
            try FileManager.default.removeItem(at: sibling)
            let after = try await request(.GET, url(base, "plain.txt"), headers: [("Accept-Encoding", "gzip")])
            #expect(after.body == "plain")
        }
    }

    @Test("negotiation as a pure function")
    func negotiateUnit() {
        #expect(ContentCoding.negotiate(["gzip;q=1.0, br;q=1.0"], available: [.br, .gzip]) == .br)
        #expect(ContentCoding.negotiate(["GZIP"], available: [.br, .gzip]) == .gzip)
        #expect(ContentCoding.negotiate(["br;q=0.9", "gzip"], available: [.br, .gzip]) == .gzip)
        #expect(ContentCoding.negotiate(["br;q=oops"], available: [.br]) == nil)
        #expect(ContentCoding.negotiate([], available: [.br]) == nil)
        #expect(ContentCoding.negotiate(["br"], available: []) == nil)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

/// The folder being served, for tests that change it while it is served.
enum SiteRoot {
    @TaskLocal static var current: URL?
}
