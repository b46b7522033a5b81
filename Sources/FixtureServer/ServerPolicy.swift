internal import Logging
/// What the server adds to responses by path: `Cache-Control` and other headers.
///
/// Rules are matched in order against the path relative to the root (`css/site.css`);
/// the first rule whose glob matches sets each header it names.
public struct ServerPolicy: Sendable, Codable {
    public struct Rule: Sendable, Codable {
        /// A glob: `*` matches within a segment, `**` across segments.
        public var match: String
        /// Headers to set on responses for matching paths (first matching rule wins per header).
        public var headers: [String: String]?
        /// A fault to inject on matching paths (the first rule with a fault wins).
        public var fault: Fault?
        /// `false` leaves `Accept-Encoding` out of `Vary` when a precompressed sibling is
        /// negotiated, as a misconfigured server does (a shared cache then hands the gzip or
        /// brotli body to clients that did not ask for it); default `true`. The first
        /// matching rule that sets it wins.
        public var varyAcceptEncoding: Bool?

        public init(match: String, headers: [String: String]? = nil, fault: Fault? = nil, varyAcceptEncoding: Bool? = nil) {
            self.match = match
            self.headers = headers
            self.fault = fault
            self.varyAcceptEncoding = varyAcceptEncoding
        }
    }

    public var rules: [Rule]
    /// File names tried, in order, for a request that names a directory; default `["index.html"]`.
    public var directoryIndex: [String]?
    /// A file, relative to the root, sent with status 404 when nothing matches; default `404.html`
    /// (used only when it exists). `""` turns it off.
    public var notFoundPage: String?
    /// Extra or overriding content types by file extension, e.g. `{"glb": "model/gltf-binary"}`.
    public var mimeTypes: [String: String]?
    /// `Strict-Transport-Security` sent over TLS only (never over plain HTTP, where it means
    /// nothing); default `max-age=31536000`. `""` turns it off.
    public var strictTransportSecurity: String?
    /// In a policy file: whether it adds to the built-in policy (the default, `true`: its rules
    /// go first, so they win, and its other fields replace the built-in ones) or stands alone
    /// (`false`). See ``adding(to:)``.
    public var inherit: Bool?

    public init(rules: [Rule] = [], directoryIndex: [String]? = nil, notFoundPage: String? = nil,
                mimeTypes: [String: String]? = nil, strictTransportSecurity: String? = nil) {
        self.rules = rules
        self.directoryIndex = directoryIndex
        self.notFoundPage = notFoundPage
        self.mimeTypes = mimeTypes
        self.strictTransportSecurity = strictTransportSecurity
    }

    /// The security headers of the default policy. The CSP only forbids framing by other
    /// origins (`frame-ancestors`), so it breaks no site's scripts or styles; write a full
    /// policy for a stricter one.
    public static let defaultSecurityHeaders: [String: String] = [
        "Content-Security-Policy": "frame-ancestors 'self'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    ]

    /// Fingerprinted assets are immutable for a year; HTML is revalidated every time;
    /// everything else may be cached for an hour. Every response carries the security headers.
    public static let `default` = ServerPolicy(rules: [
        Rule(match: "**/*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].*",
             headers: ["Cache-Control": "public, max-age=31536000, immutable"]),
        Rule(match: "**.html", headers: ["Cache-Control": "no-cache"]),
        Rule(match: "**", headers: defaultSecurityHeaders.merging(["Cache-Control": "max-age=3600"]) { a, _ in a }),
    ])

    /// This policy over `base`, unless it says `"inherit": false`: its rules before the
    /// base's (for each header, and for faults, the first matching rule wins, so a rule of
    /// this policy wins over a base rule on the same path), its other fields where set.
    public func adding(to base: ServerPolicy) -> ServerPolicy {
        guard inherit ?? true else { return self }
        var merged = self
        merged.rules = rules + base.rules
        merged.directoryIndex = directoryIndex ?? base.directoryIndex
        merged.notFoundPage = notFoundPage ?? base.notFoundPage
        merged.mimeTypes = (base.mimeTypes ?? [:]).merging(mimeTypes ?? [:]) { _, mine in mine }
        if merged.mimeTypes?.isEmpty == true { merged.mimeTypes = nil }
        merged.strictTransportSecurity = strictTransportSecurity ?? base.strictTransportSecurity
        return merged
    }

    var effectiveDirectoryIndex: [String] { directoryIndex ?? ["index.html"] }
    var effectiveNotFoundPage: String? {
        let page = notFoundPage ?? "404.html"
        return page.isEmpty ? nil : page
    }
    var effectiveStrictTransportSecurity: String? {
        let value = strictTransportSecurity ?? "max-age=31536000"
        return value.isEmpty ? nil : value
    }

    /// The content type for a path: the policy's own table first, then ``MIMETypes``.
    public func contentType(forPath path: String) -> String {
        if let mimeTypes, let dot = path.lastIndex(of: "."), !path[dot...].contains("/"),
           let type = mimeTypes[String(path[path.index(after: dot)...]).lowercased()] {
            return type
        }
        return MIMETypes.type(forPath: path)
    }

    /// The policy without header names or values that would corrupt a response (a name that
    /// is not a token, a value with CR, LF or NUL), each dropped with a warning. The server
    /// checks this once at start instead of validating every response's headers.
    func sanitized(logger: Logger) -> ServerPolicy {
        func validName(_ s: String) -> Bool {
            !s.isEmpty && s.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(b)
            }
        }
        func validValue(_ s: String) -> Bool { !s.utf8.contains { $0 == 0 || $0 == 10 || $0 == 13 } }
        var copy = self
        for i in copy.rules.indices {
            if let headers = copy.rules[i].headers {
                copy.rules[i].headers = headers.filter { name, value in
                    let ok = validName(name) && validValue(value)
                    if !ok { logger.warning("policy: ignoring the header \(name.debugDescription) of rule \(rules[i].match): not a valid header") }
                    return ok
                }
            }
            if let location = copy.rules[i].fault?.location, !validValue(location) {
                logger.warning("policy: ignoring the redirect location of rule \(rules[i].match): it contains a line break")
                copy.rules[i].fault?.location = nil
            }
            if let encoding = copy.rules[i].fault?.contentEncoding, !validValue(encoding) {
                copy.rules[i].fault?.contentEncoding = nil
            }
        }
        copy.mimeTypes = mimeTypes?.filter { validValue($0.value) }
        if let hsts = strictTransportSecurity, !validValue(hsts) { copy.strictTransportSecurity = "" }
        return copy
    }

