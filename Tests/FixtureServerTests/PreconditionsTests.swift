import FixtureServer
import Testing

@Suite("Precondition evaluation order (RFC 9110 §13.2.2)")
struct PreconditionsTests {
    let etag = EntityTag(opaque: "abc")
    let lastModified = 1_700_000_000

    func evaluate(_ configure: (inout Preconditions) -> Void, method: String = "GET") -> PreconditionOutcome {
        var p = Preconditions()
        configure(&p)
        return p.evaluate(method: method, etag: etag, lastModified: lastModified)
    }

    @Test func ifNoneMatchOnOtherMethodsIs412() {
        #expect(evaluate({ $0.ifNoneMatch = ["\"abc\""] }, method: "DELETE") == .preconditionFailed)
    }

    @Test func ifUnmodifiedSinceIgnoredWithIfMatch() {
        #expect(evaluate({ $0.ifMatch = ["\"abc\""]; $0.ifUnmodifiedSince = ["Thu, 01 Jan 1970 00:00:00 GMT"] }) == .proceed(honourRange: true))
    }

    @Test func repeatedIfModifiedSinceIsIgnored() {
        let d = HTTPDate.format(lastModified)
        #expect(evaluate({ $0.ifModifiedSince = [d, d] }) == .proceed(honourRange: true))
    }

    @Test func ifRangeUsesStrongComparisonAndExactDates() {
        #expect(evaluate({ $0.hasRange = true; $0.ifRange = ["\"abc\""] }) == .proceed(honourRange: true))
        #expect(evaluate({ $0.hasRange = true; $0.ifRange = ["W/\"abc\""] }) == .proceed(honourRange: false))
        #expect(evaluate({ $0.hasRange = true; $0.ifRange = [HTTPDate.format(lastModified)] }) == .proceed(honourRange: true))
        #expect(evaluate({ $0.hasRange = true; $0.ifRange = [HTTPDate.format(lastModified + 1)] }) == .proceed(honourRange: false))
    }

    @Test func httpDateRoundTrip() {
        #expect(HTTPDate.format(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == 784111777)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == 784111777)
        #expect(HTTPDate.parse("0") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
    }
}
