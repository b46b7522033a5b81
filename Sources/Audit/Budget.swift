public import CrawlModel
public import Foundation

/// A performance and caching budget: per-page rules matched by URL path glob, site-wide
/// rules over every fetched URL, and the breakages that are known and allowed.
///
/// ```json
/// { "version": 1,
///   "allowBroken": ["/img/missing.png"],
///   "pages": [ { "match": "/blog/**", "maxFirstVisitBytes": 20000, "maxRequests": 20 } ],
///   "site": { "noFullRevalidation": true, "requireValidators": true } }
/// ```
public struct Budget: Sendable, Equatable {
    public static let formatVersion = 1

    public var version: Int
    /// Paths (globs, e.g. `/img/missing.png` or `/legacy/**`) whose failure is deliberate:
    /// reported as allowed, never a failure.
    public var allowBroken: [String]
    /// Per-page rules. For each field, the first entry whose `match` matches the page path
    /// and sets that field wins (like the server policy).
    public var pages: [PageRules]
    /// Rules over the whole crawl: every unique URL once.
    public var site: Rules

    public init(version: Int = Budget.formatVersion, allowBroken: [String] = [], pages: [PageRules] = [], site: Rules = Rules()) {
        self.version = version
        self.allowBroken = allowBroken
        self.pages = pages
        self.site = site
    }

    /// A page rule: a glob over the page's URL path (`/`, `/blog/*`, `/**`) and its rules.
    public struct PageRules: Sendable, Equatable {
        public var match: String
        public var rules: Rules
        public init(match: String, rules: Rules) {
            self.match = match
            self.rules = rules
        }
    }

    /// The rules a page or the site is held to. Every field is optional: absent means not checked.
    public struct Rules: Sendable, Equatable {
        /// Wire bytes (headers and bodies, redirects included) of the page and every requisite;
        /// site-wide: of every fetched URL once.
        public var maxFirstVisitBytes: Int?
        /// The same, per asset kind (`image`, `font`, `script`, `stylesheet`, …, `page`).
        public var maxFirstVisitBytesByKind: [AssetKind: Int]?
        /// Requests of a first visit (redirect hops included); site-wide: every request of the crawl, probes excluded.
        public var maxRequests: Int?
        /// Bytes of a repeat visit with a warm cache.
        public var maxRepeatVisitBytes: Int?
        /// No conditional request may be answered with the full body again (INM_FULL, IMS_FULL).
        public var noFullRevalidation: Level?
        /// Every cacheable 200 response carries `ETag` or `Last-Modified`.
        public var requireValidators: Level?
        /// Fingerprinted assets (a hash in the file name) are cached for long or `immutable`.
        public var fingerprintedLongLived: Fingerprinted?
        /// Text responses above a size are sent with a `Content-Encoding`.
        public var compressText: Compression?
        /// Security headers every HTML response carries.
        public var securityHeaders: SecurityHeaders?
        /// No requisite fails (HTTP 4xx/5xx, DNS, timeout…) unless listed in `allowBroken`.
        public var noBrokenRequisites: Level?
        /// No response has a shared-cache problem (``SharedCacheProblem``) unless its path
        /// matches one of the `allow` globs.
        public var cdnCacheable: CDNCacheable?

        public init(
            maxFirstVisitBytes: Int? = nil, maxFirstVisitBytesByKind: [AssetKind: Int]? = nil, maxRequests: Int? = nil,
            maxRepeatVisitBytes: Int? = nil, noFullRevalidation: Level? = nil, requireValidators: Level? = nil,
            fingerprintedLongLived: Fingerprinted? = nil, compressText: Compression? = nil,
            securityHeaders: SecurityHeaders? = nil, noBrokenRequisites: Level? = nil, cdnCacheable: CDNCacheable? = nil
        ) {
            self.maxFirstVisitBytes = maxFirstVisitBytes
            self.maxFirstVisitBytesByKind = maxFirstVisitBytesByKind
            self.maxRequests = maxRequests
            self.maxRepeatVisitBytes = maxRepeatVisitBytes
            self.noFullRevalidation = noFullRevalidation
            self.requireValidators = requireValidators
            self.fingerprintedLongLived = fingerprintedLongLived
            self.compressText = compressText
            self.securityHeaders = securityHeaders
            self.noBrokenRequisites = noBrokenRequisites
            self.cdnCacheable = cdnCacheable
        }

