public import CrawlModel
internal import Foundation
internal import HTTPSemantics

/// One reason a CDN (a shared cache) cannot cache a response well, with a stable code and the
/// header to send instead. Found by ``SharedCacheFreshness`` on successful (2xx) responses.
public struct SharedCacheProblem: Codable, Sendable, Hashable {
    public enum Code: String, Codable, Sendable, CaseIterable {
        /// A `Set-Cookie` on a stylesheet, script, image, font or media file.
        case SET_COOKIE_ON_STATIC
        /// `Vary: *`: no cache may reuse the response.
        case VARY_STAR
        /// `Vary: User-Agent`: one copy per browser version.
        case VARY_USER_AGENT
        /// `Vary: Cookie`: one copy per visitor.
        case VARY_COOKIE
        /// A `Content-Encoding` without `Vary: Accept-Encoding`.
        case MISSING_VARY_ACCEPT_ENCODING
        /// `Cache-Control: private` on a static file.
        case PRIVATE_STATIC
        /// `Cache-Control: no-store` on a static file.
        case NO_STORE_STATIC
        /// A lifetime of a day or more (or `immutable`) on a URL without a content hash or version.
        case LONG_TTL_UNVERSIONED
        /// A fingerprinted URL cached for less than a year and not `immutable`.
        case SHORT_TTL_VERSIONED
        /// Cacheable, but no `ETag` or `Last-Modified` to revalidate with.
        case NO_VALIDATOR_CACHEABLE
        /// A font on another origin without `Access-Control-Allow-Origin`.
        case CROSS_ORIGIN_FONT_NO_CORS
    }

    public var code: Code
    /// What was seen (`Vary: User-Agent`).
    public var found: String
    /// The header to send instead (`Vary: Accept-Encoding`).
    public var fix: String

    public init(_ code: Code, found: String, fix: String) {
        self.code = code
        self.found = found
        self.fix = fix
    }

    /// A day: the shortest lifetime that `LONG_TTL_UNVERSIONED` reports.
    public static let longLifetime = 86_400
    /// A year: the lifetime a fingerprinted URL should have.
    public static let versionedLifetime = 31_536_000

    /// Kinds that are files the same for every visitor.
    static let staticKinds: Set<AssetKind> = [.stylesheet, .script, .image, .font, .media, .icon, .track]

