@testable import FixtureServer
import Foundation
import TestSupport
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

/// The server's own reader of plain request heads: it must read exactly what llhttp reads, and
/// refuse (hand to llhttp) everything outside its strict subset of RFC 9112, so that a request
/// never has two readings (request smuggling). Each accepted head is compared with llhttp's
/// reading of the same bytes; over real HTTP, a connection that hands over mid-way answers
/// every request in order.
@Suite("HTTP/1 request-head scanner: a strict subset of llhttp's reading")
struct HTTP1RequestHeadScannerTests {
    let limits = ServerLimits()

    func scan(_ text: String) -> HTTP1RequestHeadScanner.Result {
        HTTP1RequestHeadScanner.scan(ByteBuffer(string: text), limits: limits)
    }

    func scan(_ bytes: [UInt8]) -> HTTP1RequestHeadScanner.Result {
        HTTP1RequestHeadScanner.scan(ByteBuffer(bytes: bytes), limits: limits)
    }

    /// llhttp's reading (NIO's HTTPRequestDecoder) of the bytes: the parts, or the error.
    func llhttp(_ bytes: [UInt8]) throws -> (parts: [HTTPServerRequestPart], error: (any Error)?) {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        defer { _ = try? channel.finish() }
        var error: (any Error)?
        do { try channel.writeInbound(ByteBuffer(bytes: bytes)) } catch let e { error = e }
        var parts: [HTTPServerRequestPart] = []
        while let part = try channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(part) }
        return (parts, error)
    }

    static let accepted: [String] = [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /10k.bin HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nIf-None-Match: \"af5742e3ebc2b0b6\"\r\n\r\n",
        "HEAD /a/b.css?x=1&y=%20 HTTP/1.1\r\nhost: a\r\nAccept-Encoding: gzip, br;q=0.5\r\nConnection: close\r\n\r\n",
        "GET /index.html HTTP/1.0\r\n\r\n",
        "GET /x HTTP/1.0\r\nConnection: keep-alive\r\nX-Empty:\r\nX-Tabs:\t\tv  a\tl\r\n\r\n",
        "GET /~user/!$&'()*+,;= HTTP/1.1\r\nHost: a\r\nX-Token!#$%&'*+-.^_`|~: ok\r\nHost: b\r\n\r\n",
    ]

    @Test("each accepted head is read exactly as llhttp reads it: method, target, version, fields in order, length")
    func agreesWithLLHTTP() throws {
        for text in Self.accepted {
            let bytes = Array(text.utf8)
            guard case .head(let head, let length) = scan(bytes) else {
                Issue.record("not accepted: \(text.debugDescription)")
                continue
            }
            #expect(length == bytes.count, "\(text.debugDescription)")
            let reference = try llhttp(bytes)
            #expect(reference.error == nil)
            guard reference.parts.count == 2, case .head(let expected) = reference.parts[0], case .end(nil) = reference.parts[1] else {
                Issue.record("llhttp read \(reference.parts) from \(text.debugDescription)")
                continue
            }
            #expect(head.method == expected.method)
            #expect(head.uri == expected.uri)
            #expect(head.version == expected.version)
            #expect(head.headers.map { "\($0.name): \($0.value)" } == expected.headers.map { "\($0.name): \($0.value)" })
            #expect(head.isKeepAlive == expected.isKeepAlive, "\(text.debugDescription)")
        }
    }

    @Test("pipelined heads are read one at a time; the bytes after a head are left for the next")
    func pipelined() {
        let first = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
        guard case .head(let head, let length) = scan(first + "GET /b HTTP/1.1\r\nHost: a\r\n\r\n") else {
            Issue.record("not accepted")
            return
        }
        #expect(head.uri == "/a")
        #expect(length == first.utf8.count)
    }

    /// Forms outside the subset, each handed to llhttp: bodies, smuggling vectors (RFC 9112
    /// §6.1, §5.2, §2.2), lenient forms, other methods and versions, limits, incomplete heads.
    static let handedOver: [(String, String)] = [
        ("Content-Length", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"),
        ("Content-Length in capitals", "GET / HTTP/1.1\r\nHost: a\r\nCONTENT-LENGTH: 0\r\n\r\n"),
        ("Transfer-Encoding", "GET / HTTP/1.1\r\nHost: a\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("both", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("Upgrade", "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
        ("obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"),
        ("obs-fold with a tab", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tTransfer-Encoding: chunked\r\n\r\n"),
        ("space before the colon", "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n"),
        ("bare LF ending a field", "GET / HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n"),
        ("bare LF ending the request line", "GET / HTTP/1.1\nHost: a\r\n\r\n"),
        ("bare CR in a value", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"),
        ("trailing whitespace", "GET / HTTP/1.1\r\nHost: a \r\n\r\n"),
        ("no colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n"),
        ("empty name", "GET / HTTP/1.1\r\n: a\r\n\r\n"),
        ("leading empty line", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("POST", "POST / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("lowercase method", "get / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("absolute-form target", "GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("asterisk target", "GET * HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("two spaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("tab in the target", "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n"),
        ("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
        ("HTTP/1.2", "GET / HTTP/1.2\r\nHost: a\r\n\r\n"),
        ("lowercase version", "GET / http/1.1\r\nHost: a\r\n\r\n"),
        ("no version", "GET /\r\nHost: a\r\n\r\n"),
        ("incomplete head", "GET / HTTP/1.1\r\nHost: a\r\n"),
        ("incomplete request line", "GET /ind"),
        ("too many fields", "GET / HTTP/1.1\r\n" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n"),
        ("a long field line", "GET / HTTP/1.1\r\nX-Big: \(String(repeating: "b", count: 9 * 1024))\r\n\r\n"),
        ("a long target", "GET /\(String(repeating: "a", count: 9 * 1024)) HTTP/1.1\r\nHost: a\r\n\r\n"),
    ]

    @Test("bodies, smuggling vectors, lenient forms, other methods and versions, limits and incomplete heads go to llhttp")
    func handsOver() {
        for (name, text) in Self.handedOver {
            #expect(scan(text) == .unsupported, "\(name)")
        }
        for byte: UInt8 in [0, 1, 0x7F, 0x80, 0xFF] {
            #expect(scan(Array("GET / HTTP/1.1\r\nHost: a".utf8) + [byte] + Array("\r\n\r\n".utf8)) == .unsupported, "value byte \(byte)")
            #expect(scan(Array("GET /a".utf8) + [byte] + Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8)) == .unsupported, "target byte \(byte)")
        }
    }

    @Test("a connection hands over to llhttp at its first request outside the subset and answers every request in order")
    func handOverOverRealHTTP() async throws {
        try await withTemporarySite(["index.html": "<h1>hi</h1>", "a.css": "body{}"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { (base: URL) async throws in
                let connection = try RawConnection(port: base.port!)
                connection.send("GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /a.css HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n")
                let first = connection.readResponse()
                let second = connection.readResponse()
                let third = connection.readResponse()
                #expect(first.status == 200 && first.body == "<h1>hi</h1>")
                #expect(second.status == 200 && second.body == "body{}")
                #expect(third.status == 200 && third.body == "<h1>hi</h1>")
                // The handed-over connection still refuses what llhttp refuses.
                connection.send("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                #expect(connection.readResponse().status == 400)
            }
        }
    }

    @Test("over real HTTP, smuggling vectors get 400 on a fresh connection and after plain requests on a kept-alive one")
    func smugglingOverRealHTTP() async throws {
        let vectors = [
            "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
        ]
        try await withTemporarySite(["index.html": "<h1>hi</h1>"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { (base: URL) async throws in
                for vector in vectors {
                    #expect(try rawStatus(base, vector) == 400, "\(vector.debugDescription)")
                    let connection = try RawConnection(port: base.port!)
                    connection.send("GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n" + vector)
                    #expect(connection.readResponse().status == 200)
                    #expect(connection.readResponse().status == 400, "\(vector.debugDescription)")
                }
            }
        }
    }
}
