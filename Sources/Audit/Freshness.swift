public import CrawlModel
internal import Foundation

/// How long a browser (a private cache) may reuse a response without asking again,
/// derived from its headers as RFC 9111 §4.2 says.
///
/// ```swift
/// let f = Freshness(status: 200, headers: [HeaderField(name: "Cache-Control", value: "max-age=60")])
/// // f.seconds == 60, f.source == .maxAge
/// ```
public struct Freshness: Codable, Sendable, Hashable {
    /// Where the lifetime came from.
    public enum Source: String, Codable, Sendable, CaseIterable {
        /// `Cache-Control: max-age` (`s-maxage` is for shared caches and is ignored here).
        case maxAge = "max-age"
        /// `Expires` minus `Date`; an invalid `Expires` (e.g. `0`) means already stale.
        case expires
        /// 10% of `Date` minus `Last-Modified`, for heuristically cacheable statuses only.
        case heuristic
        /// `no-cache`: may be stored, but must be revalidated before every reuse.
        case noCache = "no-cache"
        /// `no-store`: not stored at all; every visit pays the full response.
        case noStore = "no-store"
        /// Nothing allows reuse without revalidation.
        case none
    }

    /// Remaining freshness in seconds: lifetime minus the `Age` the response already had.
    /// 0 when stale on arrival, no-cache, no-store or without any freshness information.
    public var seconds: Int
    public var source: Source
    /// `immutable` (RFC 8246): no revalidation while fresh, even on reload.
    public var immutable: Bool
    /// `must-revalidate`: a stale copy may never be reused without a successful revalidation.
    public var mustRevalidate: Bool

    public init(seconds: Int, source: Source, immutable: Bool = false, mustRevalidate: Bool = false) {
        self.seconds = seconds
        self.source = source
        self.immutable = immutable
        self.mustRevalidate = mustRevalidate
    }

    /// True when a repeat visit reuses the stored response without a request.
    public var isFresh: Bool { seconds > 0 }
    /// False for `no-store`: nothing is kept, so nothing can be revalidated.
    public var isStored: Bool { source != .noStore }

    /// Statuses a cache may give heuristic freshness (RFC 9110 §15.1 "heuristically cacheable").
    public static let heuristicallyCacheable: Set<Int> = [200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]

    /// The fraction of `Date − Last-Modified` used as heuristic lifetime (RFC 9111 §4.2.2).
    public static let heuristicFraction = 0.1

    /// Derives the freshness of a response from its status and headers.
    ///
    /// - Parameters:
    ///   - status: the response status.
    ///   - headers: the response header fields (several `Cache-Control` fields are combined).
    public init(status: Int, headers: [HeaderField]) {
        let directives = CacheControl(headers.all("Cache-Control"))
        let immutable = directives.has("immutable")
        let mustRevalidate = directives.has("must-revalidate")
        func make(_ seconds: Int, _ source: Source) -> Freshness {
            Freshness(seconds: seconds, source: source, immutable: immutable, mustRevalidate: mustRevalidate)
        }
        // The most restrictive directive wins when directives conflict (RFC 9111 §4.2.1).
        if directives.has("no-store") { self = make(0, .noStore); return }
        // `Pragma: no-cache` only counts when there is no Cache-Control at all (RFC 9111 §5.4).
        if directives.has("no-cache") || (directives.isEmpty && headers.all("Pragma").contains { $0.lowercased().contains("no-cache") }) {
            self = make(0, .noCache)
            return
        }
        let age = headers.first("Age").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { max(0, $0) } ?? 0
        func remaining(_ lifetime: Int) -> Int { max(0, lifetime - age) }

        if let maxAge = directives.value("max-age") {
            // An unparsable max-age makes the response stale (RFC 9111 §4.2.1: consider it stale).
            guard let seconds = CacheControl.deltaSeconds(maxAge) else { self = make(0, .maxAge); return }
            self = make(remaining(seconds), .maxAge)
            return
        }
        let date = headers.first("Date").flatMap(HTTPDate.parse)
        if let expires = headers.all("Expires").first {
            // An invalid Expires (e.g. `0`) means already expired (RFC 9111 §5.3).
            guard let expiresAt = HTTPDate.parse(expires), let date else { self = make(0, .expires); return }
            self = make(remaining(Int(expiresAt - date)), .expires)
            return
        }
        if Self.heuristicallyCacheable.contains(status), let date,
           let lastModified = headers.first("Last-Modified").flatMap(HTTPDate.parse), lastModified < date {
            self = make(remaining(Int(Double(date - lastModified) * Self.heuristicFraction)), .heuristic)
            return
        }
        self = make(0, .none)
    }

    /// The freshness of an exchange, or `.none` when no response head arrived.
    public init(_ exchange: Exchange) {
        guard let status = exchange.status else { self.init(seconds: 0, source: .none); return }
        self.init(status: status, headers: exchange.responseHeaders)
    }
}

/// Parsed `Cache-Control` directives: lowercased names, unquoted values, first occurrence wins.
public struct CacheControl: Sendable, Hashable {
    public private(set) var directives: [String: String?] = [:]

