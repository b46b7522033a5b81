internal import Foundation

/// Resolves the common, plain reference values (`/css/a.css`, `img/b.png?v=2`) by string
/// concatenation, and hands everything else to ``WebURL/resolve(_:against:)``.
///
/// Foundation's URL parsing dominated extraction (about 100 000 instructions a reference,
/// three times the cost of parsing the page), so values that cannot differ from what
/// `WebURL.resolve` returns take this path: ASCII without `%`, `\`, `:`, `;`, whitespace or
/// other characters the URL standard rewrites, not starting with `//`, `?` or `#` (dot
/// segments are removed as RFC 3986 says), against a base that is already normalised. A test compares the two
/// on every shape of value, and anything the fast path declines falls through to `WebURL`.
struct FastResolver: Sendable {
    /// `scheme://host[:port]` of the base, or nil when the base is not plain enough.
    let origin: String?
    /// The base's path up to and including its last `/`.
    let directory: String
    /// `origin + directory`, what relative paths are appended to.
    let originAndDirectory: String

    init(base: URL) {
        if let (origin, directory) = Self.plainParts(of: base.absoluteString) {
            self.origin = origin
            self.directory = directory
            originAndDirectory = origin + directory
        } else {
            origin = nil
            directory = ""
            originAndDirectory = ""
        }
    }