    /// The index and fault of the first rule with a fault that matches `path`.
    public func fault(for path: String) -> (index: Int, fault: Fault)? {
        for (i, rule) in rules.enumerated() {
            if let fault = rule.fault, Glob.matches(rule.match, path) { return (i, fault) }
        }
        return nil
    }

    /// Whether a negotiated encoding adds `Accept-Encoding` to `Vary` on `path` (see ``Rule/varyAcceptEncoding``).
    public func varyAcceptEncoding(for path: String) -> Bool {
        varyAcceptEncoding(ofRules: headerRules(for: path))
    }

    /// Headers for a path: for each header name, the first matching rule wins.
    public func headers(for path: String) -> [(String, String)] {
        headers(ofRules: headerRules(for: path))
    }

    /// The indices of the rules matching `path` that set headers or `varyAcceptEncoding`:
    /// all that ``headers(for:)`` and ``varyAcceptEncoding(for:)`` depend on, so paths with the
    /// same indices share those answers.
    func headerRules(for path: String) -> [Int] {
        rules.indices.filter { (rules[$0].headers != nil || rules[$0].varyAcceptEncoding != nil) && Glob.matches(rules[$0].match, path) }
    }

    func varyAcceptEncoding(ofRules indices: [Int]) -> Bool {
        indices.lazy.compactMap { self.rules[$0].varyAcceptEncoding }.first ?? true
    }

    func headers(ofRules indices: [Int]) -> [(String, String)] {
        var result: [(String, String)] = []
        var seen: Set<String> = []
        for rule in indices.map({ rules[$0] }) where rule.headers != nil {
            for (name, value) in (rule.headers ?? [:]).sorted(by: { $0.key < $1.key }) where seen.insert(name.lowercased()).inserted {
                result.append((name, value))
            }
        }
        return result
    }
}

/// Shell-style globs over `/`-separated paths: `*`, `**`, `?`, `[a-z]`.
public enum Glob {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        match(Array(pattern.utf8), 0, Array(path.utf8), 0)
    }

    private static func match(_ p: [UInt8], _ pi: Int, _ s: [UInt8], _ si: Int) -> Bool {
        var pi = pi, si = si
        while pi < p.count {
            let c = p[pi]
            if c == UInt8(ascii: "*") {
                let doubleStar = pi + 1 < p.count && p[pi + 1] == UInt8(ascii: "*")
                var next = pi + (doubleStar ? 2 : 1)
                // `**/` also matches zero segments.
                if doubleStar, next < p.count, p[next] == UInt8(ascii: "/"), match(p, next + 1, s, si) { return true }
                if doubleStar { next = pi + 2 }
                var k = si
                while true {
                    if match(p, next, s, k) { return true }
                    if k >= s.count || (!doubleStar && s[k] == UInt8(ascii: "/")) { return false }
                    k += 1
                }
            }
            guard si < s.count else { return false }
            if c == UInt8(ascii: "?") {
                if s[si] == UInt8(ascii: "/") { return false }
            } else if c == UInt8(ascii: "["), let close = p[(pi + 1)...].firstIndex(of: UInt8(ascii: "]")) {
                var ok = false
                var j = pi + 1
                while j < close {
                    if j + 2 < close, p[j + 1] == UInt8(ascii: "-") {
                        if s[si] >= p[j] && s[si] <= p[j + 2] { ok = true }
                        j += 3
                    } else {
                        if s[si] == p[j] { ok = true }
                        j += 1
                    }
                }
                if !ok { return false }
                pi = close
            } else if c != s[si] {
                return false
            }
            pi += 1
            si += 1
        }
        return si == s.count
    }
}