    /// `cc`: the response's `Cache-Control` fields, parsed.
    static func find(_ resource: FetchedResource, freshness: SharedCacheFreshness, cacheControl cc: HTTPSemantics.CacheControl,
                     siteOrigins: Set<String>) -> [SharedCacheProblem] {
        let e = resource.exchange
        let headers = e.responseHeaders
        let ccText = headers.all("Cache-Control").joined(separator: ", ")
        let isStatic = staticKinds.contains(resource.kind)
        let vary = Set(HTTPList.members(headers.all("Vary")).map { $0.lowercased() })
        let fingerprinted = Budget.isFingerprinted(e.url)
        let versioned = isVersioned(e.url, fingerprinted: fingerprinted)
        var out: [SharedCacheProblem] = []
        if isStatic, let cookie = headers.first("Set-Cookie") {
            out.append(.init(.SET_COOKIE_ON_STATIC, found: "Set-Cookie: \(cookie.prefix(40))",
                             fix: "no Set-Cookie on static files (set cookies on pages or API responses only)"))
        }
        let varyText = "Vary: \(headers.all("Vary").joined(separator: ", "))"
        if vary.contains("*") { out.append(.init(.VARY_STAR, found: varyText, fix: "Vary: Accept-Encoding (or no Vary)")) }
        if vary.contains("user-agent") {
            out.append(.init(.VARY_USER_AGENT, found: varyText, fix: "Vary: Accept-Encoding (one copy for every browser; Client Hints if it must differ)"))
        }
        if vary.contains("cookie") { out.append(.init(.VARY_COOKIE, found: varyText, fix: "Vary: Accept-Encoding (static files do not depend on cookies)")) }
        if let coding = headers.first("Content-Encoding"), coding.lowercased() != "identity",
           !vary.contains("accept-encoding"), !vary.contains("*") {
            out.append(.init(.MISSING_VARY_ACCEPT_ENCODING, found: "Content-Encoding: \(coding) without Vary: Accept-Encoding",
                             fix: "Vary: Accept-Encoding"))
        }
        if isStatic, cc.has("private") {
            out.append(.init(.PRIVATE_STATIC, found: "Cache-Control: \(ccText)", fix: "Cache-Control: public, max-age=3600"))
        }
        if isStatic, cc.noStore {
            out.append(.init(.NO_STORE_STATIC, found: "Cache-Control: \(ccText)", fix: "Cache-Control: public, max-age=3600 (or no-cache with an ETag)"))
        }
        let lifetime = freshness.isExplicit ? freshness.freshSeconds : 0
        if freshness.storable, !versioned, lifetime >= longLifetime || cc.has("immutable") {
            out.append(.init(.LONG_TTL_UNVERSIONED, found: "Cache-Control: \(ccText.isEmpty ? "(none)" : ccText) on a URL without a hash or version",
                             fix: "a content hash in the file name (app.3f9a1c2e.js), or Cache-Control: max-age=3600 until it has one"))
        }
        if fingerprinted, !cc.has("immutable"), !freshness.storable || lifetime < versionedLifetime {
            out.append(.init(.SHORT_TTL_VERSIONED, found: "Cache-Control: \(ccText.isEmpty ? "(none)" : ccText) on a fingerprinted URL",
                             fix: "Cache-Control: public, max-age=31536000, immutable"))
        }
        if freshness.storable, freshness.freshSeconds > 0 || freshness.source == .noCache, e.etag == nil, e.lastModified == nil {
            out.append(.init(.NO_VALIDATOR_CACHEABLE, found: "no ETag, no Last-Modified", fix: "ETag: \"<content hash>\" (or Last-Modified)"))
        }
        if resource.kind == .font, let url = URL(string: e.url), !siteOrigins.contains(WebURL.origin(of: url)),
           headers.first("Access-Control-Allow-Origin") == nil {
            out.append(.init(.CROSS_ORIGIN_FONT_NO_CORS, found: "a font on \(WebURL.origin(of: url)) without Access-Control-Allow-Origin",
                             fix: "Access-Control-Allow-Origin: * (or the site's origin)"))
        }
        return out
    }

    /// A URL whose name changes with its content: a content hash in the file name
    /// (``Budget/isFingerprinted(_:)``), a version in a query (`?v=3`, `?ver=1.2`), or a
    /// version number in the path (`jquery-3.7.1.min.js`, `/v2/`, `/1.4.0/`).
    public static func isVersioned(_ url: String) -> Bool { isVersioned(url, fingerprinted: Budget.isFingerprinted(url)) }

    /// ``isVersioned(_:)`` with ``Budget/isFingerprinted(_:)`` of the URL already known (it parses the URL).
    static func isVersioned(_ url: String, fingerprinted: Bool) -> Bool {
        if fingerprinted { return true }
        let parts = url.split(separator: "?", maxSplits: 1)
        if parts.count == 2 {
            let keys = parts[1].split(separator: "&").map { $0.split(separator: "=").first.map { $0.lowercased() } ?? "" }
            if keys.contains(where: { ["v", "ver", "version", "hash", "rev", "h"].contains($0) }) { return true }
        }
        let path = SiteAudit.path(of: String(parts[0]))
        if let fast = URLNameBytes.hasVersionSegment(path: path) { return fast }
        return hasVersionSegment(path: path)
    }

    /// A version number in a path's segments, character by character (any path; ``URLNameBytes``
    /// has the same rules on plain ASCII bytes).
    static func hasVersionSegment(path: String) -> Bool {
        path.split(separator: "/").contains { segment in
            segment.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "@" }).contains { token in
                var t = Substring(token)
                if t.first == "v" || t.first == "V" { t = t.dropFirst() }
                let numbers = t.split(separator: ".", omittingEmptySubsequences: false)
                // 1.4.0, v2, 3.7.1.min.js: two or more leading numeric parts, or vN as a whole segment.
                let leading = numbers.prefix { !$0.isEmpty && $0.allSatisfy(\.isNumber) }.count
                return leading >= 2 || (token.first == "v" && leading == 1 && numbers.count == 1 && token == segment)
            }
        }
    }
}
