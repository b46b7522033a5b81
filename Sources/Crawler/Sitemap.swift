internal import Foundation

/// The URLs of a sitemap (sitemaps.org protocol): `<loc>` values of `<url>` entries, or of
/// `<sitemap>` entries in a sitemap index. A small streaming scan, not a general XML parser:
/// sitemaps are flat, and libxml2 belongs to the Extraction target.
public struct Sitemap: Sendable, Equatable {
    /// True for a `<sitemapindex>`, whose locations are further sitemaps.
    public var isIndex: Bool
    public var locations: [String]
    /// True when the sitemap went past ``maxBytes`` or ``maxLocations`` (the rest is ignored),
    /// or the scan ran past its deadline.
    public var truncated = false

    /// sitemaps.org: a sitemap holds at most 50,000 URLs and 50 MB (52,428,800 bytes) uncompressed.
    public static let maxBytes = 52_428_800
    public static let maxLocations = 50_000

    public init(isIndex: Bool, locations: [String]) {
        self.isIndex = isIndex
        self.locations = locations
    }

    /// Scans the first ``maxBytes`` for at most ``maxLocations`` `<loc>` values, in one pass
    /// over the bytes (no string search restarted per entry); stops early at `deadline`.
    public init(parsing bytes: [UInt8], deadline: ContinuousClock.Instant? = nil) {
        let open = Array("<loc>".utf8), close = Array("</loc>".utf8)
        var out: [String] = []
        var truncated = bytes.count > Self.maxBytes
        let end = min(bytes.count, Self.maxBytes)
        isIndex = Self.find(Array("<sitemapindex".utf8), in: bytes, from: 0, to: end) != nil
        var i = 0
        while let start = Self.find(open, in: bytes, from: i, to: end) {
            let from = start + open.count
            guard let stop = Self.find(close, in: bytes, from: from, to: end) else { break }
            i = stop + close.count
            var value = String(decoding: bytes[from..<stop], as: UTF8.self)[...].trimmingWhitespace()
            if value.hasPrefix("<![CDATA["), value.hasSuffix("]]>") { value = value.dropFirst(9).dropLast(3) }
            let decoded = Self.decodeEntities(String(value))
            if !decoded.isEmpty { out.append(decoded) }
            if out.count >= Self.maxLocations { truncated = truncated || Self.find(open, in: bytes, from: i, to: end) != nil; break }
            if let deadline, out.count % 1024 == 0, ContinuousClock.now >= deadline { truncated = true; break }
        }
        locations = out
        self.truncated = truncated
    }

    /// The first index of `pattern` in `bytes[from..<to]`: memchr for its first byte, then a compare.
    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int, to: Int) -> Int? {
        guard let first = pattern.first, to - from >= pattern.count else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            var i = from
            let last = to - pattern.count
            while i <= last {
                guard let hit = memchr(base + i, Int32(first), last - i + 1) else { return nil }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                var j = 1
                while j < pattern.count, buffer[at + j] == pattern[j] { j += 1 }
                if j == pattern.count { return at }
                i = at + 1
            }
            return nil
        }
    }

    static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var rest = s[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                if entity.hasPrefix("#x"), let n = UInt32(entity.dropFirst(2), radix: 16), let u = Unicode.Scalar(n) { out.unicodeScalars.append(u) }
                else if entity.hasPrefix("#"), let n = UInt32(entity.dropFirst()), let u = Unicode.Scalar(n) { out.unicodeScalars.append(u) }
                else { out += "&" + entity + ";" }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
