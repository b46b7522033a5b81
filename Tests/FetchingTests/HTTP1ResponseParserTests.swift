import CrawlModel
@testable import Fetching
import Testing

/// The parser alone, on bytes: framing, exact counts, and every way a response can be malformed.
/// Each response is also fed split at every byte position, as reads may cut it anywhere.
@Suite("HTTP/1.1 response parser")
struct HTTP1ResponseParserTests {
    struct Parsed {
        var head: HTTP1ResponseParser.Head?
        var body: [UInt8] = []
        var headerBytes = 0, bodyBytes = 0, framingBytes = 0
        var complete = false
        var reusable = true
        var leftover = 0
    }

    /// Feeds `reads` in order, as the connection handler does (re-feeding after the head).
    static func parse(_ reads: [[UInt8]], head: Bool = false) throws -> Parsed {
        var parser = HTTP1ResponseParser(isHeadRequest: head)
        var out = Parsed()
        for read in reads {
            var offset = 0
            while true {
                let progress = try read.withUnsafeBytes { bytes in
                    try parser.feed(UnsafeRawBufferPointer(rebasing: bytes[offset...])) { out.body.append(contentsOf: $0) }
                }
                if case .head(let consumed) = progress { offset += consumed; continue }
                if case .complete(let leftover) = progress { out.complete = true; out.leftover = leftover }
                break
            }
            if out.complete { break }
        }
        out.head = parser.head
        out.headerBytes = parser.headerBytes
        out.bodyBytes = parser.bodyBytes
        out.framingBytes = parser.framingBytes
        out.reusable = parser.reusable
        return out
    }

    /// The same response whole and split in two at every position: the same result each time.
    static func parseEverySplit(_ text: String, head: Bool = false) throws -> Parsed {
        let bytes = Array(text.utf8)
        let whole = try parse([bytes], head: head)
        for cut in 1..<bytes.count {
            let split = try parse([Array(bytes[..<cut]), Array(bytes[cut...])], head: head)
            #expect(split.body == whole.body, "cut at \(cut)")
            #expect(split.headerBytes == whole.headerBytes, "cut at \(cut)")
            #expect(split.framingBytes == whole.framingBytes, "cut at \(cut)")
            #expect(split.complete == whole.complete, "cut at \(cut)")
        }
        return whole
    }

    @Test("Content-Length: head bytes exactly as sent, body counted, headers in order")
    func contentLength() throws {
        let head = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/css\r\nContent-Length: 5\r\nETag: \"a\"\r\n\r\n"
        let r = try Self.parseEverySplit(head + "hello")
        #expect(r.complete)
        #expect(r.reusable)
        #expect(r.head?.status == 200)
        #expect(r.head?.version == "HTTP/1.1")
        #expect(r.head?.headers.map(\.name) == ["Server", "Content-Type", "Content-Length", "ETag"])
        #expect(r.head?.headers.first("etag") == "\"a\"")
        #expect(r.headerBytes == head.utf8.count)
        #expect(r.bodyBytes == 5)
        #expect(r.framingBytes == 0)
        #expect(String(decoding: r.body, as: UTF8.self) == "hello")
    }

    @Test("the head notes the first Content-Type, Content-Encoding and Content-Length, whatever their spelling")
    func contentFields() throws {
        let text = "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\nCONTENT-ENCODING: gzip\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 3, 3\r\n\r\nabc"
        let r = try Self.parseEverySplit(text)
        #expect(r.head?.contentType == "text/html; charset=utf-8")
        #expect(r.head?.contentType == r.head?.headers.first("Content-Type"))
        #expect(r.head?.contentEncoding == "gzip")
        #expect(r.head?.contentLength == 3)
        let bare = try Self.parseEverySplit("HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n")
        #expect(bare.head?.contentType == nil)
        #expect(bare.head?.contentEncoding == nil)
        #expect(bare.head?.contentLength == nil)
    }

