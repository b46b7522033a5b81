@testable import AssetCrawlCLI
import Foundation
import Testing

/// The command line's numbers (issue #15 rows 5–8): one validation for every flag, and a
/// property test of the size parser and the seconds checks over seeded random input.
@Suite("CLI number validation")
struct OptionValidationTests {
    /// Flags and values that trapped (exit 132) or gave the wrong message before.
    static let refused: [(flag: String, value: String, says: String)] = [
        ("--timeout", "inf", "from more than 0 to 86400"), ("--timeout", "nan", "from more than 0 to 86400"),
        ("--timeout", "1e300", "from more than 0 to 86400"), ("--timeout", "-1", "from more than 0 to 86400"),
        ("--body-timeout", "inf", "86400"), ("--connect-timeout", "1e300", "86400"), ("--delay", "-1", "from 0 to 3600"),
        ("--delay", "nan", "from 0 to 3600"), ("--max-time", "inf", "31536000"), ("--max-retry-wait", "1e300", "3600"),
        ("--max-body", "9999999999G", "from 1 to 1T"), ("--max-body", "8796093022208M", "from 1 to 1T"),
        ("--max-body", "9223372036854775807", "from 1 to 1T"), ("--max-body", "-5", "from 1 to 1T"),
        ("--max-body", "0", "from 1 to 1T"), ("--max-body", "1e9", "from 1 to 1T"), ("--max-body", "inf", "from 1 to 1T"),
        ("--max-pages", "-5", "from 1"), ("--max-pages", "0", "from 1"), ("--concurrency", "-1", "from 1 to 1024"),
        ("--per-host", "0", "from 1 to 1024"), ("--retries", "-1", "from 0 to 100"), ("--max-depth", "-1", "from 0"),
        ("--max-imports", "-1", "from 0 to 100000"), ("--max-requisites", "0", "from 1 to 10000000"),
    ]

    @Test("out-of-range, infinite and negative numbers are refused with the range", arguments: refused.indices)
    func refusedWithRange(index: Int) {
        let (flag, value, says) = Self.refused[index]
        do {
            _ = try CrawlOptions.parse([flag, value])
            Issue.record("\(flag) \(value) was accepted")
        } catch {
            let message = CrawlOptions.message(for: error)
            #expect(message.contains(flag) && message.contains(says), "\(flag) \(value): \(message)")
            #expect(!message.contains("Missing value"), "\(message)")
        }
    }

    @Test("fractional and suffixed sizes are accepted")
    func sizes() throws {
        #expect(try CrawlOptions.parse(["--max-body", "1.5M"]).fetcherOptions.maxBodyBytes == 1_572_864)
        #expect(OptionValidation.parseSize("0.5K") == 512)
        #expect(OptionValidation.parseSize("2KiB") == 2048)
        #expect(OptionValidation.parseSize("1T") == 1 << 40)
        #expect(OptionValidation.parseSize("50m") == 52_428_800)
        #expect(OptionValidation.parseSize("150 KB") == 153_600)  // the budgets' spelling, same parser
        for junk in ["", ".", "1.2.3", "1e3", "M", "+5", "0x10", "nan", "١٢"] {
            #expect(OptionValidation.parseSize(junk) == nil, "\(junk)")
        }
    }

    @Test("the largest accepted values convert without overflow")
    func extremes() throws {
        let options = try CrawlOptions.parse(["--max-body", "1T", "--timeout", "86400", "--max-time", "31536000", "--max-pages", "\(Int.max)"])
        #expect(options.fetcherOptions.maxBodyBytes == 1 << 40)
        #expect(options.fetcherOptions.headTimeout == .seconds(86_400))
        #expect(options.configuration(startURLs: []).maxTime == .seconds(31_536_000))
    }

    /// SplitMix64 (the store tests' generator): the same cases on every run, so a failure replays from its seed.
    typealias SeededGenerator = RecordCodingTests.Generator

    @Test("property: a size parses to its value, anything else to nil, never a trap", arguments: [1, 2, 3] as [UInt64])
    func sizeProperty(seed: UInt64) {
        var random = SeededGenerator(state: seed)
        let units: [(String, Int)] = [("", 1), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("T", 1 << 40)]
        for _ in 0..<5000 {
            // Whole numbers with a unit in either case, with or without B.
            let (unit, factor) = units.randomElement(using: &random)!
            let n = Int.random(in: 1...1_000_000, using: &random)
            let suffix = (Bool.random(using: &random) ? unit.lowercased() : unit) + (unit.isEmpty || Bool.random(using: &random) ? "" : "B")
            let (expected, overflow) = n.multipliedReportingOverflow(by: factor)
            let parsed = OptionValidation.parseSize("\(n)\(suffix)")
            if overflow || expected >= 1 << 62 { #expect(parsed == nil, "\(n)\(suffix)") } else { #expect(parsed == expected, "\(n)\(suffix)") }
            // Formatting and parsing again gives the value back for whole multiples.
            if !overflow, expected < 1 << 62, n < 1024 { #expect(OptionValidation.parseSize(OptionValidation.formatSize(expected)) == expected) }
            // Random strings over the characters that matter: nil or a positive value below 2^62.
            let alphabet = Array("0123456789.-+eEkKmMgGtTbBiI naf")
            let junk = String((0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            if let value = OptionValidation.parseSize(junk) { #expect(value >= 1 && value < 1 << 62, "\(junk)") }
        }
    }

    @Test("property: seconds are refused exactly when not finite or out of range; conversion never traps", arguments: [4, 5] as [UInt64])
    func secondsProperty(seed: UInt64) {
        var random = SeededGenerator(state: seed)
        let specials: [Double] = [.infinity, -.infinity, .nan, 0, -0.0, 1e300, -1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 86_400, 86_400.0001]
        for i in 0..<5000 {
            let value = i < specials.count ? specials[i] : Double(bitPattern: random.next())
            let accepted = (try? OptionValidation.seconds("--timeout", value, in: OptionValidation.timeoutRange)) != nil
            #expect(accepted == (value.isFinite && value > 0 && value <= 86_400), "\(value)")
            _ = OptionValidation.duration(value)
        }
    }
}

extension RecordCodingTests.Generator: RandomNumberGenerator {}
