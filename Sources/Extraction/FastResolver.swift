public import Foundation


/// Resolves the common, plain reference values (`/css/a.css`, `img/b.png?v=2`) by string
/// concatenation, and hands everything else to ``WebURL/resolve(_:against:)``.
///
/// Foundation's URL parsing dominated extraction (about 100 000 instructions a reference,
/// three times the cost of parsing the page), so values that cannot differ from what
/// `WebURL.resolve` returns take this path: ASCII without `%`, `\`, `:`, `;`, whitespace or
/// other characters the URL standard rewrites, not starting with `//`, `?` or `#`, and with
/// no `.` or `..` segment, against a base that is already normalised. A test compares the two
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
            let first = bytes[start]
            guard first != UInt8(ascii: "#"), first != UInt8(ascii: "?") else { return nil }
            if first == UInt8(ascii: "/"), start + 1 < end, bytes[start + 1] == UInt8(ascii: "/") { return nil }  // //host
            var pathEnd = -1
            var i = start
            // Path: allowed bytes, and no `.` or `..` segment.
            var segmentLength = 0, dots = 0
            while i < end {
                let b = bytes[i]
                guard Self.allowed[Int(b)] else { return nil }
                if b == UInt8(ascii: "?") || b == UInt8(ascii: "#") { break }
                if b == UInt8(ascii: "/") {
                    if segmentLength > 0, dots == segmentLength, dots <= 2 { return nil }
                    segmentLength = 0
                    dots = 0
                } else {
                    segmentLength += 1
                    if b == UInt8(ascii: ".") { dots += 1 }
                }
                i += 1
            }
            if segmentLength > 0, dots == segmentLength, dots <= 2 { return nil }
            pathEnd = i
            // Query: allowed bytes up to a fragment, which is dropped.
            while i < end, bytes[i] != UInt8(ascii: "#") {
                guard Self.allowed[Int(bytes[i])] else { return nil }
                i += 1
            }
            _ = pathEnd
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
