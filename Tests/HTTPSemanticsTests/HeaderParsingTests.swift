import HTTPSemantics
import Testing

@Suite("List fields, Cache-Control, media types and field names (RFC 9110 §5, RFC 9111 §5.2)")
struct HeaderParsingTests {
    @Test("list members: commas outside quotes, OWS trimmed, empty members dropped, all lines combined")
    func listMembers() {
        #expect(HTTPList.members(["a, b", " ,c ,, ", "\"x,y\", z"]) == ["a", "b", "c", "\"x,y\"", "z"])
        #expect(HTTPList.members(["\"a\\\",b\", c"]) == ["\"a\\\",b\"", "c"], "an escaped quote does not end the string")
        #expect(HTTPList.members([]) == [])
        #expect(HTTPList.unquoted("\"a\\\"b\"") == "a\"b")
        #expect(HTTPList.unquoted("token") == "token")
    }

    @Test("Cache-Control: every line, first occurrence wins, values unquoted, names lowercased")
    func cacheControl() {
        let c = CacheControl(["Max-Age = \"60\" , no-cache", "public, max-age=5", " , "])
        #expect(c.value("max-age") == "60")
        #expect(c.maxAge == 60)
        #expect(c.noCache)
        #expect(c.has("public"))
        #expect(c.directives.count == 3)
        #expect(CacheControl(["private", "NO-STORE"]).noStore, "a directive on the second line counts")
        #expect(CacheControl([]).isEmpty)
        #expect(CacheControl(["max-age=abc"]).maxAgeIsInvalid)
        #expect(CacheControl(["max-age=-1"]).maxAgeIsInvalid)
        #expect(CacheControl(["no-cache=\"set-cookie, x\""]).value("no-cache") == "set-cookie, x")
        #expect(CacheControl(["max-age=99999999999999999999"]).maxAge == 2_147_483_648, "capped at 2^31 (RFC 9111 §1.2.2)")
        #expect(CacheControl(["max-age=00000000000060"]).maxAge == 60, "leading zeros")
    }

    @Test("media types: essence lowercased, parameters by lowercased name, quotes removed")
    func mediaTypes() {
        let m = MediaType(" Text/HTML ; Charset=\"UTF-8\" ;q ; level=1")
        #expect(m.essence == "text/html")
        #expect(m.charset == "UTF-8")
        #expect(m.parameters == ["charset": "UTF-8", "level": "1"])
        #expect(MediaType("").essence == "")
        #expect(MediaType.essence(of: nil) == "")
        #expect(MediaType.essence(of: "IMAGE/svg+xml;x=y") == "image/svg+xml")
        #expect(MediaType("image/svg+xml").isCompressibleText)
        #expect(MediaType("application/javascript; charset=utf-8").isCompressibleText)
        #expect(!MediaType("image/png").isCompressibleText)
    }

    @Test("field names compare case-insensitively; tokens are validated")
    func fieldNames() {
        #expect(HTTPFieldName("ETag") == .etag)
        #expect(HTTPFieldName.ifNoneMatch.matches("If-None-Match"))
        #expect(!HTTPFieldName.ifNoneMatch.matches("If-None-Matc"))
        #expect(HTTPFieldName.isValid("X-Custom_1"))
        #expect(!HTTPFieldName.isValid("Bad Name"))
        #expect(!HTTPFieldName.isValid(""))
    }

    @Test("content coding negotiation (RFC 9110 §12.5.3)")
    func negotiate() {
        #expect(ContentCoding.negotiate(["gzip;q=1.0, br;q=1.0"], available: [.br, .gzip]) == .br)
        #expect(ContentCoding.negotiate(["GZIP"], available: [.br, .gzip]) == .gzip)
        #expect(ContentCoding.negotiate(["x-gzip"], available: [.br, .gzip]) == .gzip)
        #expect(ContentCoding.negotiate(["br;q=0.9", "gzip"], available: [.br, .gzip]) == .gzip)
        #expect(ContentCoding.negotiate(["br;q=oops"], available: [.br]) == nil)
        #expect(ContentCoding.negotiate(["*;q=0.5, identity;q=0.9"], available: [.br]) == nil)
        #expect(ContentCoding.negotiate(["*"], available: [.gzip]) == .gzip)
        #expect(ContentCoding.negotiate([], available: [.br]) == nil)
        #expect(ContentCoding.negotiate(["br"], available: []) == nil)
    }
}
