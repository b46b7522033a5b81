/// A way to misbehave on purpose, so tests and users can reproduce broken servers.
///
/// Fields combine: `{"status": 503, "retryAfter": 2, "times": 1}` answers 503 once and then
/// serves normally; `{"validators": "none", "delayMs": 200}` serves late without ETag or
/// Last-Modified. In a policy file:
///
/// ```json
/// { "rules": [ { "match": "img/broken-*.png", "fault": { "truncateAfter": 10 } } ] }
/// ```
public struct Fault: Sendable, Codable, Equatable {
    /// Validators to send instead of the strong content ETag and Last-Modified.
    public enum Validators: String, Sendable, Codable {
        /// Neither ETag nor Last-Modified.
        case none
        /// Only a weak ETag (`W/"…"`), no Last-Modified.
        case weak
        /// A strong ETag that changes on every response, plus Last-Modified.
        case changing
        /// Only Last-Modified.
        case lastModifiedOnly
        /// Only the ETag.
        case etagOnly
    }

    /// Answer with this status instead of the file (204, 403, 404, 410, 429, 500, 503 …);
    /// with `location`, a redirect (301, 302, 307, 308).
    public var status: Int?
    /// `Retry-After` seconds, for 429 and 503.
    public var retryAfter: Int?
    /// `Location` of a redirect, absolute or relative to the server root.
    public var location: String?
    /// Always answer 200: ignore If-None-Match, If-Modified-Since and the other preconditions.
    public var ignoreConditionals: Bool?
    public var validators: Validators?
    /// Send 304s without ETag, Cache-Control, Expires and Vary.
    public var drop304Headers: Bool?
    /// Wait this long before sending the response head.
    public var delayMs: Int?
    /// Send the body at this rate.
    public var bytesPerSecond: Int?
    /// Send only this many body bytes (with the full Content-Length), then close cleanly.
    public var truncateAfter: Int?
    /// Send this many body bytes, then reset the connection (TCP RST).
    public var resetAfter: Int?
    /// Add this to the real Content-Length (positive: the body ends early; negative: it runs over).
    public var contentLengthDelta: Int?
    /// Claim this Content-Encoding while sending the bytes unchanged.
    public var contentEncoding: String?
    /// Apply the fault only to the first N matching requests, then behave.
    public var times: Int?

    public init(
        status: Int? = nil, retryAfter: Int? = nil, location: String? = nil, ignoreConditionals: Bool? = nil,
        validators: Validators? = nil, drop304Headers: Bool? = nil, delayMs: Int? = nil, bytesPerSecond: Int? = nil,
        truncateAfter: Int? = nil, resetAfter: Int? = nil, contentLengthDelta: Int? = nil, contentEncoding: String? = nil,
        times: Int? = nil
    ) {
        self.status = status
        self.retryAfter = retryAfter
        self.location = location
        self.ignoreConditionals = ignoreConditionals
        self.validators = validators
        self.drop304Headers = drop304Headers
        self.delayMs = delayMs
        self.bytesPerSecond = bytesPerSecond
        self.truncateAfter = truncateAfter
        self.resetAfter = resetAfter
        self.contentLengthDelta = contentLengthDelta
        self.contentEncoding = contentEncoding
        self.times = times
    }

    /// True when the body must be written by hand rather than with sendfile.
    var altersBody: Bool {
        bytesPerSecond != nil || truncateAfter != nil || resetAfter != nil || contentLengthDelta != nil
    }
}
