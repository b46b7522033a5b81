internal import Foundation

/// The outcome of evaluating a request's preconditions (RFC 9110 §13.2.2).
public enum PreconditionOutcome: Sendable, Equatable {
    /// Serve the representation; `honourRange` is false when If-Range failed.
    case proceed(honourRange: Bool)
    case notModified
    case preconditionFailed
}

/// Evaluates If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since and If-Range in
/// the order §13.2.2 gives, for a representation that exists and would otherwise get 2xx.
///
/// A pure function of the request's header values and the representation's validators, so
/// each rule of `HTTP-CONFORMANCE.md` is unit-testable without a socket.
public struct Preconditions: Sendable {
    public var ifMatch: [String] = []
    public var ifUnmodifiedSince: [String] = []
    public var ifNoneMatch: [String] = []
    public var ifModifiedSince: [String] = []
    public var ifRange: [String] = []
    public var hasRange = false

    public init() {}

    /// - Parameters:
    ///   - method: the request method (If-None-Match → 304 only for GET/HEAD, 412 otherwise).
    ///   - etag: the representation's current entity tag.
    ///   - lastModified: its modification time, in whole seconds since 1970.
    public func evaluate(method: String, etag: EntityTag?, lastModified: Int?) -> PreconditionOutcome {
        let isGetOrHead = method == "GET" || method == "HEAD"
        // Step 1: If-Match (strong comparison).
        if !ifMatch.isEmpty {
            if !EntityTagCondition(parsing: ifMatch).matchesStrongly(etag) { return .preconditionFailed }
        } else if ifUnmodifiedSince.count == 1, let date = HTTPDate.parse(ifUnmodifiedSince[0]), let lm = lastModified {
            // Step 2: If-Unmodified-Since, only without If-Match; invalid dates are ignored.
            if lm > date { return .preconditionFailed }
        }
        // Step 3: If-None-Match (weak comparison).
        if !ifNoneMatch.isEmpty {
            // Weak comparison: one field that is the tag itself matches whatever its strength.
            let exact = ifNoneMatch.count == 1 && etag?.isSpelledStrongly(by: ifNoneMatch[0]) == true
            if exact || EntityTagCondition(parsing: ifNoneMatch).matchesWeakly(etag) {
                return isGetOrHead ? .notModified : .preconditionFailed
            }
        } else if isGetOrHead, ifModifiedSince.count == 1, let date = HTTPDate.parse(ifModifiedSince[0]), let lm = lastModified {
            // Step 4: If-Modified-Since, only without If-None-Match, GET/HEAD, one valid date.
            if lm <= date { return .notModified }
        }
        // Step 5: If-Range, only with Range on GET.
        if method == "GET", hasRange, ifRange.count == 1 {
            let value = ifRange[0].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"") || value.hasPrefix("W/") {
                guard let tag = EntityTag(parsing: Substring(value)), let etag, tag.stronglyMatches(etag) else {
                    return .proceed(honourRange: false)
                }
            } else {
                // A date must exactly equal Last-Modified (and be a strong validator).
                guard let date = HTTPDate.parse(value), let lm = lastModified, date == lm else {
                    return .proceed(honourRange: false)
                }
            }
        }
        return .proceed(honourRange: true)
    }
}
