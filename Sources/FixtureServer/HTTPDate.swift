internal import Foundation

/// HTTP dates (RFC 9110 §5.6.7): IMF-fixdate, obsolete RFC 850 and asctime formats.
public enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for seconds since 1970.
    ///
    /// Built byte by byte (no `String(format:)`): the server formats a `Date` on every response.
    public static func format(_ seconds: Int) -> String {
        var t = time_t(seconds)
        var tm = tm()
        gmtime_r(&t, &tm)
        let day = days[Int((seconds / 86400) % 7 + 7) % 7]
        var out: [UInt8] = []
        out.reserveCapacity(29)
        func two(_ n: Int32) {
            out.append(UInt8(48 + n / 10))
            out.append(UInt8(48 + n % 10))
        }
        out.append(contentsOf: day.utf8)
        out.append(contentsOf: ", ".utf8)
        two(tm.tm_mday)
        out.append(32)
        out.append(contentsOf: months[Int(tm.tm_mon)].utf8)
        out.append(32)
        let year = Int32(tm.tm_year) + 1900
        two(year / 100 % 100)
        two(year % 100)
        out.append(32)
        two(tm.tm_hour)
        out.append(58)
        two(tm.tm_min)
        out.append(58)
        two(tm.tm_sec)
        out.append(contentsOf: " GMT".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses any of the three formats; nil for anything else.
    public static func parse(_ value: String) -> Int? {
        let s = value.trimmingCharacters(in: .whitespaces)
        let parts = s.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var day: Int?, month: Int?, year: Int?, time: String?
        if parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" {
            // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            guard days.contains(String(parts[0].dropLast())), parts[1].count == 2, parts[3].count == 4 else { return nil }
            day = Int(parts[1]); month = months.firstIndex(of: parts[2]); year = Int(parts[3]); time = parts[4]
        } else if parts.count == 4, parts[0].hasSuffix(","), parts[3] == "GMT" {
            // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            let dmy = parts[1].split(separator: "-").map(String.init)
            guard dmy.count == 3, dmy[0].count == 2, dmy[2].count == 2, let yy = Int(dmy[2]) else { return nil }
            day = Int(dmy[0]); month = months.firstIndex(of: dmy[1]); time = parts[2]
            // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
            year = yy < 70 ? 2000 + yy : 1900 + yy
        } else if parts.count == 5, days.contains(parts[0]) {
            // asctime: Sun Nov  6 08:49:37 1994
            month = months.firstIndex(of: parts[1]); day = Int(parts[2]); time = parts[3]; year = Int(parts[4])
            guard parts[4].count == 4 else { return nil }
        } else {
            return nil
        }
        guard let d = day, let m = month, let y = year, let t = time, (1...31).contains(d) else { return nil }
        let hms = t.split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3, t.count == 8, (0...23).contains(hms[0]), (0...59).contains(hms[1]), (0...60).contains(hms[2]) else { return nil }
        var tm = tm()
        tm.tm_year = Int32(y - 1900); tm.tm_mon = Int32(m); tm.tm_mday = Int32(d)
        tm.tm_hour = Int32(hms[0]); tm.tm_min = Int32(hms[1]); tm.tm_sec = Int32(hms[2])
        return Int(timegm(&tm))
    }
}
