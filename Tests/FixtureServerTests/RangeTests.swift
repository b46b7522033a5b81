import FixtureServer
import HTTPSemantics
import Foundation
import TestSupport
import NIOHTTP1
import Testing

@Suite("Embedded server: range requests over real HTTP (RFC 9110 §14)")
struct RangeTests {
    static let data = patternBytes(1000)

    func serve(_ body: (URL) async throws -> Void) async throws {
        try await withTemporarySite(["data.bin": Self.data, "page.css": Array("body{color:red}".utf8), "empty.txt": []]) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in try await body(base) }
        }
    }

    func url(_ base: URL, _ path: String = "data.bin") -> URL { URL(string: base.absoluteString + path)! }

    @Test("a single range: 206, Content-Range, exactly those bytes")
    func single() async throws {
        try await serve { base in
            let r = try await requestBytes(.GET, url(base), headers: [("Range", "bytes=10-19")])
            #expect(r.status == 206)
            #expect(r.headers.first(name: "Content-Range") == "bytes 10-19/1000")
            #expect(r.headers.first(name: "Content-Length") == "10")
            #expect(r.body == Array(Self.data[10...19]))
        }
    }

    @Test("an open range and a last position past the end are clipped to the end")
    func openAndClipped() async throws {
        try await serve { base in
            let open = try await requestBytes(.GET, url(base), headers: [("Range", "bytes=990-")])
            #expect(open.status == 206 && open.body == Array(Self.data[990...]))
            #expect(open.headers.first(name: "Content-Range") == "bytes 990-999/1000")
            let clipped = try await requestBytes(.GET, url(base), headers: [("Range", "bytes=995-5000")])
            #expect(clipped.headers.first(name: "Content-Range") == "bytes 995-999/1000")
            #expect(clipped.body == Array(Self.data[995...]))
        }
    }

    @Test("a suffix range is the last N bytes, the whole file when N is larger")
    func suffix() async throws {
        try await serve { base in
            let r = try await requestBytes(.GET, url(base), headers: [("Range", "bytes=-3")])
            #expect(r.status == 206)
            #expect(r.headers.first(name: "Content-Range") == "bytes 997-999/1000")
            #expect(r.body == Array(Self.data[997...]))
            let all = try await requestBytes(.GET, url(base), headers: [("Range", "bytes=-5000")])
            #expect(all.headers.first(name: "Content-Range") == "bytes 0-999/1000")
            #expect(all.body == Self.data)
        }
    }

    @Test("multiple ranges: multipart/byteranges with each part's Content-Range and bytes")
    func multiple() async throws {
        try await serve { base in
            let r = try await requestBytes(.GET, url(base), headers: [("Range", "bytes=500-509, 0-4")])
            #expect(r.status == 206)
            let type = try #require(r.headers.first(name: "Content-Type"))
            #expect(type.hasPrefix("multipart/byteranges; boundary="))
            #expect(r.headers.first(name: "Content-Range") == nil)
            #expect(r.headers.first(name: "Content-Length") == String(r.body.count))
            let boundary = String(type.dropFirst("multipart/byteranges; boundary=".count))
            let parts = try parseMultipart(r.body, boundary: boundary)
            // Sorted by position (§14.1.1 allows reordering when coalescing).
            #expect(parts.map(\.range) == ["bytes 0-4/1000", "bytes 500-509/1000"])
            #expect(parts.map(\.type) == ["application/octet-stream", "application/octet-stream"])
            #expect(parts[0].body == Array(Self.data[0...4]))
            #expect(parts[1].body == Array(Self.data[500...509]))
        }
    }

    @Test("overlapping and adjacent ranges are coalesced into one")
    func coalesced() async throws {
        try await serve { base in
            let r = try await requestBytes(.GET, url(base), headers: [("Range", "bytes=0-9,5-14,15-19")])
            #expect(r.status == 206)
            #expect(r.headers.first(name: "Content-Range") == "bytes 0-19/1000")
            #expect(r.body == Array(Self.data[0...19]))
        }
    }

    @Test("2,000 ranges do not amplify: overlapping ones collapse, separate ones are refused with 416")
    func manyRanges() async throws {
        try await serve { base in
            let overlapping = "bytes=" + Array(repeating: "0-999", count: 2000).joined(separator: ",")
            let a = try await requestBytes(.GET, url(base), headers: [("Range", overlapping)])
            #expect(a.status == 206)
            #expect(a.body.count == 1000)
            let separate = "bytes=" + (0..<2000).map { "\($0 % 500 * 2)-\($0 % 500 * 2)" }.joined(separator: ",")
            let b = try await requestBytes(.GET, url(base), headers: [("Range", separate)])
            #expect(b.status == 416)
            #expect(b.headers.first(name: "Content-Range") == "bytes */1000")
            #expect(b.body.count < 100)
        }
    }

    @Test("unsatisfiable and invalid ranges get 416 with Content-Range: bytes */length")
    func unsatisfiable() async throws {
        try await serve { base in
            for value in ["bytes=1000-1005", "bytes=5-1", "bytes=-0", "bytes=abc", "bytes="] {
                let r = try await requestBytes(.GET, url(base), headers: [("Range", value)])
                #expect(r.status == 416, "\(value)")
                #expect(r.headers.first(name: "Content-Range") == "bytes */1000", "\(value)")
            }
        }
    }

    @Test("an unknown range unit is ignored: 200 with the whole file")
    func unknownUnit() async throws {
        try await serve { base in
            let r = try await requestBytes(.GET, url(base), headers: [("Range", "items=0-5")])
            #expect(r.status == 200)
            #expect(r.body == Self.data)
            #expect(r.headers.first(name: "Accept-Ranges") == "bytes")
        }
    }

    @Test("Range is for GET only: HEAD with Range answers as a plain HEAD")
    func headIgnoresRange() async throws {
        try await serve { base in
            let r = try await requestBytes(.HEAD, url(base), headers: [("Range", "bytes=0-9")])
            #expect(r.status == 200)
            #expect(r.headers.first(name: "Content-Length") == "1000")
            #expect(r.headers.first(name: "Content-Range") == nil)
        }
    }

    @Test("If-Range with the current strong ETag or the exact Last-Modified honours Range; otherwise 200")
    func ifRange() async throws {
        try await serve { base in
            let full = try await requestBytes(.GET, url(base))
            let etag = try #require(full.headers.first(name: "ETag"))
            let lastModified = try #require(full.headers.first(name: "Last-Modified"))
            let seconds = try #require(HTTPDate.parse(lastModified))
            let cases: [(String, Int)] = [
                (etag, 206), ("W/" + etag, 200), ("\"other\"", 200),
                (lastModified, 206), (HTTPDate.format(seconds + 1), 200), ("not a date", 200),
            ]
            for (value, expected) in cases {
                let r = try await requestBytes(.GET, url(base), headers: [("Range", "bytes=0-9"), ("If-Range", value)])
                #expect(r.status == expected, "If-Range: \(value)")
                #expect(r.body.count == (expected == 206 ? 10 : 1000), "If-Range: \(value)")
            }
            // If-Range without Range changes nothing.
            #expect(try await requestBytes(.GET, url(base), headers: [("If-Range", "\"other\"")]).status == 200)
        }
    }

    @Test("preconditions come first: a matching If-None-Match with Range is 304, never 206")
    func neverWith304() async throws {
        try await serve { base in
            let etag = try #require(try await requestBytes(.GET, url(base)).headers.first(name: "ETag"))
            let r = try await requestBytes(.GET, url(base), headers: [("Range", "bytes=0-9"), ("If-None-Match", etag)])
            #expect(r.status == 304)
            #expect(r.headers.first(name: "Content-Range") == nil)
            #expect(r.body.isEmpty)
            let failed = try await requestBytes(.GET, url(base), headers: [("Range", "bytes=0-9"), ("If-Match", "\"other\"")])
            #expect(failed.status == 412)
        }
    }

    @Test("a 206 repeats Date, Cache-Control, ETag, Last-Modified and the security headers of the 200")
    func partialRepeatsHeaders() async throws {
        try await serve { base in
            let full = try await requestBytes(.GET, url(base, "page.css"))
            let partial = try await requestBytes(.GET, url(base, "page.css"), headers: [("Range", "bytes=0-3")])
            #expect(partial.status == 206)
            #expect(partial.headers.first(name: "Date") != nil)
            for name in ["Cache-Control", "ETag", "Last-Modified", "X-Content-Type-Options", "Content-Type"] {
                #expect(partial.headers.first(name: name) != nil, "\(name)")
                #expect(partial.headers.first(name: name) == full.headers.first(name: name), "\(name)")
            }
            #expect(String(decoding: partial.body, as: UTF8.self) == "body")
        }
    }

    @Test("a file too big to keep in memory (sendfile path): whole, single, suffix and multiple ranges are exact")
    func largeFileRanges() async throws {
        let big = patternBytes(300_001)
        try await withTemporarySite(["big.bin": big]) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let u = URL(string: base.absoluteString + "big.bin")!
                #expect(try await requestBytes(.GET, u).body == big)
                let single = try await requestBytes(.GET, u, headers: [("Range", "bytes=70000-70099")])
                #expect(single.status == 206 && single.body == Array(big[70000...70099]))
                let suffix = try await requestBytes(.GET, u, headers: [("Range", "bytes=-10")])
                #expect(suffix.body == Array(big[(big.count - 10)...]))
                let multi = try await requestBytes(.GET, u, headers: [("Range", "bytes=0-9,150000-150009,-5")])
                let type = try #require(multi.headers.first(name: "Content-Type"))
                let parts = try parseMultipart(multi.body, boundary: String(type.dropFirst("multipart/byteranges; boundary=".count)))
                #expect(parts.map(\.body) == [Array(big[0...9]), Array(big[150000...150009]), Array(big[(big.count - 5)...])])
                #expect(multi.headers.first(name: "Content-Length") == String(multi.body.count))
            }
        }
    }

    @Test("an empty file ignores Range: 200 with no body")
    func emptyFile() async throws {
        try await serve { base in
            let r = try await requestBytes(.GET, url(base, "empty.txt"), headers: [("Range", "bytes=0-5")])
            #expect(r.status == 200)
            #expect(r.body.isEmpty)
        }
    }
}

