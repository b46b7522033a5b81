public import Foundation

/// URL resolution and normalisation the way a browser and a crawler need them.
///
/// Foundation's `URL` implements RFC 3986; the helpers here add the WHATWG URL
/// standard's input clean-up (strip surrounding ASCII whitespace, drop tabs and
/// newlines, backslashes as slashes in special schemes, percent-encode what RFC 3986
/// refuses) and the crawler's normalisation for dedupe.
public enum WebURL {
    /// Schemes that are never fetched, with the reason recorded in reports.
    static let unfetchableSchemes: Set<String> = ["javascript", "data", "mailto", "tel", "about", "blob", "sms", "geo"]

    /// Resolves `raw` against `base` and normalises the result.
    ///
    /// - Returns: `.url(absolute)` for a fetchable http(s) URL, `.notFetchable(reason)` otherwise.
    public static func resolve(_ raw: String, against base: URL) -> Resolution {
        let cleaned = clean(raw)
        if cleaned.isEmpty { return .notFetchable("empty URL") }
        if cleaned.hasPrefix("#") { return .notFetchable("fragment-only") }
        if let scheme = scheme(of: cleaned), unfetchableSchemes.contains(scheme) {
            return .notFetchable("\(scheme): URL")
        }
        let encoded = percentEncodeInvalid(cleaned)
        guard let url = URL(string: encoded, relativeTo: base)?.absoluteURL,
              let normalized = normalize(url)
        else { return .notFetchable("invalid URL") }
        guard let scheme = normalized.scheme, scheme == "http" || scheme == "https" else {
            return .notFetchable("\(normalized.scheme ?? "unknown"): URL")
        }
        return .url(normalized)
    }

    public enum Resolution: Sendable, Equatable {
        case url(URL)
        case notFetchable(String)
    }

    /// WHATWG input clean-up: strip leading/trailing C0 controls and spaces, remove tabs and newlines.
    public static func clean(_ raw: String) -> String {
        // Fast path (most references): nothing to strip, no tabs or newlines, no backslashes.
        let utf8 = raw.utf8
        if let first = utf8.first, let last = utf8.last, first > 0x20, last > 0x20,
           !utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x5C }) {
            return raw
        }
        var scalars = Array(raw.unicodeScalars)
        while let f = scalars.first, f.value <= 0x20 { scalars.removeFirst() }
        while let l = scalars.last, l.value <= 0x20 { scalars.removeLast() }
        scalars.removeAll { $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let result = String(String.UnicodeScalarView(scalars))
        // Special schemes (and relative URLs against an http(s) base) treat a backslash as `/`
        // in the part before the query.
        if let s = scheme(of: result), s != "http", s != "https" { return result }
        let end = result.firstIndex { $0 == "?" || $0 == "#" } ?? result.endIndex
        guard result[..<end].contains("\\") else { return result }
        return result[..<end].replacingOccurrences(of: "\\", with: "/") + result[end...]
    }

    /// The lowercased scheme of an absolute URL string, or nil for a relative one.
    public static func scheme(of string: String) -> String? {
        guard let colon = string.firstIndex(of: ":") else { return nil }
        let candidate = string[..<colon]
        guard let first = candidate.first, first.isASCII, first.isLetter,
              candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return nil }
        return candidate.lowercased()
    }

    /// Percent-encodes bytes RFC 3986 does not allow (spaces, non-ASCII, `"<>^`{|}`), keeping existing escapes.
    static func percentEncodeInvalid(_ s: String) -> String { percentEncodeInvalid(bytes: s.utf8) }

    /// The same over bytes: a header value that is not UTF-8 (a `Location` of Latin-1 bytes)
    /// becomes the URL a browser follows, `%FF%FE%80caf%E9`, byte for byte.
    public static func percentEncodeInvalid(bytes: some Sequence<UInt8>) -> String {
        var out = ""
        out.reserveCapacity(bytes.underestimatedCount)
        for byte in bytes {
            switch byte {
            case 0x21...0x7E where !"\"<>\\^`{|}".utf8.contains(byte):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// The ports a URL may name: 1 to 65535.
    public static let validPorts = 1...65535

    /// Crawler normalisation: lowercase scheme and host, drop the default port and the
    /// fragment, remove dot segments, uppercase percent-escapes, decode escapes of unreserved
    /// characters, and give an empty path `/`.
    public static func normalize(_ url: URL) -> URL? {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return nil }
        // A port TCP cannot have (0, 65536, 99999) makes the URL unusable, here rather than when connecting.
        if let port = components.port, !validPorts.contains(port) { return nil }
        components.scheme = components.scheme?.lowercased()
        if let host = components.percentEncodedHost { components.percentEncodedHost = host.lowercased() }
        if (components.scheme == "http" && components.port == 80) || (components.scheme == "https" && components.port == 443) {
            components.port = nil
        }
        components.fragment = nil
        var path = removeDotSegments(components.percentEncodedPath)
        if path.isEmpty { path = "/" }
        components.percentEncodedPath = normalizeEscapes(path)
        if let query = components.percentEncodedQuery { components.percentEncodedQuery = normalizeEscapes(query) }
        return components.url
    }

    /// RFC 3986 §5.2.4.
    public static func removeDotSegments(_ path: String) -> String {
        var input = Substring(path)
        var output: [Substring] = []
        var trailingSlash = false
        let segments = input.split(separator: "/", omittingEmptySubsequences: false)
        let absolute = input.hasPrefix("/")
        for (i, seg) in segments.enumerated() {
            if i == 0 && absolute { continue }
            let last = i == segments.count - 1
            switch seg {
            case ".", "%2e", "%2E":
                trailingSlash = last
            case "..", ".%2e", ".%2E", "%2e.", "%2E.", "%2e%2e", "%2E%2E", "%2e%2E", "%2E%2e":
                if !output.isEmpty { output.removeLast() }
                trailingSlash = last
            default:
                output.append(seg)
                trailingSlash = false
            }
        }
        input = Substring((absolute ? "/" : "") + output.joined(separator: "/"))
        if trailingSlash && !input.hasSuffix("/") { input += "/" }
        return String(input)
    }

    /// Uppercases percent-escapes and decodes the ones that encode unreserved characters.
    static func normalizeEscapes(_ s: String) -> String {
        guard s.contains("%") else { return s }
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                let value = hi << 4 | lo
                if isUnreserved(value) {
                    out.append(value)
                } else {
                    out.append(UInt8(ascii: "%"))
                    out.append(contentsOf: String(format: "%02X", value).utf8)
                }
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
    }

    /// `scheme://host[:port]` of a URL, used for same-origin checks.
    public static func origin(of url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        let host = url.host?.lowercased() ?? ""
        var port = url.port
        if (scheme == "http" && port == 80) || (scheme == "https" && port == 443) { port = nil }
        return port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }
}
