import FixtureServer
import Foundation
import TestSupport
import NIOHTTP1
import Testing

@Suite("Embedded server: policy — Cache-Control, security headers, index, 404 page, MIME types")
struct PolicyTests {
    func url(_ base: URL, _ path: String) -> URL { URL(string: base.absoluteString + path)! }

    @Test("default Cache-Control: fingerprinted immutable for a year, HTML no-cache, the rest an hour")
    func defaultCacheControl() async throws {
        try await withTemporarySite(["index.html": "<p>", "app.3f9a2c1d.js": "x", "logo.png": "p"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { (base: URL) async throws in
                #expect(try await request(.GET, url(base, "app.3f9a2c1d.js")).headers.first(name: "Cache-Control") == "public, max-age=31536000, immutable")
                #expect(try await request(.GET, url(base, "index.html")).headers.first(name: "Cache-Control") == "no-cache")
                #expect(try await request(.GET, url(base, "logo.png")).headers.first(name: "Cache-Control") == "max-age=3600")
            }
        }
    }

    @Test("default security headers on every file; no HSTS over plain HTTP even when the policy names it")
    func securityHeaders() async throws {
        try await withTemporarySite(["index.html": "<p>", "a.css": "x"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { (base: URL) async throws in
                for path in ["index.html", "a.css"] {
                    let r = try await request(.GET, url(base, path))
                    #expect(r.headers.first(name: "X-Content-Type-Options") == "nosniff")
                    #expect(r.headers.first(name: "Referrer-Policy") == "strict-origin-when-cross-origin")
                    #expect(r.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors") == true)
                    #expect(r.headers.first(name: "Strict-Transport-Security") == nil)
                }
            }
            let policy = ServerPolicy(rules: [.init(match: "**", headers: ["Strict-Transport-Security": "max-age=63072000", "Content-Security-Policy": "default-src 'self'"])])
            try await FixtureServer.withFixtureServer(root: root, policy: policy) { (base: URL) async throws in
                let r = try await request(.GET, url(base, "a.css"))
                #expect(r.headers.first(name: "Strict-Transport-Security") == nil)
                #expect(r.headers.first(name: "Content-Security-Policy") == "default-src 'self'")
            }
        }
    }

    @Test("404.html in the root is the not-found page, sent with status 404; HEAD agrees")
    func customNotFound() async throws {
        try await withTemporarySite(["index.html": "<p>", "404.html": "<h1>Lost</h1>"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { (base: URL) async throws in
                let r = try await request(.GET, url(base, "nope/missing.png"))
                #expect(r.status == 404)
                #expect(r.body == "<h1>Lost</h1>")
                #expect(r.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
                let head = try await request(.HEAD, url(base, "nope/missing.png"))
                #expect(head.status == 404 && head.body.isEmpty)
                #expect(head.headers.first(name: "Content-Length") == "13")
            }
            try await FixtureServer.withFixtureServer(root: root, policy: ServerPolicy(notFoundPage: "")) { (base: URL) async throws in
                #expect(try await request(.GET, url(base, "missing")).body == "404 Not Found\n")
            }
        }
    }

    @Test("directory index names come from the policy; a directory without one is 404")
    func directoryIndex() async throws {
        try await withTemporarySite(["docs/home.htm": "home", "empty/x.txt": "x", "index.html": "root"]) { root in
            try await FixtureServer.withFixtureServer(root: root, policy: ServerPolicy(directoryIndex: ["index.html", "home.htm"])) { (base: URL) async throws in
                #expect(try await request(.GET, url(base, "docs/")).body == "home")
                #expect(try await request(.GET, url(base, "")).body == "root")
                #expect(try await request(.GET, url(base, "empty/")).status == 404)
            }
        }
    }

    @Test("content types for every common web type, and policy overrides", arguments: [
        ("a.woff2", "font/woff2"), ("a.woff", "font/woff"), ("a.avif", "image/avif"), ("a.webp", "image/webp"),
        ("a.mjs", "text/javascript; charset=utf-8"), ("a.js", "text/javascript; charset=utf-8"),
        ("a.webmanifest", "application/manifest+json"), ("a.wasm", "application/wasm"), ("a.svg", "image/svg+xml"),
        ("a.json", "application/json"), ("a.ico", "image/x-icon"), ("a.mp4", "video/mp4"), ("a.vtt", "text/vtt; charset=utf-8"),
        ("a.ttf", "font/ttf"), ("a.otf", "font/otf"), ("a.xml", "application/xml"), ("a.pdf", "application/pdf"),
        ("a.map", "application/json"), ("a.unknownext", "application/octet-stream"),
    ])
    func mimeTypes(file: String, type: String) async throws {
        try await withTemporarySite([file: "x", "model.glb": "x"]) { root in
            try await FixtureServer.withFixtureServer(root: root, policy: ServerPolicy(mimeTypes: ["glb": "model/x-test"])) { (base: URL) async throws in
                #expect(try await request(.GET, url(base, file)).headers.first(name: "Content-Type") == type)
                #expect(try await request(.GET, url(base, "model.glb")).headers.first(name: "Content-Type") == "model/x-test")
            }
        }
    }

    @Test("a policy file with every field decodes")
    func decodeFull() throws {
        let json = #"{"rules":[{"match":"**","headers":{"Cache-Control":"no-store"}}],"directoryIndex":["index.htm"],"notFoundPage":"errors/404.html","mimeTypes":{"glb":"model/gltf-binary"},"strictTransportSecurity":"max-age=63072000; includeSubDomains"}"#
        let policy = try JSONDecoder().decode(ServerPolicy.self, from: Data(json.utf8))
        #expect(policy.directoryIndex == ["index.htm"])
        #expect(policy.notFoundPage == "errors/404.html")
        #expect(policy.contentType(forPath: "a/b.GLB") == "model/gltf-binary")
        #expect(policy.strictTransportSecurity == "max-age=63072000; includeSubDomains")
    }

    @Test("policy headers that would corrupt a response (line breaks, bad names) are dropped with a warning")
    func headerInjection() async throws {
        let log = LogRecorder()
        let policy = ServerPolicy(rules: [.init(match: "**", headers: [
            "X-Evil": "a\r\nSet-Cookie: stolen=1", "Bad Name": "x", "X-Good": "fine",
        ])])
        try await withTemporarySite(["a.css": "x"]) { root in
            var configuration = FixtureServer.Configuration(root: root)
            configuration.policy = policy
            try await FixtureServer.withFixtureServer(configuration, logger: log.logger) { (base: URL) async throws in
                let r = try await request(.GET, url(base, "a.css"))
                #expect(r.status == 200)
                #expect(r.headers.first(name: "X-Good") == "fine")
                #expect(r.headers.first(name: "X-Evil") == nil)
                #expect(r.headers.first(name: "Set-Cookie") == nil)
            }
        }
        #expect(log.messages(atLeast: .warning).filter { $0.contains("not a valid header") }.count == 2)
    }
}