        /// `self` with every field that is unset here taken from `other`.
        func filling(from other: Rules) -> Rules {
            Rules(
                maxFirstVisitBytes: maxFirstVisitBytes ?? other.maxFirstVisitBytes,
                maxFirstVisitBytesByKind: maxFirstVisitBytesByKind ?? other.maxFirstVisitBytesByKind,
                maxRequests: maxRequests ?? other.maxRequests,
                maxRepeatVisitBytes: maxRepeatVisitBytes ?? other.maxRepeatVisitBytes,
                noFullRevalidation: noFullRevalidation ?? other.noFullRevalidation,
                requireValidators: requireValidators ?? other.requireValidators,
                fingerprintedLongLived: fingerprintedLongLived ?? other.fingerprintedLongLived,
                compressText: compressText ?? other.compressText,
                securityHeaders: securityHeaders ?? other.securityHeaders,
                noBrokenRequisites: noBrokenRequisites ?? other.noBrokenRequisites,
                cdnCacheable: cdnCacheable ?? other.cdnCacheable)
        }
    }

    /// How a check counts: `error` fails the run (exit 1), `warn` is reported only, `off` is not run.
    /// In the file: `true` (error), `false` (off), or `"error"`, `"warn"`, `"off"`.
    public enum Level: String, Sendable, Equatable, CaseIterable {
        case error, warn, off
    }

    public struct Fingerprinted: Sendable, Equatable {
        public var level: Level
        /// The smallest `max-age` (seconds) that counts as long-lived; `immutable` always passes.
        public var minMaxAge: Int
        public init(level: Level = .error, minMaxAge: Int = 31_536_000) {
            self.level = level
            self.minMaxAge = minMaxAge
        }
    }

    public struct CDNCacheable: Sendable, Equatable {
        public var level: Level
        /// Path globs (`/api/**`, `/img/tracking.gif`) whose problems are deliberate.
        public var allow: [String]
        public init(level: Level = .error, allow: [String] = []) {
            self.level = level
            self.allow = allow
        }
    }

    public struct Compression: Sendable, Equatable {
        public var level: Level
        /// Text responses smaller than this (decoded bytes) need no compression.
        public var minBytes: Int
        public init(level: Level = .error, minBytes: Int = 1024) {
            self.level = level
            self.minBytes = minBytes
        }
    }

    public struct SecurityHeaders: Sendable, Equatable {
        public var level: Level
        /// Header names, checked as `docs/HTTP-CONFORMANCE.md` says (values too, not only presence).
        public var require: [String]
        public init(level: Level = .error, require: [String] = SecurityHeaders.defaultHeaders) {
            self.level = level
            self.require = require
        }

        public static let defaultHeaders = ["Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"]
        /// Headers this check knows how to judge.
        public static let known = ["Content-Security-Policy", "Referrer-Policy", "Strict-Transport-Security",
                                   "X-Content-Type-Options", "X-Frame-Options"]
    }

    /// The checks that need no numbers, as warnings: what `--junit` and the HTML report show
    /// when no `--budget` is given. Never fails a run.
    /// Page-level checks go in a `/**` rule so that every page gets its own suite.
    public static let advisory = Budget(
        pages: [PageRules(match: "/**", rules: Rules(securityHeaders: SecurityHeaders(level: .warn), noBrokenRequisites: .warn))],
        site: Rules(noFullRevalidation: .warn, requireValidators: .warn, fingerprintedLongLived: Fingerprinted(level: .warn),
                    compressText: Compression(level: .warn)))

    /// The rules for a page path: the site rules' check settings are not inherited; only
    /// matching `pages` entries apply, first setter wins per field.
    public func rules(forPath path: String) -> Rules? {
        var merged: Rules?
        for entry in pages where PathGlob.matches(entry.match, path) {
            merged = (merged ?? Rules()).filling(from: entry.rules)
        }
        return merged
    }

    /// True when `path` (or the full URL) is listed in `allowBroken`.
    public func allowsBroken(url: String, path: String) -> Bool {
        allowBroken.contains { PathGlob.matches($0, $0.contains("://") ? url : path) }
    }
}
