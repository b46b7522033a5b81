public import CrawlModel
internal import Foundation
internal import HTTPSemantics

/// The outcome of one check on one page or on the whole site.
public struct CheckResult: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// The check held.
        case passed
        /// The check did not hold and its level is `error`: the run exits 1.
        case failed
        /// The check did not hold and its level is `warn`: reported only.
        case warning
        /// The check could not be decided (a value was not measured).
        case skipped
    }

    /// The budget key, e.g. `maxFirstVisitBytes` or `maxFirstVisitBytesByKind.image`.
    public var name: String
    public var status: Status
    /// One sentence: what was measured against what, and what to do when it failed.
    public var message: String
    /// The URLs (with details) that made it fail: largest first for byte budgets, else in page order.
    public var offenders: [String]

    public init(name: String, status: Status, message: String, offenders: [String] = []) {
        self.name = name
        self.status = status
        self.message = message
        self.offenders = offenders
    }
}

/// The checks of one page, or of the site (`name == "site"`, `url == nil`).
public struct CheckSuite: Sendable, Equatable, Codable {
    public var name: String
    public var url: String?
    public var checks: [CheckResult]

    public init(name: String, url: String?, checks: [CheckResult]) {
        self.name = name
        self.url = url
        self.checks = checks
    }
}

/// Every check of a budget against a crawl.
public struct BudgetOutcome: Sendable, Equatable, Codable {
    /// The site suite first, then one suite per page with rules, in path order.
    public var suites: [CheckSuite]

    public init(suites: [CheckSuite]) { self.suites = suites }

    public var checks: [CheckResult] { suites.flatMap(\.checks) }
    /// True when no check failed (warnings and skips do not fail a run).
    public var passed: Bool { !checks.contains { $0.status == .failed } }
    public func count(_ status: CheckResult.Status) -> Int { checks.filter { $0.status == status }.count }
}

extension Budget {
    /// Runs every check of this budget on a crawl. Pure: the same crawl gives the same outcome.
    public func evaluate(_ result: CrawlResult) -> BudgetOutcome {
        var run = BudgetRun(self, strongest: BudgetRun.strongestCodings(result.resources.values),
                            siteOrigins: SharedCacheFreshness.siteOrigins(result.startURLs))
        var pages: [CheckSuite] = []
        let pageURLs = Set(result.pages.map(\.url))
        do {
            _ = try PageByPage.run(result) { if let suite = run.add($0) { pages.append(suite) } }
            try result.forEachResource { run.add($0, isPage: pageURLs.contains($0.url)) }
        } catch {
            preconditionFailure("an in-memory crawl is read without errors: \(error)")
        }
        return BudgetOutcome(suites: run.siteSuite().map { [$0] + pages } ?? pages)
    }