    public init(_ fields: [String]) {
        for field in fields {
            for part in Self.split(field) {
                let trimmed = Self.trimmingWhitespace(part[...])
                guard !trimmed.isEmpty else { continue }
                let name: String, value: String?
                if let eq = trimmed.firstIndex(of: "=") {
                    name = Self.trimmingWhitespace(trimmed[..<eq]).lowercased()
                    var v = Self.trimmingWhitespace(trimmed[trimmed.index(after: eq)...])
                    if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
                    value = v
                } else {
                    name = trimmed.lowercased()
                    value = nil
                }
                if directives[name] == nil { directives[name] = .some(value) }
            }
        }
    }

    public var isEmpty: Bool { directives.isEmpty }
    public func has(_ name: String) -> Bool { directives[name] != nil }
    /// The value of a directive that has one (`max-age=60` → "60").
    public func value(_ name: String) -> String? { directives[name] ?? nil }

    /// delta-seconds (RFC 9111 §1.2.2): digits only; overflow is capped at 2^31.
    static func deltaSeconds(_ s: String) -> Int? {
        guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(s.prefix(10)).map { min($0, 2_147_483_648) } ?? 2_147_483_648
    }

    /// `trimmingCharacters(in: .whitespaces)` (CoreFoundation's list of spaces and tab) on the
    /// string's scalars, without Foundation's NSString bridging: it was most of the time the
    /// reports spent on each resource's freshness, worked out again for every page that uses it.
    static func trimmingWhitespace(_ s: Substring) -> String {
        let scalars = s.unicodeScalars
        let isSpace = { (c: Unicode.Scalar) -> Bool in
            switch c.value {
            case 0x20, 0x09, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true  // CoreFoundation's list
            default: false
            }
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }

    /// Splits on commas outside quoted strings.
    static func split(_ s: String) -> [Substring] {
        var parts: [Substring] = []
        var start = s.startIndex
        var quoted = false
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == "\"" { quoted.toggle() } else if c == ",", !quoted {
                parts.append(s[start..<i])
                start = s.index(after: i)
            }
            i = s.index(after: i)
        }
        parts.append(s[start...])
        return parts
    }
}

/// HTTP dates (RFC 9110 §5.6.7): IMF-fixdate, the obsolete RFC 850 form and asctime,
/// parsed without Foundation's formatters (fast, locale-free), as seconds since 1970.
public enum HTTPDate {

    /// Seconds since the Unix epoch, or nil when `string` is not an HTTP date.
    public static func parse(_ string: String) -> Int? {
        var copy = string
        return copy.withUTF8 { parse(bytes: $0) }
    }

    /// Byte-level parser: tokens are runs of letters, runs of digits, and hh:mm:ss.
    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var day: Int?, month: Int?, year: Int?, time: Int?
        var i = 0
        let n = bytes.count
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        @inline(__always) func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        while i < n {
            let b = bytes[i]
            if b == 0x20 || b == 0x2C || b == 0x2D { i += 1; continue }  // space , -
            if isDigit(b) {
                var value = 0, digits = 0
                while i < n, isDigit(bytes[i]), digits < 9 { value = value * 10 + Int(bytes[i] - 0x30); digits += 1; i += 1 }
                if i < n, bytes[i] == 0x3A {  // hh:mm:ss
                    guard time == nil, digits <= 2 else { return nil }
                    var parts = [value]
                    while i < n, bytes[i] == 0x3A, parts.count < 3 {
                        i += 1
                        var v = 0, d = 0
                        while i < n, isDigit(bytes[i]), d < 2 { v = v * 10 + Int(bytes[i] - 0x30); d += 1; i += 1 }
                        guard d == 2 else { return nil }
                        parts.append(v)
                    }
                    guard parts.count == 3, parts[0] <= 23, parts[1] <= 59, parts[2] <= 60 else { return nil }
                    time = parts[0] * 3600 + parts[1] * 60 + parts[2]
                } else if digits <= 2, day == nil {
                    day = value
                } else if year == nil {
                    year = digits == 2 ? (value < 70 ? 2000 + value : 1900 + value) : value
                } else {
                    return nil
                }
            } else if isLetter(b) {
                let start = i
                while i < n, isLetter(bytes[i]) { i += 1 }
                let word = UnsafeBufferPointer(rebasing: bytes[start..<i])
                if word.count == 3, let m = monthIndex(word) {
                    guard month == nil else { return nil }
                    month = m
                } else if !isWeekdayOrGMT(word) {
                    return nil
                }
            } else {
                return nil
            }
        }
        guard let day, let month, let year, let time, (1...31).contains(day), year >= 1900 else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86400 + time
    }

    static let monthKeys: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map(key)
    static let weekdayKeys: [UInt32] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map(key)
    static let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    static func key(_ s: String) -> UInt32 { s.utf8.prefix(3).reduce(0) { $0 << 8 | UInt32($1 | 0x20) } }
    static func key(_ word: UnsafeBufferPointer<UInt8>) -> UInt32 { word.prefix(3).reduce(0) { $0 << 8 | UInt32($1 | 0x20) } }

    static func monthIndex(_ word: UnsafeBufferPointer<UInt8>) -> Int? {
        monthKeys.firstIndex(of: key(word)).map { $0 + 1 }
    }

    static func isWeekdayOrGMT(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        if word.count == 3 { return key(word) == key("gmt") || weekdayKeys.contains(key(word)) }
        let lower = String(decoding: word.map { $0 | 0x20 }, as: UTF8.self)
        return weekdayNames.contains(lower)
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
