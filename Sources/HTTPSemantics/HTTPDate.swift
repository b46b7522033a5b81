/// HTTP dates (RFC 9110 §5.6.7), as whole seconds since 1970-01-01 00:00:00 UTC.
///
/// One formatter (IMF-fixdate, the only form a sender may generate) and one parser that accepts
/// exactly the three forms a recipient must accept:
///
/// ```swift
/// HTTPDate.format(784_111_777)                        // "Sun, 06 Nov 1994 08:49:37 GMT"
/// HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")     // 784_111_777 (IMF-fixdate)
/// HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT")    // 784_111_777 (obsolete RFC 850)
/// HTTPDate.parse("Sun Nov  6 08:49:37 1994")          // 784_111_777 (asctime)
/// HTTPDate.parse("0")                                 // nil
/// ```
///
/// The server (If-Modified-Since, If-Unmodified-Since, If-Range) and the audit (Date, Expires,
/// Last-Modified) both read dates with this parser, so they agree on every value. Day and month
/// names are compared case-insensitively (§5.6.7 asks recipients to be robust); the weekday is
/// not checked against the date. No Foundation formatter, no locale, no allocation but the result.
public enum HTTPDate {
    static let monthNames: [[UInt8]] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map { Array($0.utf8) }
    /// Indexed by days since 1970 modulo 7 (1970-01-01 was a Thursday).
    static let shortDays: [[UInt8]] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"].map { Array($0.utf8) }
    static let gmt = Array("GMT".utf8)
    static let longDays: [[UInt8]] = ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"].map { Array($0.utf8) }

    /// The IMF-fixdate for `seconds` since 1970: `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func format(_ seconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let (year, month, day) = civil(fromDays: days)
        return String(unsafeUninitializedCapacity: 29) { out in
            var i = 0
            func put(_ b: UInt8) { out[i] = b; i += 1 }
            func two(_ n: Int) { put(UInt8(48 + n / 10 % 10)); put(UInt8(48 + n % 10)) }
            for b in shortDays[((days % 7) + 7) % 7] { put(b) }
            put(UInt8(ascii: ",")); put(32)
            two(day); put(32)
            for b in monthNames[month - 1] { put(b) }
            put(32)
            let y = max(0, min(year, 9999))
            two(y / 100); two(y % 100); put(32)
            two(secondOfDay / 3600); put(UInt8(ascii: ":"))
            two(secondOfDay / 60 % 60); put(UInt8(ascii: ":"))
            two(secondOfDay % 60)
            for b in " GMT".utf8 { put(b) }
            return i
        }
    }

    /// Seconds since 1970 for an HTTP-date in any of the three formats, surrounded by optional
    /// whitespace; nil for anything else (an invalid date is "ignored" by every rule that reads one).
    public static func parse(_ value: String) -> Int? {
        var copy = value
        return copy.withUTF8 { parse(utf8: $0) }
    }

    /// ``parse(_:)`` on UTF-8 bytes.
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var s = bytes[...]
        while let f = s.first, f == 32 || f == 9 { s = s.dropFirst() }
        while let l = s.last, l == 32 || l == 9 { s = s.dropLast() }
        var c = Cursor(bytes: s)
        guard let weekday = c.letters() else { return nil }
        if c.eat(UInt8(ascii: ",")) {
            guard c.eat(32) else { return nil }
            if weekday.count == 3, shortDays.contains(where: { equalsIgnoringCase(weekday, $0) }) {
                // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
                guard let day = c.digits(2), c.eat(32), let month = c.month(), c.eat(32),
                      let year = c.digits(4), c.eat(32), let time = c.time(), c.eat(32), c.gmt(), c.atEnd
                else { return nil }
                return seconds(year: year, month: month, day: day, time: time)
            }
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            guard longDays.contains(where: { equalsIgnoringCase(weekday, $0) }),
                  let day = c.digits(2), c.eat(UInt8(ascii: "-")), let month = c.month(), c.eat(UInt8(ascii: "-")),
                  let yy = c.digits(2), c.eat(32), let time = c.time(), c.eat(32), c.gmt(), c.atEnd
            else { return nil }
            // Two-digit years (§5.6.7): more than 50 years in the future means the past century;
            // read as 00–69 → 20xx, 70–99 → 19xx.
            return seconds(year: yy < 70 ? 2000 + yy : 1900 + yy, month: month, day: day, time: time)
        }
        // asctime: Sun Nov  6 08:49:37 1994
        guard weekday.count == 3, shortDays.contains(where: { equalsIgnoringCase(weekday, $0) }),
              c.eat(32), let month = c.month(), c.eat(32)
        else { return nil }
        let day: Int
        if c.eat(32) {
            guard let d = c.digits(1) else { return nil }
            day = d
        } else {
            guard let d = c.digits(2) else { return nil }
            day = d
        }
        guard c.eat(32), let time = c.time(), c.eat(32), let year = c.digits(4), c.atEnd else { return nil }
        return seconds(year: year, month: month, day: day, time: time)
    }

    static func seconds(year: Int, month: Int, day: Int, time: Int) -> Int? {
        guard (1...31).contains(day), day <= daysIn(month: month, year: year) else { return nil }
        return days(fromCivil: year, month: month, day: day) * 86400 + time
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    static func days(fromCivil year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// (year, month 1–12, day 1–31) of a day count since 1970 (Hinnant's `civil_from_days`).
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func equalsIgnoringCase<C: Collection<UInt8>>(_ a: C, _ b: [UInt8]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 | 0x20 == $1 | 0x20 }
    }

    /// A forward reader over the field's bytes.
    struct Cursor {
        var bytes: Slice<UnsafeBufferPointer<UInt8>>

        var atEnd: Bool { bytes.isEmpty }

        mutating func eat(_ b: UInt8) -> Bool {
            guard bytes.first == b else { return false }
            bytes = bytes.dropFirst()
            return true
        }

        mutating func letters() -> Slice<UnsafeBufferPointer<UInt8>>? {
            let run = bytes.prefix { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }
            guard !run.isEmpty else { return nil }
            bytes = bytes.dropFirst(run.count)
            return run
        }

        /// Exactly `count` decimal digits.
        mutating func digits(_ count: Int) -> Int? {
            guard bytes.count >= count else { return nil }
            var value = 0
            for b in bytes.prefix(count) {
                guard b >= 48, b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            bytes = bytes.dropFirst(count)
            return value
        }

        /// A three-letter month name, as 1–12.
        mutating func month() -> Int? {
            guard bytes.count >= 3 else { return nil }
            let name = bytes.prefix(3)
            guard let index = HTTPDate.monthNames.firstIndex(where: { HTTPDate.equalsIgnoringCase(name, $0) }) else { return nil }
            bytes = bytes.dropFirst(3)
            return index + 1
        }

        /// `hh:mm:ss` as seconds of the day (a leap second 60 is accepted, §5.6.7).
        mutating func time() -> Int? {
            guard let h = digits(2), eat(UInt8(ascii: ":")), let m = digits(2), eat(UInt8(ascii: ":")), let s = digits(2),
                  h <= 23, m <= 59, s <= 60
            else { return nil }
            return h * 3600 + m * 60 + s
        }

        mutating func gmt() -> Bool {
            guard bytes.count >= 3, HTTPDate.equalsIgnoringCase(bytes.prefix(3), HTTPDate.gmt) else { return false }
            bytes = bytes.dropFirst(3)
            return true
        }
    }
}