    @Test("chunked: the body without its framing, and the framing counted to the byte (extensions, trailers)")
    func chunked() throws {
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        let framed = "5;name=value\r\nhello\r\n1A\r\n" + String(repeating: "z", count: 26) + "\r\n0\r\nTrailer: x\r\n\r\n"
        let r = try Self.parseEverySplit(head + framed)
        #expect(r.complete)
        #expect(r.reusable)
        #expect(r.bodyBytes == 31)
        #expect(String(decoding: r.body, as: UTF8.self) == "hello" + String(repeating: "z", count: 26))
        #expect(r.headerBytes == head.utf8.count)
        #expect(r.framingBytes == framed.utf8.count - 31)
        #expect(r.headerBytes + r.bodyBytes + r.framingBytes == (head + framed).utf8.count)
    }

    @Test("no body after HEAD, 204 and 304, whatever Content-Length says; interim 1xx responses are skipped and counted")
    func bodiless() throws {
        let head = try Self.parseEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n", head: true)
        #expect(head.complete && head.bodyBytes == 0 && head.reusable)
        let notModified = try Self.parseEverySplit("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 900\r\n\r\n")
        #expect(notModified.complete && notModified.head?.status == 304 && notModified.bodyBytes == 0)
        let noContent = try Self.parseEverySplit("HTTP/1.1 204 No Content\r\n\r\n")
        #expect(noContent.complete && noContent.head?.status == 204)
        let interim = "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
        let final = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
        let hinted = try Self.parseEverySplit(interim + final + "ok")
        #expect(hinted.head?.status == 200)
        #expect(hinted.head?.headers.first("Link") == nil)
        #expect(hinted.headerBytes == (interim + final).utf8.count)
        #expect(hinted.bodyBytes == 2)
    }

    @Test("connections that cannot carry another request: close, HTTP/1.0, body until close, CL with TE, bytes after the end")
    func notReusable() throws {
        #expect(try !Self.parse([Array("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".utf8)]).reusable)
        #expect(try !Self.parse([Array("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)]).reusable)
        let untilClose = try Self.parse([Array("HTTP/1.1 200 OK\r\n\r\nabc".utf8)])
        #expect(!untilClose.complete && !untilClose.reusable && untilClose.bodyBytes == 3)
        let both = try Self.parse([Array("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".utf8)])
        #expect(both.complete && !both.reusable && both.bodyBytes == 0)
        let extra = try Self.parse([Array("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab".utf8)])
        #expect(extra.complete && extra.leftover == 1)
        // Bytes past the end arriving in the same read make the connection untrustworthy.
        var parser = HTTP1ResponseParser()
        let bytes = Array("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab".utf8)
        var offset = 0
        while true {
            let p = try bytes.withUnsafeBytes { try parser.feed(UnsafeRawBufferPointer(rebasing: $0[offset...])) { _ in } }
            if case .head(let c) = p { offset += c; continue }
            break
        }
        #expect(!parser.reusable)
    }

    @Test("malformed responses are errors", arguments: [
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: empty\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
        "HTTP/1.1 101 Switching Protocols\r\n\r\n",
    ])
    func malformed(text: String) {
        #expect(throws: HTTP1ResponseParser.Malformed.self) { try Self.parse([Array(text.utf8)]) }
    }

    @Test("a head larger than 64 KiB is an error, also when it arrives in pieces")
    func hugeHead() {
        let line = "X-Filler: " + String(repeating: "a", count: 1000) + "\r\n"
        let reads = [Array("HTTP/1.1 200 OK\r\n".utf8)] + Array(repeating: Array(line.utf8), count: 70)
        #expect(throws: HTTP1ResponseParser.Malformed.self) { try Self.parse(reads) }
    }

    @Test("header names spelt as the table spells them are shared; a value equal to the last one is reused")
    func interning() throws {
        var names = HeaderNames()
        let date = "Tue, 01 Dec 2026 09:00:00 GMT"
        func field(_ n: String, _ v: String) -> (HeaderField, HeaderNames.Known) {
            let (name, value) = (Array(n.utf8), Array(v.utf8))
            return name.withUnsafeBytes { nb in value.withUnsafeBytes { vb in
                let f = names.field(name: nb, value: vb)
                return (f.header, f.known)
            } }
        }
        let (first, known) = field("Date", date)
        #expect(known == .date)
        let (second, _) = field("date", date)
        #expect(second.name == "date", "a different spelling is kept as received")
        #expect(second.value == first.value)
        #expect(field("content-length", "5").1 == .contentLength)
        #expect(field("X-Other", "1").1 == .other)
    }
}
