/// A header field name (RFC 9110 §5.1): a token compared case-insensitively.
///
/// Stored lowercased (as HTTP/2 and HTTP/3 send them), so `==` and hashing are the
/// case-insensitive comparison; the constants give the fields the project reads:
///
/// ```swift
/// HTTPFieldName("ETAG") == .etag  // true
/// ```
public struct HTTPFieldName: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The lowercased name.
    public let lowercased: String

    public init(_ name: String) {
        // Most names arrive lowercased or in canonical case: lowercase only when needed.
        lowercased = name.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } ? name.lowercased() : name
    }

    public init(stringLiteral value: String) { self.init(value) }

    public var description: String { lowercased }

    /// Whether `name` is this field, compared case-insensitively without allocating: over the
    /// strings' contiguous bytes (a `zip` of two UTF-8 views, its generic iterators, was 3% of
    /// the server's CPU answering 304s).
    public func matches(_ name: String) -> Bool {
        guard name.utf8.count == lowercased.utf8.count else { return false }
        func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
            for i in 0..<a.count where a[i] != b[i] && !(a[i] >= 0x41 && a[i] <= 0x5A && a[i] | 0x20 == b[i]) { return false }
            return true
        }
        if let fast = name.utf8.withContiguousStorageIfAvailable({ a in lowercased.utf8.withContiguousStorageIfAvailable { b in equal(a, b) } }),
           let result = fast {
            return result
        }
        return zip(name.utf8, lowercased.utf8).allSatisfy { a, b in a == b || (a >= 0x41 && a <= 0x5A && a | 0x20 == b) }
    }

    /// Whether `name` is a valid field name: one or more tchar (§5.6.2).
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(isTokenCharacter)
    }

    /// tchar (§5.6.2): `!#$%&'*+-.^_`|~`, digits and letters.
    public static func isTokenCharacter(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    public static let acceptEncoding: HTTPFieldName = "accept-encoding"
    public static let age: HTTPFieldName = "age"
    public static let cacheControl: HTTPFieldName = "cache-control"
    public static let contentEncoding: HTTPFieldName = "content-encoding"
    public static let contentLength: HTTPFieldName = "content-length"
    public static let contentRange: HTTPFieldName = "content-range"
    public static let contentType: HTTPFieldName = "content-type"
    public static let date: HTTPFieldName = "date"
    public static let etag: HTTPFieldName = "etag"
    public static let expires: HTTPFieldName = "expires"
    public static let ifMatch: HTTPFieldName = "if-match"
    public static let ifModifiedSince: HTTPFieldName = "if-modified-since"
    public static let ifNoneMatch: HTTPFieldName = "if-none-match"
    public static let ifRange: HTTPFieldName = "if-range"
    public static let ifUnmodifiedSince: HTTPFieldName = "if-unmodified-since"
    public static let lastModified: HTTPFieldName = "last-modified"
    public static let location: HTTPFieldName = "location"
    public static let pragma: HTTPFieldName = "pragma"
    public static let range: HTTPFieldName = "range"
    public static let retryAfter: HTTPFieldName = "retry-after"
    public static let vary: HTTPFieldName = "vary"
}
