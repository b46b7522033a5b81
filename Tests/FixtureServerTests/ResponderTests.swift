@testable import FixtureServer
import HTTPSemantics
import NIOCore
import NIOHTTP1
import Testing

/// The responder as a pure function: a request and a file's state in, a response description
/// out, no socket and no file. (The same rules over real HTTP: ConditionalRequestTests,
/// RangeTests, ContentCodingTests.)
@Suite("Responder: request + file state → response, without I/O")
struct ResponderTests {
    static let body = ByteBuffer(string: "0123456789")

    func representation(coding: ContentCoding? = nil, negotiated: Bool = false, inMemory: Bool = true, etag: String = "abc") -> Representation {
        var headers = HTTPHeaders()
        headers.add(name: "ETag", value: "\"\(etag)\"")
        headers.add(name: "Last-Modified", value: HTTPDate.format(1_700_000_000))
        headers.add(name: "Cache-Control", value: "max-age=60")
        if negotiated { headers.add(name: "Vary", value: "Accept-Encoding") }
        headers.add(name: "Accept-Ranges", value: "bytes")
        if let coding { headers.add(name: "Content-Encoding", value: coding.rawValue) }
        var ok = headers
        ok.add(name: "Content-Type", value: "text/plain")
        ok.add(name: "Content-Length", value: "10")
        let key = ContentHashCache.Key(device: 1, inode: 2, size: 10, mtimeSec: 1_700_000_000, mtimeNsec: 0, ctimeSec: 0, ctimeNsec: 0)
        return Representation(
            relativePath: "a.txt", coding: coding, negotiated: negotiated, path: "/site/a.txt" + (coding?.fileSuffix ?? ""), key: key,
            size: 10, bytes: inMemory ? Self.body : nil, etag: EntityTag(opaque: etag), lastModified: 1_700_000_000,
            contentType: "text/plain", headers: headers, okHeaders: ok,
            notModifiedHeaders: ["ETag": "\"\(etag)\"", "Cache-Control": "max-age=60"]
        )
    }

    func respond(_ headers: [(String, String)], method: HTTPMethod = .GET, state: FileState? = nil) -> Response {
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: "/a.txt", headers: HTTPHeaders([("Host", "a")] + headers))
        if let early = Responder.withoutFile(head, fault: nil) { return early }
        return Responder.respond(to: head, fields: RequestFields(head.headers), state: state ?? .file([representation()]), fault: nil)
    }

    func bytes(_ response: Response) -> String {
        guard case .pieces(let pieces, _) = response.body else { return "" }
        return pieces.map { piece -> String in
            if case .bytes(let b) = piece { return String(buffer: b) }
            return "<file>"
        }.joined()
    }

    @Test("200 from memory names no file; a large file's 200 names the file and the state it was made for")
    func ok() {
        let r = respond([])
        #expect(r.status == .ok && r.representation != nil && bytes(r) == "0123456789" && r.fileSource == nil)
        let big = respond([], state: .file([representation(inMemory: false)]))
        #expect(big.fileSource?.path == "/site/a.txt" && big.fileSource?.key.size == 10)
    }

    @Test("preconditions: 304 with the 304's headers, 412 without Accept-Ranges")
    func preconditions() {
        let notModified = respond([("If-None-Match", "W/\"abc\"")])
        #expect(notModified.status == .notModified && notModified.headers["ETag"] == ["\"abc\""] && notModified.bodyLength(isHead: false) == 0)
        let failed = respond([("If-Match", "\"other\"")])
        #expect(failed.status == .preconditionFailed && failed.headers["Accept-Ranges"].isEmpty && failed.headers["ETag"] == ["\"abc\""])
        #expect(respond([("If-None-Match", "\"abc\"")], method: .HEAD).status == .notModified)
    }

    @Test("ranges: one part, several parts as multipart, unsatisfiable, and If-Range that fails")
    func ranges() {
        let one = respond([("Range", "bytes=2-4")])
        #expect(one.status == .partialContent && one.headers["Content-Range"] == ["bytes 2-4/10"] && bytes(one) == "234")
        let two = respond([("Range", "bytes=0-0,8-")])
        let type = two.headers["Content-Type"].first ?? ""
        #expect(two.status == .partialContent && type.hasPrefix("multipart/byteranges; boundary="))
        let boundary = String(type.split(separator: "=").last ?? "")
        #expect(bytes(two) == "--\(boundary)\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-0/10\r\n\r\n0\r\n--\(boundary)\r\nContent-Type: text/plain\r\nContent-Range: bytes 8-9/10\r\n\r\n89\r\n--\(boundary)--\r\n")
        #expect(two.headers["Content-Length"] == [String(bytes(two).utf8.count)])
        let none = respond([("Range", "bytes=20-30")])
        #expect(none.status == .rangeNotSatisfiable && none.headers["Content-Range"] == ["bytes */10"] && none.note?.level == .debug)
        #expect(respond([("Range", "bytes=2-4"), ("If-Range", "\"other\"")]).status == .ok)
        #expect(respond([("Range", "bytes=2-4")], method: .HEAD).status == .ok, "ranges are for GET only")
    }

    @Test("negotiation picks the sibling the client accepts, else the file's own bytes")
    func negotiation() {
        let all = [representation(negotiated: true), representation(coding: .br, negotiated: true, etag: "b"),
                   representation(coding: .gzip, negotiated: true, etag: "g")]
        #expect(Responder.negotiate(all, acceptEncoding: ["gzip, br"]) == 1)
        #expect(Responder.negotiate(all, acceptEncoding: ["gzip"]) == 2)
        #expect(Responder.negotiate(all, acceptEncoding: []) == 0)
        #expect(respond([("Accept-Encoding", "gzip")], state: .file(all)).headers["Content-Encoding"] == ["gzip"])
    }

    @Test("states without a file: 405, 400, 403, 301, 404")
    func withoutFile() {
        let post = respond([], method: .POST)
        #expect(post.status == .methodNotAllowed && post.headers["Allow"] == ["GET, HEAD"])
        #expect(respond([], state: .badRequest(reason: "NUL")).note?.level == .notice)
        #expect(respond([], state: .forbidden(reason: "symlink")).status == .forbidden)
        #expect(respond([], state: .redirect(location: "/d/")).headers["Location"] == ["/d/"])
        #expect(respond([], state: .notFound(nil)).status == .notFound)
    }
}
