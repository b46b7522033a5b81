public import Foundation

/// One HTTP header field as sent or received, in order.
public struct HeaderField: Codable, Sendable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HeaderField {
    /// The first value of a header, compared case-insensitively.
    public func first(_ name: String) -> String? {
        first { HeaderField.namesEqual($0.name, name) }?.value
    }

    /// Every value of a header, compared case-insensitively.
    public func all(_ name: String) -> [String] {
        filter { HeaderField.namesEqual($0.name, name) }.map(\.value)
    }
}

extension HeaderField {
    /// ASCII case-insensitive comparison of header names (RFC 9110 §5.1), without
    /// Foundation's locale-aware string comparison (which dominated audit profiles).
    @inlinable
    public static func namesEqual(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                for i in 0..<x.count where x[i] != y[i] {
                    // Only ASCII letters differ by case: fold both and compare.
                    let l = x[i] | 0x20, r = y[i] | 0x20
                    guard l == r, l >= 0x61, l <= 0x7A else { return false }
                }
                return true
            }
        }
    }
}

/// One request and what came back, or why nothing did.
public struct Exchange: Codable, Sendable {
    public var url: String
    public var method: String
    public var requestHeaders: [HeaderField]
    /// HTTP status, or nil when no response head arrived.
    public var status: Int?
    /// `HTTP/1.1` or `HTTP/2`.
    public var httpVersion: String?
    public var responseHeaders: [HeaderField]
    /// Bytes of the status line and header block as sent by the server (HTTP/1.1 framing).
    public var headerBytes: Int
    /// Body bytes as received on the wire, before content decoding.
    public var bodyBytes: Int
    /// Body bytes after content decoding, when the body was decoded.
    public var decodedBytes: Int?
    /// True when the body was cut at `--max-body`.
    public var truncated: Bool
    public var error: FetchError?
    public var timings: Timings
    /// How many times the request was retried (429/503) before this answer; nil when never.
    public var retries: Int?

    public init(
        url: String, method: String = "GET", requestHeaders: [HeaderField] = [], status: Int? = nil,
        httpVersion: String? = nil, responseHeaders: [HeaderField] = [], headerBytes: Int = 0, bodyBytes: Int = 0,
        decodedBytes: Int? = nil, truncated: Bool = false, error: FetchError? = nil, timings: Timings = Timings()
    ) {
        self.url = url
        self.method = method
        self.requestHeaders = requestHeaders
        self.status = status
        self.httpVersion = httpVersion
        self.responseHeaders = responseHeaders
        self.headerBytes = headerBytes
        self.bodyBytes = bodyBytes
        self.decodedBytes = decodedBytes
        self.truncated = truncated
        self.error = error
        self.timings = timings
    }

    /// Wire bytes of the response: header block plus body.
    public var wireBytes: Int { headerBytes + bodyBytes }

    public var contentType: String? { responseHeaders.first("Content-Type") }
    public var etag: String? { responseHeaders.first("ETag") }
    public var lastModified: String? { responseHeaders.first("Last-Modified") }
    public var location: String? { responseHeaders.first("Location") }
    public var isRedirect: Bool {
        switch status {
        case 301, 302, 303, 307, 308: return location != nil
        default: return false
        }
    }
}

/// Wall-clock timings of one exchange, in milliseconds since the crawl started.
public struct Timings: Codable, Sendable, Hashable {
    public var startedMs: Double
    /// Time from sending the request to the response head.
    public var headMs: Double?
    /// Time from sending the request to the end of the body.
    public var totalMs: Double?

    public init(startedMs: Double = 0, headMs: Double? = nil, totalMs: Double? = nil) {
        self.startedMs = startedMs
        self.headMs = headMs
        self.totalMs = totalMs
    }
}

/// A failure that is a value in the report, never a thrown crawl-stopping error.
///
/// `code` is chosen from the type of the underlying error (the fetchers' `classify`), never
/// from its text; `cause` keeps that error for logs and callers that want more. Reports
/// carry `code` and `message` only: `cause` is neither encoded nor compared.
public struct FetchError: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Codable, Sendable, CaseIterable {
        case dns, refused, timeout, reset, tls, redirectLoop, tooManyRedirects, bodyTooLarge
        case decoding, http, invalidURL, notFetched, other
    }

    public var code: Code
    public var message: String
    /// The error this failure was classified from (a NIO, TLS or AsyncHTTPClient error), when there was one.
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(code.rawValue): \(message)" }

    enum CodingKeys: String, CodingKey { case code, message }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode(Code.self, forKey: .code), try c.decode(String.self, forKey: .message))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(message, forKey: .message)
    }

    public static func == (a: FetchError, b: FetchError) -> Bool { a.code == b.code && a.message == b.message }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
