import HTTPSemantics
import Testing

@Suite("Byte sizes: one parser for the CLI and budgets, one formatter")
struct ByteSizeTests {
    @Test("the CLI's and the budgets' spellings")
    func spellings() throws {
        #expect(try ByteSize.parse("50M") == 52_428_800)
        #expect(try ByteSize.parse("512k") == 524_288)
        #expect(try ByteSize.parse("1G") == 1 << 30)
        #expect(try ByteSize.parse("1000000") == 1_000_000)
        #expect(try ByteSize.parse("150 KB") == 153_600)
        #expect(try ByteSize.parse(" 1.5 MB ") == 1_572_864)
        #expect(try ByteSize.parse("1.5M") == 1_572_864)
        #expect(try ByteSize.parse("900 B") == 900)
        #expect(try ByteSize.parse("2 KiB") == 2048)
        #expect(try ByteSize.parse("0") == 0)
        #expect(try ByteSize.parse("0.5K") == 512)
        #expect(try ByteSize.parse("1T") == 1 << 40)
    }

    @Test("bad sizes say why", arguments: [
        ("", ByteSize.ParseError.empty), ("-1", .negative("-1")), ("-5M", .negative("-5M")),
        ("inf", .notANumber("inf")), ("nan", .notANumber("nan")), ("1e6", .unknownUnit("1e6")), ("0x10", .unknownUnit("0x10")),
        ("1.", .notANumber("1.")), (".5", .notANumber(".5")), ("1.2.3", .notANumber("1.2.3")), ("M", .notANumber("M")),
        ("5 parsecs", .unknownUnit("5 parsecs")), ("5!", .notANumber("5!")),
        ("9223372036854775808", .overflow("9223372036854775808")), ("9000000T", .overflow("9000000T")), ("8388608T", .overflow("8388608T")),
    ])
    func errors(text: String, error: ByteSize.ParseError) {
        #expect(throws: error) { try ByteSize.parse(text) }
        #expect(!error.description.isEmpty)
    }

    @Test("format: B, KB, MB with one decimal, as String(format: \"%.1f\") rounds")
    func format() {
        #expect(ByteSize.format(0) == "0 B")
        #expect(ByteSize.format(1023) == "1023 B")
        #expect(ByteSize.format(1024) == "1.0 KB")
        #expect(ByteSize.format(1536) == "1.5 KB")
        #expect(ByteSize.format(1024 * 1024) == "1.0 MB")
        #expect(ByteSize.format(5 * 1024 * 1024 * 1024) == "5120.0 MB")
        // Exact ties round half to even: 1.25 KB → "1.2", 1.75 KB → "1.8".
        #expect(ByteSize.format(1280) == "1.2 KB")
        #expect(ByteSize.format(1792) == "1.8 KB")
    }

    @Test("parse ∘ format is within half a displayed digit; parse of a plain count is the count")
    func roundTrip() throws {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<propertyCases {
            let n = Int.random(in: 0...(1 << 40), using: &rng)
            #expect(try ByteSize.parse("\(n)") == n)
            let text = ByteSize.format(n)
            let back = try ByteSize.parse(text)
            let unit = n < 1024 ? 1 : n < 1 << 20 ? 1024 : 1 << 20
            #expect(abs(back - n) <= unit / 20 + 1, "\(n) → \(text) → \(back)")
            let k = Int.random(in: 0...1_000_000, using: &rng)
            #expect(try ByteSize.parse("\(k)K") == k * 1024)
        }
    }
}
