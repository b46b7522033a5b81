@testable import HTTPSemantics
import Testing

@Suite("HTTP-date: one formatter, one parser for the three formats (RFC 9110 §5.6.7)")
struct HTTPDateTests {
    @Test("the RFC's example in each format")
    func examples() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(HTTPDate.parse("  Sun, 06 Nov 1994 08:49:37 GMT\t") == 784_111_777, "surrounding whitespace")
        #expect(HTTPDate.parse("sun, 06 nov 1994 08:49:37 gmt") == 784_111_777, "names are case-insensitive")
        #expect(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(HTTPDate.parse("Tue, 29 Feb 2028 23:59:59 GMT") == 1_835_481_599)
        #expect(HTTPDate.parse("Wed, 31 Dec 1969 23:59:59 GMT") == -1)
        #expect(HTTPDate.format(-1) == "Wed, 31 Dec 1969 23:59:59 GMT")
        #expect(HTTPDate.parse("Thursday, 01-Jan-70 00:00:00 GMT") == 0, "70 is 1970")
        #expect(HTTPDate.parse("Saturday, 01-Jan-00 00:00:00 GMT") == 946_684_800, "00 is 2000")
    }

    @Test("not HTTP dates: nil, so every rule that reads one ignores it")
    func invalid() {
        for bad in ["", "0", "-1", "tomorrow", "Sun, 06 Nov 1994", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                    "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:60:37 GMT", "Sun, 06 Nov 1994 08:49:61 GMT",
                    "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC",
                    "Sun, 06 Nov 1994 08:49:37 GMT x", "Sun, 31 Apr 1994 08:49:37 GMT", "Mon, 29 Feb 2100 00:00:00 GMT",
                    "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08:49:37 94",
                    "Funday, 06-Nov-94 08:49:37 GMT", "06 Nov 1994 08:49:37 GMT", "Sun,06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"] {
            #expect(HTTPDate.parse(bad) == nil, "\(bad)")
        }
    }

    /// The RFC 850 and asctime spellings of an instant, built independently of the parser.
    static func obsoleteForms(_ seconds: Int) -> (rfc850: String, asctime: String)? {
        let imf = HTTPDate.format(seconds)
        let p = imf.split(separator: " ")  // ["Sun,", "06", "Nov", "1994", "08:49:37", "GMT"]
        let short = String(p[0].dropLast())
        let long = ["Mon": "Monday", "Tue": "Tuesday", "Wed": "Wednesday", "Thu": "Thursday", "Fri": "Friday",
                    "Sat": "Saturday", "Sun": "Sunday"][short]!
        let day = Int(p[1])!
        let asctime = "\(short) \(p[2]) \(day < 10 ? " \(day)" : "\(day)") \(p[4]) \(p[3])"
        let year = Int(p[3])!
        guard (1970...2069).contains(year) else { return (rfc850: "", asctime: asctime) }
        return ("\(long), \(p[1])-\(p[2])-\(p[3].suffix(2)) \(p[4]) GMT", asctime)
    }

    @Test("parse ∘ format is the identity, and the three spellings of an instant agree")
    func roundTrip() {
        var rng = SeededGenerator(seed: 0x5EED_DA7E)
        for _ in 0..<propertyCases {
            // Years 1900 to 9999: what a four-digit year can carry.
            let seconds = Int.random(in: -2_208_988_800...253_402_300_799, using: &rng)
            let text = HTTPDate.format(seconds)
            #expect(text.utf8.count == 29, "\(seconds): \(text)")
            #expect(HTTPDate.parse(text) == seconds, "\(seconds): \(text)")
            let forms = Self.obsoleteForms(seconds)!
            #expect(HTTPDate.parse(forms.asctime) == seconds, "\(seconds): \(forms.asctime)")
            if !forms.rfc850.isEmpty { #expect(HTTPDate.parse(forms.rfc850) == seconds, "\(seconds): \(forms.rfc850)") }
        }
    }

    @Test("format ∘ parse is the identity on IMF-fixdates")
    func formatOfParse() {
        var rng = SeededGenerator(seed: 42)
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        for _ in 0..<propertyCases {
            // Random, mostly invalid, texts of the right shape: whatever parses must format back to itself
            // (apart from the weekday, which the parser does not check).
            let text = "\(rng.pick(days)), \(String(format2: Int.random(in: 0...32, using: &rng))) \(rng.pick(["Jan", "Feb", "Apr", "Nov", "Foo"])) "
                + "\(Int.random(in: 1899...2101, using: &rng)) \(String(format2: Int.random(in: 0...24, using: &rng))):"
                + "\(String(format2: Int.random(in: 0...60, using: &rng))):\(String(format2: Int.random(in: 0...59, using: &rng))) GMT"
            guard let seconds = HTTPDate.parse(text) else { continue }
            let back = HTTPDate.format(seconds)
            #expect(back.dropFirst(3) == text.dropFirst(3), "\(text) → \(seconds) → \(back)")
        }
    }
}

extension String {
    init(format2 n: Int) { self = n < 10 ? "0\(n)" : "\(n)" }
}