    /// The origin and directory of a base URL string, when it is plain enough.
    static func plainParts(of string: String) -> (String, String)? {
        let scheme = string.hasPrefix("http://") ? "http://" : string.hasPrefix("https://") ? "https://" : nil
        // Plain means WebURL.normalize would leave it as it is: printable ASCII without escapes,
        // query, fragment or userinfo; a lowercase host without the default port; no dot segment.
        guard let scheme,
              string.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "%") && $0 != UInt8(ascii: "?")
                  && $0 != UInt8(ascii: "#") && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "@")
                  && $0 != UInt8(ascii: "[") })
        else { return nil }
        let afterScheme = string.index(string.startIndex, offsetBy: scheme.count)
        let pathStart = string[afterScheme...].firstIndex(of: "/") ?? string.endIndex
        let authority = string[afterScheme..<pathStart]
        let path = string[pathStart...]
        let defaultPort = scheme == "http://" ? ":80" : ":443"
        guard !authority.isEmpty, !authority.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }),
              !authority.hasSuffix(defaultPort), !authority.hasSuffix(":"),
              !path.isEmpty, !Self.hasDotSegment(path.utf8)
        else { return nil }
        return (String(string[..<pathStart]), String(path[...path.lastIndex(of: "/")!]))
    }

    /// The absolute URL string for `raw`, or nil when `WebURL.resolve` must decide.
    func resolve(_ raw: String) -> String? {
        guard let origin else { return nil }
        var raw = raw
        return raw.withUTF8 { bytes -> String? in
            var start = 0, end = bytes.count
            while start < end, bytes[start] <= 0x20 { start += 1 }
            while end > start, bytes[end - 1] <= 0x20 { end -= 1 }
            guard start < end else { return nil }
            var first = bytes[start]
            guard first != UInt8(ascii: "#"), first != UInt8(ascii: "?") else { return nil }
            if first == UInt8(ascii: "/"), start + 1 < end, bytes[start + 1] == UInt8(ascii: "/") { return nil }  // //host
            // An absolute http(s) URL with a plain authority: `https://host[:port]/path`.
            var absoluteOrigin: UnsafeBufferPointer<UInt8>? = nil
            if first == UInt8(ascii: "h"), let authorityEnd = Self.plainAbsolutePrefix(bytes, start, end) {
                absoluteOrigin = UnsafeBufferPointer(rebasing: bytes[start..<authorityEnd])
                start = authorityEnd
                guard start < end, bytes[start] == UInt8(ascii: "/") else {
                    // No path: WebURL gives `/` (and drops a fragment).
                    if start < end, bytes[start] != UInt8(ascii: "?"), bytes[start] != UInt8(ascii: "#") { return nil }
                    var i = start
                    while i < end, bytes[i] != UInt8(ascii: "#") {
                        guard Self.allowed[Int(bytes[i])] else { return nil }
                        i += 1
                    }
                    return String(decoding: absoluteOrigin!, as: UTF8.self) + "/"
                        + String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                }
                first = UInt8(ascii: "/")
            }
            var i = start
            // Path: allowed bytes; note whether a `.` or `..` segment needs removing.
            var segmentLength = 0, dots = 0
            var hasDotSegment = false
            while i < end {
                let b = bytes[i]
                guard Self.allowed[Int(b)] else { return nil }
                if b == UInt8(ascii: "?") || b == UInt8(ascii: "#") { break }
                if b == UInt8(ascii: "/") {
                    if segmentLength > 0, dots == segmentLength, dots <= 2 { hasDotSegment = true }
                    segmentLength = 0
                    dots = 0
                } else {
                    segmentLength += 1
                    if b == UInt8(ascii: ".") { dots += 1 }
                }
                i += 1
            }
            if segmentLength > 0, dots == segmentLength, dots <= 2 { hasDotSegment = true }
            let pathEnd = i
            // Query, up to a fragment (dropped): percent-escapes normalised and the bytes RFC 3986
            // refuses escaped, as WebURL does (long tracking and playground queries are common).
            var query: [UInt8]? = nil
            let queryStart = i
            while i < end, bytes[i] != UInt8(ascii: "#") {
                let b = bytes[i]
                if Self.allowed[Int(b)] || b == UInt8(ascii: ":") || b == UInt8(ascii: ";") {
                    query?.append(b)
                    i += 1
                    continue
                }
                if query == nil { query = Array(UnsafeBufferPointer(rebasing: bytes[queryStart..<i])) }
                if b == UInt8(ascii: "%") {
                    guard i + 2 < end, let hi = Self.hex(bytes[i + 1]), let lo = Self.hex(bytes[i + 2]) else { return nil }
                    let value = hi << 4 | lo
                    if Self.unreserved(value) { query!.append(value) } else { Self.appendEscape(value, to: &query!) }
                    i += 3
                } else if b > 0x20 && b != 0x7F {
                    Self.appendEscape(b, to: &query!)
                    i += 1
                } else {
                    return nil
                }
            }
            let queryText = query.map { String(decoding: $0, as: UTF8.self) }
            let targetOrigin = absoluteOrigin.map { String(decoding: $0, as: UTF8.self) } ?? origin
            if hasDotSegment {
                // RFC 3986 §5.2: merge with the base directory, then remove dot segments.
                let path = (first == UInt8(ascii: "/") ? "" : directory)
                    + String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pathEnd]), as: UTF8.self)
                return targetOrigin + Self.removeDotSegments(path)
                    + (queryText ?? String(decoding: UnsafeBufferPointer(rebasing: bytes[pathEnd..<i]), as: UTF8.self))
            }
            if let queryText {
                let path = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pathEnd]), as: UTF8.self)
                return (absoluteOrigin != nil ? targetOrigin : first == UInt8(ascii: "/") ? origin : originAndDirectory) + path + queryText
            }
            if absoluteOrigin != nil {
                return targetOrigin + String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            }
            let value = UnsafeBufferPointer(rebasing: bytes[start..<i])
            var prefix = first == UInt8(ascii: "/") ? origin : originAndDirectory
            return prefix.withUTF8 { head in
                String(unsafeUninitializedCapacity: head.count + value.count) { out in
                    _ = out.initialize(from: head)
                    _ = UnsafeMutableBufferPointer(rebasing: out[head.count...]).initialize(from: value)
                    return head.count + value.count
                }
            }
        }
    }

    /// When `bytes[start..<end]` starts with `http://` or `https://` and a plain authority (lowercase
    /// host of letters, digits, `-` and `.`, and a port that is not the default one and has no
    /// leading zero), the index just after the authority.
    static func plainAbsolutePrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        let http = Array("http://".utf8), https = Array("https://".utf8)
        func has(_ prefix: [UInt8]) -> Bool {
            end - start >= prefix.count && prefix.indices.allSatisfy { bytes[start + $0] == prefix[$0] }
        }
        let secure: Bool
        if has(https) { secure = true } else if has(http) { secure = false } else { return nil }
        var i = start + (secure ? https.count : http.count)
        let hostStart = i
        while i < end {
            let b = bytes[i]
            guard (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                    || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") else { break }
            i += 1
        }
        guard i > hostStart, bytes[i - 1] != UInt8(ascii: "."), bytes[hostStart] != UInt8(ascii: ".") else { return nil }
        if i < end, bytes[i] == UInt8(ascii: ":") {
            i += 1
            let portStart = i
            while i < end, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            let port = String(decoding: UnsafeBufferPointer(rebasing: bytes[portStart..<i]), as: UTF8.self)
            guard !port.isEmpty, port.count <= 5, bytes[portStart] != UInt8(ascii: "0"), let value = Int(port), value <= 65535,
                  value != (secure ? 443 : 80) else { return nil }
        }
        guard i == end || bytes[i] == UInt8(ascii: "/") || bytes[i] == UInt8(ascii: "?") || bytes[i] == UInt8(ascii: "#") else { return nil }
        return i
    }

    /// RFC 3986 §5.2.4, step by step as the RFC writes it (which is what Foundation does;
    /// a segment-list version differs on `a//.`).
    static func removeDotSegments(_ path: String) -> String {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var input = ArraySlice(Array(path.utf8))
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        func starts(_ p: [UInt8]) -> Bool { input.starts(with: p) }
        func removeLastSegment() {
            if let last = output.lastIndex(of: slash) { output.removeSubrange(last...) } else { output.removeAll() }
        }
        while !input.isEmpty {
            if starts([dot, dot, slash]) {
                input = input.dropFirst(3)
            } else if starts([dot, slash]) {
                input = input.dropFirst(2)
            } else if starts([slash, dot, slash]) {
                input = input.dropFirst(2)
            } else if input.elementsEqual([slash, dot]) {
                input = [slash]
            } else if starts([slash, dot, dot, slash]) {
                input = input.dropFirst(3)
                removeLastSegment()
            } else if input.elementsEqual([slash, dot, dot]) {
                input = [slash]
                removeLastSegment()
            } else if input.elementsEqual([dot]) || input.elementsEqual([dot, dot]) {
                input = []
            } else {
                var end = input.startIndex
                if input[end] == slash { end += 1 }
                while end < input.endIndex, input[end] != slash { end += 1 }
                output += input[input.startIndex..<end]
                input = input[end...]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func unreserved(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
            || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
    }

    static func appendEscape(_ b: UInt8, to out: inout [UInt8]) {
        let digits = Array("0123456789ABCDEF".utf8)
        out += [UInt8(ascii: "%"), digits[Int(b >> 4)], digits[Int(b & 0xF)]]
    }

    /// `#…` after optional leading spaces and controls: what `WebURL.resolve` calls fragment-only.
    static func isFragmentOnly(_ raw: String) -> Bool {
        for b in raw.utf8 where b > 0x20 { return b == UInt8(ascii: "#") }
        return false
    }

    /// True when a `/`-separated segment is `.` or `..`.
    static func hasDotSegment<C: Collection>(_ path: C) -> Bool where C.Element == UInt8 {
        var dots = 0
        var inSegment = 0
        for b in path {
            if b == UInt8(ascii: "/") {
                if inSegment > 0, dots == inSegment, dots <= 2 { return true }
                dots = 0
                inSegment = 0
            } else {
                inSegment += 1
                if b == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return inSegment > 0 && dots == inSegment && dots <= 2
    }

    /// Bytes that no step of URL parsing or of `WebURL.normalize` changes.
    static let allowed: [Bool] = (0..<256).map { b in
        switch UInt8(b) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~/!$&'()*+,=@?#".utf8.contains(UInt8(b))
        }
    }
}
