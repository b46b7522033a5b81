import AsyncHTTPClient
import FixtureServer
import Foundation
import TestSupport
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

@Suite("Embedded server: https with HTTP/2 and HTTP/1.1 by ALPN")
struct TLSTests {
    static let big = patternBytes(3 * 1024 * 1024 + 17)

    func serve(limits: ServerLimits = ServerLimits(), _ body: (URL) async throws -> Void) async throws {
        let cert = try TestCertificate.make()
        defer { cert.remove() }
        try await withTemporarySite(["index.html": Array("<h1>tls</h1>".utf8), "big.bin": Self.big]) { root in
            var configuration = FixtureServer.Configuration(root: root)
            configuration.tls = FixtureServer.TLS(certificateChainFile: cert.certificate, privateKeyFile: cert.key)
            configuration.limits = limits
            try await FixtureServer.withFixtureServer(configuration) { base in try await body(base) }
        }
    }

    /// One request over https, certificate verification off (the certificate is self-signed).
    func fetch(_ url: URL, http1Only: Bool = false, headers: [(String, String)] = []) async throws -> (status: Int, version: HTTPVersion, headers: HTTPHeaders, body: [UInt8]) {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.httpVersion = http1Only ? .http1Only : .automatic
        configuration.decompression = .disabled
        var req = HTTPClientRequest(url: url.absoluteString)
        for (n, v) in headers { req.headers.add(name: n, value: v) }
        return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
            let response = try await client.execute(req, timeout: .seconds(20))
            let body = try await response.body.collect(upTo: 64 << 20)
            return (Int(response.status.code), response.version, response.headers, Array(buffer: body))
        }
    }

    @Test("https negotiates HTTP/2, with HSTS, validators and 304s")
    func http2() async throws {
        try await serve { base in
            #expect(base.scheme == "https")
            let r = try await fetch(base.appendingPathComponent("index.html"))
            #expect(r.status == 200)
            #expect(r.version == .http2)
            #expect(String(decoding: r.body, as: UTF8.self) == "<h1>tls</h1>")
            #expect(r.headers.first(name: "Strict-Transport-Security") == "max-age=31536000")
            let etag = try #require(r.headers.first(name: "ETag"))
            let again = try await fetch(base.appendingPathComponent("index.html"), headers: [("If-None-Match", etag)])
            #expect(again.status == 304 && again.body.isEmpty)
        }
    }

    @Test("a client without h2 gets HTTP/1.1 over TLS")
    func http1() async throws {
        try await serve { base in
            let r = try await fetch(base.appendingPathComponent("index.html"), http1Only: true)
            #expect(r.status == 200)
            #expect(r.version == .http1_1)
            #expect(String(decoding: r.body, as: UTF8.self) == "<h1>tls</h1>")
        }
    }

    @Test("a 3 MB file and ranges of it arrive intact over both protocols (read in chunks, not sendfile)")
    func largeAndRanges() async throws {
        try await serve { base in
            for http1Only in [false, true] {
                let whole = try await fetch(base.appendingPathComponent("big.bin"), http1Only: http1Only)
                #expect(whole.body == Self.big, "http1Only: \(http1Only)")
                let range = try await fetch(base.appendingPathComponent("big.bin"), http1Only: http1Only, headers: [("Range", "bytes=100-199,2000000-2000099")])
                #expect(range.status == 206)
                let type = try #require(range.headers.first(name: "Content-Type"))
                let parts = try parseMultipart(range.body, boundary: String(type.split(separator: "=").last ?? ""))
                #expect(parts.map(\.body) == [Array(Self.big[100...199]), Array(Self.big[2_000_000...2_000_099])])
            }
        }
    }

    @Test("a TLS connection that never says anything is closed after the idle timeout")
    func stalledHandshake() async throws {
        var limits = ServerLimits()
        limits.idleTimeout = .milliseconds(300)
        try await serve(limits: limits) { (base: URL) async throws in
            let connection = try RawConnection(port: base.port!)
            let (text, closed) = connection.readAll()
            #expect(closed)
            #expect(text.isEmpty)
        }
    }
}
