internal import ArgumentParser
internal import HTTPSemantics

/// Every number of the command line, checked in one place: finite, within a range the
/// message states, and converted without overflow. The flags keep what the user typed; the
/// commands' `validate()` calls these, and ``duration(_:)`` assumes they did (it clamps, never traps).
///
/// Pure functions: no parser state, so the property tests drive them directly
/// (Tests/CrawlerTests/OptionValidationTests.swift).
enum OptionValidation {
    /// The byte-size suffixes, binary as `--max-body` has always read them: `K` = 1024.
    static let sizeUnits: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]

    /// `50M`, `1.5M`, `512K`, `512KB`, `512KiB`, `1G`, `"150 KB"`, `1000` → bytes, read by
    /// HTTPSemantics' ``ByteSize/parse(_:)`` (the budgets' parser too); nil for anything else, for 0,
    /// and for 2^62 or more (far past any limit, and doubled or quadrupled later without overflow).
    static func parseSize(_ text: String) -> Int? {
        guard let bytes = try? ByteSize.parse(text), bytes >= 1, bytes < 1 << 62 else { return nil }
        return bytes
    }

    /// A size in the unit a person would write: `52428800` → `50M`, `1536` → `1.5K`.
    static func formatSize(_ bytes: Int) -> String {
        for (unit, factor) in sizeUnits.sorted(by: { $0.value > $1.value }) where Double(bytes) >= factor {
            let value = Double(bytes) / factor
            let text = value == value.rounded() ? String(Int(value)) : String((value * 10).rounded(.down) / 10)
            return text + String(unit)
        }
        return String(bytes)
    }

    /// A byte size within `range`; the message names the flag, the range and an example.
    static func size(_ flag: String, _ text: String, in range: ClosedRange<Int>) throws -> Int {
        guard let bytes = parseSize(text), range.contains(bytes) else {
            throw ValidationError("\(flag) must be a size from \(formatSize(range.lowerBound)) to \(formatSize(range.upperBound)) "
                + "(e.g. 50M, 1.5M, 512K or 1000000), not \(text)")
        }
        return bytes
    }

    /// Seconds within `range`, finite: `inf`, `nan`, `1e300` and negative values are refused with the range.
    static func seconds(_ flag: String, _ value: Double, in range: ClosedRange<Double>, allowZero: Bool = false) throws {
        guard value.isFinite, range.contains(value), allowZero || value > 0 else {
            let low = allowZero ? "0" : "more than 0"
            throw ValidationError("\(flag) must be a number of seconds from \(low) to \(format(range.upperBound)) (e.g. \(flag) 10), not \(format(value))")
        }
    }

    /// A whole number within `range`.
    static func count(_ flag: String, _ value: Int, in range: ClosedRange<Int>, example: Int) throws {
        guard range.contains(value) else {
            let high = range.upperBound == .max ? "" : " to \(range.upperBound)"
            throw ValidationError("\(flag) must be a whole number from \(range.lowerBound)\(high) (e.g. \(flag) \(example)), not \(value)")
        }
    }

    /// Seconds as a `Duration`; the value was checked by ``seconds(_:_:in:allowZero:)``, and
    /// anything else is clamped rather than trapping.
    static func duration(_ seconds: Double) -> Duration {
        guard seconds.isFinite else { return .seconds(seconds > 0 ? 315_360_000 : 0) }
        return .milliseconds(Int64(min(max(seconds, 0), 315_360_000) * 1000))
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : value > 0 ? "inf" : "-inf" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    // MARK: The ranges, one place
    /// Timeouts: a day is more than any response should take.
    static let timeoutRange: ClosedRange<Double> = 0...86_400
    /// --max-time: up to a year.
    static let maxTimeRange: ClosedRange<Double> = 0...31_536_000
    /// --delay and --max-retry-wait: up to an hour between two requests.
    static let waitRange: ClosedRange<Double> = 0...3600
    /// --max-body: 1 byte to 1 TiB.
    static let bodyRange = 1...(1 << 40)
}
