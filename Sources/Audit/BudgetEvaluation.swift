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
        let choices = BrowserModel.choices(result)
        let audits = SiteAudit.pages(result, choices: choices)
        let costs = Bandwidth.analyse(result, choices: choices).pages
        let pagesByURL = Dictionary(result.pages.map { ($0.url, $0) }, uniquingKeysWith: { a, _ in a })
        var suites: [CheckSuite] = []

        // Site: every unique URL once.
        let all = result.resources.values.sorted { $0.url < $1.url }
        let pageURLs = Set(result.pages.map(\.url))
        let htmlPages = audits.compactMap { result.resources[$0.url] }
        let allBroken = Dictionary(audits.flatMap(\.broken).map { ($0.url, $0) }, uniquingKeysWith: { a, _ in a })
            .values.sorted { $0.url < $1.url }
        var siteScope = Scope(
            label: "the site", resources: all, htmlResponses: htmlPages,
            firstVisitBytes: all.reduce(0) { $0 + $1.wireBytes },
            requests: all.reduce(0) { $0 + 1 + $1.redirects.count },
            bytesByKind: Dictionary(all.map { r in (pageURLs.contains(r.url) ? AssetKind.page : r.kind, r.wireBytes) }, uniquingKeysWith: +),
            repeatVisitBytes: all.reduce(0) { $0 + Bandwidth.cost(of: $1).repeatVisitBytes }, revalidationVisitBytes: all.reduce(0) { $0 + Bandwidth.cost(of: $1).expiredVisitBytes },
            broken: allBroken)
        let origins = SharedCacheFreshness.siteOrigins(result.startURLs)
        siteScope.siteOrigins = origins
        let siteChecks = checks(site, scope: siteScope)
        if !siteChecks.isEmpty { suites.append(CheckSuite(name: "site", url: nil, checks: siteChecks)) }

        for audit in audits.sorted(by: { SiteAudit.path(of: $0.url) < SiteAudit.path(of: $1.url) }) {
            let path = SiteAudit.path(of: audit.url)
            guard let rules = rules(forPath: path), let page = pagesByURL[audit.url], let cost = costs[audit.url] else { continue }
            let resources = ([audit.url] + result.requisites(of: page).filter { $0 != audit.url }).compactMap { result.resources[$0] }
            let scope = Scope(
                label: path, resources: resources, htmlResponses: result.resources[audit.url].map { [$0] } ?? [],
                firstVisitBytes: audit.firstVisitBytes, requests: cost.requests, bytesByKind: cost.bytesByKind,
                repeatVisitBytes: cost.repeatVisitBytes, revalidationVisitBytes: cost.expiredVisitBytes, broken: audit.broken)
            suites.append(CheckSuite(name: path, url: audit.url, checks: checks(rules, scope: scope)))
        }
        return BudgetOutcome(suites: suites)
    }

    /// What a set of rules is checked against: a page and its requisites, or the whole site.
    struct Scope {
        var label: String
        var resources: [FetchedResource]
        var htmlResponses: [FetchedResource]
        var firstVisitBytes: Int
        var requests: Int
        var bytesByKind: [AssetKind: Int]
        var repeatVisitBytes: Int
        var revalidationVisitBytes: Int
        var broken: [BrokenReference]
        /// The crawl's own origins (cross-origin fonts).
        var siteOrigins: Set<String> = []
    }

    func checks(_ rules: Rules, scope: Scope) -> [CheckResult] {
        var out: [CheckResult] = []
        func result(_ name: String, _ level: Level, ok: Bool, _ message: String, _ offenders: [String] = []) {
            guard level != .off else { return }
            out.append(CheckResult(name: name, status: ok ? .passed : (level == .warn ? .warning : .failed),
                                   message: message, offenders: offenders))
        }
        func largest(_ resources: [FetchedResource]) -> [String] {
            resources.sorted { ($0.wireBytes, $1.url) > ($1.wireBytes, $0.url) }.prefix(5)
                .map { "\(SiteAudit.path(of: $0.url)) \(ByteSize.format($0.wireBytes))" }
        }

        if let limit = rules.maxFirstVisitBytes {
            let n = scope.firstVisitBytes
            result("maxFirstVisitBytes", .error, ok: n <= limit, n <= limit
                ? "first visit of \(scope.label) is \(ByteSize.format(n)), within \(ByteSize.format(limit))"
                : "first visit of \(scope.label) is \(ByteSize.format(n)), \(ByteSize.format(n - limit)) over the budget of \(ByteSize.format(limit)): shrink or drop the largest assets below, or raise maxFirstVisitBytes",
                n <= limit ? [] : largest(scope.resources))
        }
        for (kind, limit) in (rules.maxFirstVisitBytesByKind ?? [:]).sorted(by: { $0.key < $1.key }) {
            let n = scope.bytesByKind[kind] ?? 0
            let pageURLs = Set(scope.htmlResponses.map(\.url))
            let ofKind = scope.resources.filter { pageURLs.contains($0.url) ? kind == .page : $0.kind == kind }
            result("maxFirstVisitBytesByKind.\(kind.rawValue)", .error, ok: n <= limit, n <= limit
                ? "\(kind.rawValue) bytes of \(scope.label) are \(ByteSize.format(n)), within \(ByteSize.format(limit))"
                : "\(kind.rawValue) bytes of \(scope.label) are \(ByteSize.format(n)), \(ByteSize.format(n - limit)) over the budget of \(ByteSize.format(limit)): compress, resize or drop the largest \(kind.rawValue) assets below",
                n <= limit ? [] : largest(ofKind))
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
            var offenders: [String] = []
            for r in scope.resources {
                for probe in r.revalidation?.probes ?? [] where probe.verdict == .INM_FULL || probe.verdict == .IMS_FULL {
                    offenders.append("\(SiteAudit.path(of: r.url)): \(probe.verdict.rawValue), re-sent \(ByteSize.format(probe.exchange.bodyBytes))")
                }
            }
            result("noFullRevalidation", level, ok: offenders.isEmpty, offenders.isEmpty
                ? "every conditional request of \(scope.label) that could be answered 304 was"
                : "\(offenders.count) conditional requests were answered 200 with the same body: make the server compare If-None-Match (weak comparison) and If-Modified-Since and answer 304",
                offenders)
        }
        if let level = rules.requireValidators {
            let offenders = scope.resources.filter { r in
                r.exchange.status == 200 && !CacheControl(r.exchange.responseHeaders.all("Cache-Control")).noStore
                    && r.exchange.etag == nil && r.exchange.lastModified == nil
            }.map { "\(SiteAudit.path(of: $0.url)): no ETag, no Last-Modified" }
            result("requireValidators", level, ok: offenders.isEmpty, offenders.isEmpty
                ? "every cacheable response of \(scope.label) has an ETag or Last-Modified"
                : "\(offenders.count) cacheable responses have no validator, so a cache must download them again in full: send an ETag (or Last-Modified)",
                offenders)
        }
        if let rule = rules.fingerprintedLongLived, rule.level != .off {
            let fingerprinted = scope.resources.filter { $0.exchange.status == 200 && Self.isFingerprinted($0.exchange.url) }
            let offenders = fingerprinted.compactMap { r -> String? in
                let cc = CacheControl(r.exchange.responseHeaders.all("Cache-Control"))
                if cc.has("immutable") || (cc.maxAge ?? 0) >= rule.minMaxAge { return nil }
                return "\(SiteAudit.path(of: r.url)): Cache-Control: \(r.exchange.responseHeaders.first("Cache-Control") ?? "(none)")"
            }
            result("fingerprintedLongLived", rule.level, ok: offenders.isEmpty,
                   fingerprinted.isEmpty ? "no fingerprinted assets (a content hash in the file name) in \(scope.label)"
                   : offenders.isEmpty ? "all \(fingerprinted.count) fingerprinted assets of \(scope.label) are immutable or cached for at least \(rule.minMaxAge) s"
                   : "\(offenders.count) fingerprinted assets are not long-lived: their name changes with their content, so send Cache-Control: public, max-age=31536000, immutable",
                   offenders)
        }
        if let rule = rules.compressText, rule.level != .off {
            let advice = SiteAudit.compressionAdvice(scope.resources, minBytes: rule.minBytes)
            let offenders = advice.map { "\(SiteAudit.path(of: $0.url)): \($0.advice)" }
            result("compressText", rule.level, ok: offenders.isEmpty, offenders.isEmpty
                ? "every text response of \(scope.label) of \(ByteSize.format(rule.minBytes)) or more is compressed, with the best coding the server has"
                : "\(offenders.count) text responses of \(ByteSize.format(rule.minBytes)) or more are sent uncompressed or with a weaker coding than the server has: enable brotli (or gzip) for text/css/js/html/svg/json on the server, for every file",
                offenders)
        }
        if let rule = rules.securityHeaders, rule.level != .off {
            var offenders: [String] = []
            for r in scope.htmlResponses where r.exchange.status != nil {
                for problem in SecurityHeaderCheck.problems(in: r.exchange, required: rule.require) {
                    offenders.append("\(SiteAudit.path(of: r.url)): \(problem)")
                }
            }
            result("securityHeaders", rule.level, ok: offenders.isEmpty, offenders.isEmpty
                ? "HTML responses of \(scope.label) carry \(rule.require.joined(separator: ", "))"
                : "\(offenders.count) security header problems on HTML responses: add or fix the headers listed below in the server's configuration",
                offenders)
        }
        if let rule = rules.cdnCacheable, rule.level != .off {
            let (offenders, allowed) = cdnOffenders(scope, rule)
            let allowedNote = allowed == 0 ? "" : " (\(allowed) allowed by allow)"
            result("cdnCacheable", rule.level, ok: offenders.isEmpty, offenders.isEmpty
                ? "no shared-cache problems in \(scope.label)\(allowedNote)"
                : "\(offenders.count) shared-cache problems in \(scope.label): a CDN cannot cache these well; send the header given after each\(allowedNote)",
                offenders)
        }
        if let level = rules.noBrokenRequisites {
            let allowed = scope.broken.filter { allowsBroken(url: $0.url, path: SiteAudit.path(of: $0.url)) }
            let broken = scope.broken.filter { b in !allowed.contains(b) }
            let describe = { (b: BrokenReference) in
                "\(SiteAudit.path(of: b.url)) from \(SiteAudit.path(of: b.page)) <\(b.element) \(b.attribute)>\(b.line.map { " line \($0)" } ?? ""): \(b.reason)"
            }
            let allowedNote = allowed.isEmpty ? "" : " (\(allowed.count) allowed by allowBroken: \(Set(allowed.map { SiteAudit.path(of: $0.url) }).sorted().joined(separator: ", ")))"
            result("noBrokenRequisites", level, ok: broken.isEmpty, broken.isEmpty
                ? "no broken requisites in \(scope.label)\(allowedNote)"
                : "\(broken.count) requisites of \(scope.label) failed: fix each reference below, or list its path in allowBroken if the breakage is deliberate\(allowedNote)",
                broken.map(describe))
        }
        return out
    }

    /// A file name with a content hash: a segment of 8–64 letters and digits, with at least one
    /// of each, before the extension (`app.3f9a1c2e.js`, `index-BkAf8s2D.js`).
    public static func isFingerprinted(_ url: String) -> Bool {
        let path = SiteAudit.path(of: url)
        let name = path.split(separator: "?").first.flatMap { $0.split(separator: "/").last } ?? ""
        let parts = name.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "_" || $0 == "~" }).dropLast()
        return parts.contains { token in
            (8...64).contains(token.count) && token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
                && token.contains(where: \.isNumber) && token.contains(where: \.isLetter)
        }
    }
}