/// The parts of a multipart/byteranges body: each part's Content-Type, Content-Range and bytes.
func parseMultipart(_ body: [UInt8], boundary: String) throws -> [(type: String, range: String, body: [UInt8])] {
    let delimiter = Array("--\(boundary)".utf8)
    var parts: [(String, String, [UInt8])] = []
    var starts: [Int] = []
    var i = 0
    while i + delimiter.count <= body.count {
        if Array(body[i..<(i + delimiter.count)]) == delimiter { starts.append(i) }
        i += 1
    }
    for (k, start) in starts.enumerated() where k + 1 < starts.count {
        var segment = Array(body[(start + delimiter.count)..<starts[k + 1]])
        // Drop the CRLF after the delimiter and the CRLF before the next one.
        segment.removeFirst(2)
        segment.removeLast(2)
        let separator = Array("\r\n\r\n".utf8)
        guard let split = (0...(segment.count - 4)).first(where: { Array(segment[$0..<($0 + 4)]) == separator }) else {
            throw MultipartError.noHeaders
        }
        let headerText = String(decoding: segment[..<split], as: UTF8.self)
        var type = "", range = ""
        for line in headerText.split(separator: "\r\n") {
            let kv = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv[0].lowercased() == "content-type" { type = kv[1] }
            if kv[0].lowercased() == "content-range" { range = kv[1] }
        }
        parts.append((type, range, Array(segment[(split + 4)...])))
    }
    #expect(body.suffix(delimiter.count + 4) == ArraySlice(delimiter + Array("--\r\n".utf8)))
    return parts
}

enum MultipartError: Error { case noHeaders }