    func checks(_ rules: Rules, scope: Scope) -> [CheckResult] {
        var out: [CheckResult] = []
        func result(_ name: String, _ level: Level, ok: Bool, _ message: String, _ offenders: [String] = []) {
            guard level != .off else { return }
            out.append(CheckResult(name: name, status: ok ? .passed : (level == .warn ? .warning : .failed),
                                   message: message, offenders: offenders))
        }

        if let limit = rules.maxFirstVisitBytes {
            let n = scope.firstVisitBytes
            result("maxFirstVisitBytes", .error, ok: n <= limit, n <= limit
                ? "first visit of \(scope.label) is \(ByteSize.format(n)), within \(ByteSize.format(limit))"
                : "first visit of \(scope.label) is \(ByteSize.format(n)), \(ByteSize.format(n - limit)) over the budget of \(ByteSize.format(limit)): shrink or drop the largest assets below, or raise maxFirstVisitBytes",
                n <= limit ? [] : scope.largest.list)
        }
        for (kind, limit) in (rules.maxFirstVisitBytesByKind ?? [:]).sorted(by: { $0.key < $1.key }) {
            let n = scope.bytesByKind[kind] ?? 0
            result("maxFirstVisitBytesByKind.\(kind.rawValue)", .error, ok: n <= limit, n <= limit
                ? "\(kind.rawValue) bytes of \(scope.label) are \(ByteSize.format(n)), within \(ByteSize.format(limit))"
                : "\(kind.rawValue) bytes of \(scope.label) are \(ByteSize.format(n)), \(ByteSize.format(n - limit)) over the budget of \(ByteSize.format(limit)): compress, resize or drop the largest \(kind.rawValue) assets below",
                n <= limit ? [] : scope.largestByKind[kind]?.list ?? [])
        }
        if let limit = rules.maxRequests {
            let n = scope.requests
            result("maxRequests", .error, ok: n <= limit, n <= limit
                ? "\(scope.label) makes \(n) requests, within \(limit)"
                : "\(scope.label) makes \(n) requests, \(n - limit) over the budget of \(limit): bundle files, inline small ones, or remove redirects")
        }
        if let limit = rules.maxRepeatVisitBytes {
            let n = scope.repeatVisitBytes
            result("maxRepeatVisitBytes", .error, ok: n <= limit, n <= limit
                ? "repeat visit of \(scope.label) is \(ByteSize.format(n)), within \(ByteSize.format(limit))"
                : "repeat visit of \(scope.label) is \(ByteSize.format(n)), \(ByteSize.format(n - limit)) over the budget of \(ByteSize.format(limit)): give assets a max-age so a warm cache need not ask again, and make validators answer 304")
        }
        if let level = rules.noFullRevalidation {
            let offenders = scope.fullRevalidation
            result("noFullRevalidation", level, ok: offenders.isEmpty, offenders.isEmpty
                ? "every conditional request of \(scope.label) that could be answered 304 was"
                : "\(offenders.count) conditional requests were answered 200 with the same body: make the server compare If-None-Match (weak comparison) and If-Modified-Since and answer 304",
                offenders.list)
        }
        if let level = rules.requireValidators {
            let offenders = scope.missingValidators
            result("requireValidators", level, ok: offenders.isEmpty, offenders.isEmpty
                ? "every cacheable response of \(scope.label) has an ETag or Last-Modified"
                : "\(offenders.count) cacheable responses have no validator, so a cache must download them again in full: send an ETag (or Last-Modified)",
                offenders.list)
        }
        if let rule = rules.fingerprintedLongLived, rule.level != .off {
            let offenders = scope.notLongLived
            result("fingerprintedLongLived", rule.level, ok: offenders.isEmpty,
                   scope.fingerprinted == 0 ? "no fingerprinted assets (a content hash in the file name) in \(scope.label)"
                   : offenders.isEmpty ? "all \(scope.fingerprinted) fingerprinted assets of \(scope.label) are immutable or cached for at least \(rule.minMaxAge) s"
                   : "\(offenders.count) fingerprinted assets are not long-lived: their name changes with their content, so send Cache-Control: public, max-age=31536000, immutable",
                   offenders.list)
        }
        if let rule = rules.compressText, rule.level != .off {
            let offenders = scope.uncompressed
            result("compressText", rule.level, ok: offenders.isEmpty, offenders.isEmpty
                ? "every text response of \(scope.label) of \(ByteSize.format(rule.minBytes)) or more is compressed, with the best coding the server has"
                : "\(offenders.count) text responses of \(ByteSize.format(rule.minBytes)) or more are sent uncompressed or with a weaker coding than the server has: enable brotli (or gzip) for text/css/js/html/svg/json on the server, for every file",
                offenders.list)
        }
        if let rule = rules.securityHeaders, rule.level != .off {
            let offenders = scope.security
            result("securityHeaders", rule.level, ok: offenders.isEmpty, offenders.isEmpty
                ? "HTML responses of \(scope.label) carry \(rule.require.joined(separator: ", "))"
                : "\(offenders.count) security header problems on HTML responses: add or fix the headers listed below in the server's configuration",
                offenders.list)
        }
        if let rule = rules.cdnCacheable, rule.level != .off {
            let offenders = scope.sharedCache, allowed = scope.sharedCacheAllowed
            let allowedNote = allowed == 0 ? "" : " (\(allowed) allowed by allow)"
            result("cdnCacheable", rule.level, ok: offenders.isEmpty, offenders.isEmpty
                ? "no shared-cache problems in \(scope.label)\(allowedNote)"
                : "\(offenders.count) shared-cache problems in \(scope.label): a CDN cannot cache these well; send the header given after each\(allowedNote)",
                offenders.list)
        }
        if let level = rules.noBrokenRequisites {
            let allowed = scope.broken.filter { allowsBroken(url: $0.url, path: SiteAudit.path(of: $0.url)) }
            let broken = scope.broken.filter { b in !allowed.contains(b) }
            let brokenCount = scope.brokenCount - scope.allowedCount
            let describe = { (b: BrokenReference) in
                "\(SiteAudit.path(of: b.url)) from \(SiteAudit.path(of: b.page)) <\(b.element) \(b.attribute)>\(b.line.map { " line \($0)" } ?? ""): \(b.reason)"
            }
            let allowedNote = allowed.isEmpty ? "" : " (\(scope.allowedCount) allowed by allowBroken: \(Set(allowed.map { SiteAudit.path(of: $0.url) }).sorted().joined(separator: ", ")))"
            result("noBrokenRequisites", level, ok: brokenCount == 0, brokenCount == 0
                ? "no broken requisites in \(scope.label)\(allowedNote)"
                : "\(brokenCount) requisites of \(scope.label) failed: fix each reference below, or list its path in allowBroken if the breakage is deliberate\(allowedNote)",
                broken.map(describe) + (brokenCount > broken.count ? ["… and \(brokenCount - broken.count) more"] : []))
        }
        return out
    }

    /// A file name with a content hash: a segment of 8–64 letters and digits, with at least one
    /// of each, before the extension (`app.3f9a1c2e.js`, `index-BkAf8s2D.js`).
    public static func isFingerprinted(_ url: String) -> Bool {
        let path = SiteAudit.path(of: url)
        if let fast = URLNameBytes.isFingerprinted(path: path) { return fast }
        return isFingerprinted(path: path)
    }

    /// ``isFingerprinted(_:)`` of a path, character by character (any path; ``URLNameBytes`` has the same rules on plain ASCII bytes).
    static func isFingerprinted(path: String) -> Bool {
        let name = path.split(separator: "?").first.flatMap { $0.split(separator: "/").last } ?? ""
        let parts = name.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "_" || $0 == "~" }).dropLast()
        return parts.contains { token in
            (8...64).contains(token.count) && token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
                && token.contains(where: \.isNumber) && token.contains(where: \.isLetter)
        }
    }
}
