/// The URLs of a sitemap (sitemaps.org protocol): `<loc>` values of `<url>` entries, or of
/// `<sitemap>` entries in a sitemap index. A small streaming scan, not a general XML parser:
/// sitemaps are flat, and libxml2 belongs to the Extraction target.
public struct Sitemap: Sendable, Equatable {
    /// True for a `<sitemapindex>`, whose locations are further sitemaps.
    public var isIndex: Bool
    public var locations: [String]

    public init(parsing bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        isIndex = text.contains("<sitemapindex")
        var out: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<loc>") {
            guard let close = rest[open.upperBound...].range(of: "</loc>") else { break }
            var value = rest[open.upperBound..<close.lowerBound].trimmingWhitespace()
            if value.hasPrefix("<![CDATA["), value.hasSuffix("]]>") { value = value.dropFirst(9).dropLast(3) }
            let decoded = Self.decodeEntities(String(value))
            if !decoded.isEmpty { out.append(decoded) }
            rest = rest[close.upperBound...]
        }
        locations = out
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
