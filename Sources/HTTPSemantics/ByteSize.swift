/// Byte sizes as people write them: one parser for the CLI's `50M` and a budget's `"150 KB"`,
/// one formatter for every report.
///
/// Units are binary and case-insensitive: `B`, `K`/`KB`/`KiB` (1024), `M`/`MB`/`MiB`,
/// `G`/`GB`/`GiB`, `T`/`TB`/`TiB`; a number without a unit is bytes. A fraction is accepted
/// and rounded to the nearest byte (`1.5M` = 1,572,864). Nothing is silently clamped:
///
/// ```swift
/// try ByteSize.parse("50M")      // 52_428_800
/// try ByteSize.parse("150 KB")   // 153_600
/// try ByteSize.parse("-1")       // throws ByteSize.ParseError.negative
/// ByteSize.format(1536)          // "1.5 KB"
/// ```
public enum ByteSize {
    /// Why a text is not a byte size; `description` says what to write instead.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        /// A leading `-`: sizes are never negative.
        case negative(String)
        /// Not digits with an optional fraction (this covers `inf`, `nan`, `1e6`, `0x10`).
        case notANumber(String)
        case unknownUnit(String)
        /// More bytes than a 64-bit count holds.
        case overflow(String)

        public var description: String {
            switch self {
            case .empty: "empty size; write bytes as a number or with a unit, like 50M or \"150 KB\""
            case .negative(let s): "\(s) is negative; a size is 0 or more bytes"
            case .notANumber(let s): "\(s) is not a size; write digits with an optional unit, like 512K, 1.5M or \"150 KB\""
            case .unknownUnit(let s): "\(s) has an unknown unit; use B, K (KB, KiB), M (MB, MiB), G (GB, GiB) or T (TB, TiB)"
            case .overflow(let s): "\(s) is too large (at most \(Int.max) bytes)"
            }
        }
    }

    static let factors: [String: Int] = [
        "": 1, "B": 1,
        "K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10,
        "M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20,
        "G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30,
        "T": 1 << 40, "TB": 1 << 40, "TIB": 1 << 40,
    ]

    /// Parses a size; surrounding spaces and a space before the unit are allowed.
    public static func parse(_ text: String) throws(ParseError) -> Int {
        let s = HTTPList.trimmingOWS(text[...])
        if s.isEmpty { throw .empty }
        if s.hasPrefix("-") { throw .negative(text) }
        let number = s.prefix { ($0 >= "0" && $0 <= "9") || $0 == "." }
        let unit = HTTPList.trimmingOWS(s[number.endIndex...]).uppercased()
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !number.isEmpty, parts.count <= 2, !parts[0].isEmpty, parts.count == 1 || !parts[1].isEmpty,
              !parts.contains(where: { $0.contains(".") })
        else { throw .notANumber(text) }
        guard let factor = factors[unit] else {
            throw unit.first.map { $0.isLetter } == true ? .unknownUnit(text) : .notANumber(text)
        }
        var whole = 0
        for digit in parts[0].utf8 {
            let (times10, o1) = whole.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(digit - 48))
            if o1 || o2 { throw .overflow(text) }
            whole = sum
        }
        let (scaled, o3) = whole.multipliedReportingOverflow(by: factor)
        if o3 { throw .overflow(text) }
        guard parts.count == 2 else { return scaled }
        // The fraction of one unit, to the nearest byte (at most `factor` bytes, so Double is exact enough).
        var fraction = 0.0, scale = 1.0
        for digit in parts[1].utf8.prefix(18) {
            scale /= 10
            fraction += Double(digit - 48) * scale
        }
        let (total, o4) = scaled.addingReportingOverflow(Int((fraction * Double(factor)).rounded()))
        if o4 { throw .overflow(text) }
        return total
    }

    /// `900 B`, `1.5 KB`, `12.0 MB`: bytes below 1 KiB, else KiB below 1 MiB, else MiB, with one
    /// decimal rounded half to even (the same digits as `String(format: "%.1f")`).
    public static func format(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        if n < 1 << 20 { return tenths(n, 1 << 10) + " KB" }
        return tenths(n, 1 << 20) + " MB"
    }

    /// `n / unit` with one decimal, rounded half to even.
    static func tenths(_ n: Int, _ unit: Int) -> String {
        let (ten, overflow) = n.multipliedReportingOverflow(by: 10)
        var q: Int
        if overflow {
            q = Int((Double(n) / Double(unit) * 10).rounded(.toNearestOrEven))
        } else {
            q = ten / unit
            let r = ten % unit
            if r > unit / 2 || (r == unit / 2 && q % 2 == 1) { q += 1 }
        }
        return "\(q / 10).\(q % 10)"
    }
}
