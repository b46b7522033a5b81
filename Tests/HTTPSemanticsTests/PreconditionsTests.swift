import HTTPSemantics
import Testing

@Suite("Entity tags and precondition evaluation (RFC 9110 §8.8.3, §13.2.2)")
struct PreconditionsTests {
    let etag = EntityTag(opaque: "abc")
    let lastModified = 1_700_000_000

    func evaluate(_ configure: (inout Preconditions) -> Void, method: String = "GET", etag: EntityTag?? = nil) -> PreconditionOutcome {
        var p = Preconditions()
        configure(&p)
        return p.evaluate(method: method, etag: etag ?? self.etag, lastModified: lastModified)
    }

    @Test("entity tags: parsing, weak and strong comparison")
    func entityTags() {
        #expect(EntityTag(parsing: " W/\"x\" ") == EntityTag(opaque: "x", weak: true))
        #expect(EntityTag(parsing: "\"x\"")?.description == "\"x\"")
        #expect(EntityTag(parsing: "x") == nil)
        #expect(EntityTag(parsing: "\"a\"b\"") == nil)
        let weak = EntityTag(opaque: "a", weak: true), strong = EntityTag(opaque: "a")
        #expect(weak.weaklyMatches(strong) && strong.weaklyMatches(weak))
        #expect(!weak.stronglyMatches(strong) && strong.stronglyMatches(strong))
        #expect(EntityTagCondition(parsing: [" * "]) == .any)
        #expect(EntityTagCondition(parsing: ["\"a\", W/\"b,c\"", "bad, \"d\""]) == .tags([strong, EntityTag(opaque: "b,c", weak: true), EntityTag(opaque: "d")]))
        #expect(strong.isSpelledStrongly(by: "\"a\"") && !strong.isSpelledStrongly(by: "W/\"a\""))
    }

    @Test("If-None-Match: weak comparison, lists and *; 304 on GET/HEAD, 412 otherwise")
    func ifNoneMatch() {
        #expect(evaluate({ $0.ifNoneMatch = ["W/\"abc\""] }) == .notModified)
        #expect(evaluate({ $0.ifNoneMatch = ["\"x\", \"abc\""] }) == .notModified)
        #expect(evaluate({ $0.ifNoneMatch = ["\"x\"", "\"abc\""] }) == .notModified, "two lines are one list")
        #expect(evaluate({ $0.ifNoneMatch = ["*"] }, method: "HEAD") == .notModified)
        #expect(evaluate({ $0.ifNoneMatch = ["*"] }, etag: .some(nil)) == .proceed(honourRange: true), "* needs a current representation")
        #expect(evaluate({ $0.ifNoneMatch = ["\"abc\""] }, method: "DELETE") == .preconditionFailed)
        #expect(evaluate({ $0.ifNoneMatch = ["\"x\""] }) == .proceed(honourRange: true))
    }

    @Test("If-None-Match present: If-Modified-Since is ignored (§13.1.3)")
    func ifNoneMatchWins() {
        #expect(evaluate({ $0.ifNoneMatch = ["\"x\""]; $0.ifModifiedSince = [HTTPDate.format(lastModified)] }) == .proceed(honourRange: true))
    }

    @Test("If-Modified-Since: a later date is 304, an earlier one 200; invalid, repeated or non-GET ignored")
    func ifModifiedSince() {
        #expect(evaluate({ $0.ifModifiedSince = [HTTPDate.format(lastModified)] }) == .notModified)
        #expect(evaluate({ $0.ifModifiedSince = [HTTPDate.format(lastModified + 3600)] }) == .notModified)
        #expect(evaluate({ $0.ifModifiedSince = [HTTPDate.format(lastModified - 1)] }) == .proceed(honourRange: true))
        #expect(evaluate({ $0.ifModifiedSince = ["yesterday"] }) == .proceed(honourRange: true))
        let d = HTTPDate.format(lastModified)
        #expect(evaluate({ $0.ifModifiedSince = [d, d] }) == .proceed(honourRange: true))
        #expect(evaluate({ $0.ifModifiedSince = [d] }, method: "POST") == .proceed(honourRange: true))
    }

    @Test("If-Match is strong and goes first; If-Unmodified-Since only without it, invalid dates ignored")
    func ifMatchAndUnmodifiedSince() {
        #expect(evaluate({ $0.ifMatch = ["W/\"abc\""] }) == .preconditionFailed)
        #expect(evaluate({ $0.ifMatch = ["\"abc\""]; $0.ifNoneMatch = ["\"abc\""] }) == .notModified)
        #expect(evaluate({ $0.ifMatch = ["\"abc\""]; $0.ifUnmodifiedSince = ["Thu, 01 Jan 1970 00:00:00 GMT"] }) == .proceed(honourRange: true))
        #expect(evaluate({ $0.ifUnmodifiedSince = ["Thu, 01 Jan 1970 00:00:00 GMT"] }) == .preconditionFailed)
        #expect(evaluate({ $0.ifUnmodifiedSince = ["not a date"] }) == .proceed(honourRange: true))
    }

    @Test("If-Range: strong comparison, exact dates, only with Range on GET")
    func ifRange() {
        #expect(evaluate({ $0.hasRange = true; $0.ifRange = ["\"abc\""] }) == .proceed(honourRange: true))
        #expect(evaluate({ $0.hasRange = true; $0.ifRange = ["W/\"abc\""] }) == .proceed(honourRange: false))
        #expect(evaluate({ $0.hasRange = true; $0.ifRange = [HTTPDate.format(lastModified)] }) == .proceed(honourRange: true))
        #expect(evaluate({ $0.hasRange = true; $0.ifRange = [HTTPDate.format(lastModified + 1)] }) == .proceed(honourRange: false))
        #expect(evaluate({ $0.ifRange = ["\"nope\""] }) == .proceed(honourRange: true), "ignored without Range")
    }

    @Test("preconditions from a request's fields, names compared case-insensitively")
    func fromFields() {
        let p = Preconditions(fields: [("if-none-match", "\"a\""), ("IF-NONE-MATCH", "\"b\""), ("Range", "bytes=0-1"), ("If-Range", "\"a\"")])
        #expect(p.ifNoneMatch == ["\"a\"", "\"b\""])
        #expect(p.hasRange && p.ifRange == ["\"a\""])
    }
}
