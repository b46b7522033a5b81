/// The outcome of evaluating a request's preconditions (RFC 9110 §13.2.2).
public enum PreconditionOutcome: Sendable, Equatable {
    /// Serve the representation; `honourRange` is false when If-Range failed.
    case proceed(honourRange: Bool)
    /// 304 Not Modified (a GET or HEAD whose If-None-Match or If-Modified-Since held).
    case notModified
    /// 412 Precondition Failed.
    case preconditionFailed
}

/// Evaluates If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since and If-Range in
/// the order §13.2.2 gives, for a representation that exists and would otherwise get 2xx.
///
/// A pure function of the request's field lines and the representation's validators — the one
/// reading of conditional requests the embedded server answers with and the audit predicts with
/// (docs/HTTP-CONFORMANCE.md, rules 1–7):
///
/// ```swift
/// var p = Preconditions()
/// p.ifNoneMatch = ["W/\"v1\""]
/// p.evaluate(method: "GET", etag: EntityTag(opaque: "v1"), lastModified: nil)  // .notModified
/// ```
public struct Preconditions: Sendable, Equatable {
    /// Each field's lines as received (several lines of a list field are one list, §5.3).
    public var ifMatch: [String] = []
    public var ifUnmodifiedSince: [String] = []
    public var ifNoneMatch: [String] = []
    public var ifModifiedSince: [String] = []
    public var ifRange: [String] = []
    /// Whether the request has a `Range` field (If-Range is ignored without one).
    public var hasRange = false

    public init() {}

    /// The preconditions of a request, from its header fields looked up case-insensitively.
    public init(fields: [(name: String, value: String)]) {
        for (name, value) in fields {
            switch HTTPFieldName(name) {
            case .ifMatch: ifMatch.append(value)
            case .ifUnmodifiedSince: ifUnmodifiedSince.append(value)
            case .ifNoneMatch: ifNoneMatch.append(value)
            case .ifModifiedSince: ifModifiedSince.append(value)
            case .ifRange: ifRange.append(value)
            case .range: hasRange = true
            default: break
            }
        }
    }

    /// - Parameters:
    ///   - method: the request method (If-None-Match → 304 only for GET/HEAD, 412 otherwise).
    ///   - etag: the representation's current entity tag.
    ///   - lastModified: its modification time, in whole seconds since 1970.
    public func evaluate(method: String, etag: EntityTag?, lastModified: Int?) -> PreconditionOutcome {
        let isGetOrHead = method == "GET" || method == "HEAD"
        // Step 1: If-Match (strong comparison, §13.1.1).
        if !ifMatch.isEmpty {
            if !EntityTagCondition(parsing: ifMatch).matchesStrongly(etag) { return .preconditionFailed }
        } else if ifUnmodifiedSince.count == 1, let date = HTTPDate.parse(ifUnmodifiedSince[0]), let lm = lastModified {
            // Step 2: If-Unmodified-Since (§13.1.4), only without If-Match; invalid dates are ignored.
            if lm > date { return .preconditionFailed }
        }
        // Step 3: If-None-Match (weak comparison, §13.1.2).
        if !ifNoneMatch.isEmpty {
            // One field that is the tag itself matches whatever its strength, without parsing.
            let exact = ifNoneMatch.count == 1 && etag?.isSpelledStrongly(by: ifNoneMatch[0]) == true
            if exact || EntityTagCondition(parsing: ifNoneMatch).matchesWeakly(etag) {
                return isGetOrHead ? .notModified : .preconditionFailed
            }
        } else if isGetOrHead, ifModifiedSince.count == 1, let date = HTTPDate.parse(ifModifiedSince[0]), let lm = lastModified {
            // Step 4: If-Modified-Since (§13.1.3), only without If-None-Match, GET/HEAD, one valid date.
            if lm <= date { return .notModified }
        }
        // Step 5: If-Range (§13.1.5), only with Range on GET.
        if method == "GET", hasRange, ifRange.count == 1 {
            let value = HTTPList.trimmingOWS(ifRange[0][...])
            if value.hasPrefix("\"") || value.hasPrefix("W/") {
                guard let tag = EntityTag(parsing: value), let etag, tag.stronglyMatches(etag) else {
                    return .proceed(honourRange: false)
                }
            } else {
                // A date must exactly equal Last-Modified (and be a strong validator).
                guard let date = HTTPDate.parse(String(value)), let lm = lastModified, date == lm else {
                    return .proceed(honourRange: false)
                }
            }
        }
        return .proceed(honourRange: true)
    }
}
