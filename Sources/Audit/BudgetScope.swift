public import CrawlModel
internal import Foundation
internal import HTTPSemantics

extension Budget {
    /// What one set of rules is checked against, gathered one resource at a time: a page and
    /// its requisites, or the whole site (every URL once, streamed from a store). Totals are
    /// exact; the offenders of each check keep the first ``Offenders/limit``.
    struct Scope: Sendable {
        var label: String
        let rules: Rules
        /// Per origin, the best coding (br, zstd) the server sent for some file (`compressText`).
        var strongest: [String: String]
        var firstVisitBytes = 0
        var requests = 0
        var bytesByKind: [AssetKind: Int] = [:]
        var repeatVisitBytes = 0
        var revalidationVisitBytes = 0
        var largest = Largest()
        var largestByKind: [AssetKind: Largest] = [:]
        var fullRevalidation = Offenders()
        var missingValidators = Offenders()
        var fingerprinted = 0
        var notLongLived = Offenders()
        var uncompressed = Offenders()
        var security = Offenders()
        /// `cdnCacheable`: shared-cache problems not allowed by its `allow` globs, and how many were allowed.
        var sharedCache = Offenders()
        var sharedCacheAllowed = 0
        /// The crawl's own origins (cross-origin fonts).
        let siteOrigins: Set<String>
        /// Broken references, deduplicated by URL (the first one kept), smallest URLs kept.
        var broken: [BrokenReference] = []
        var brokenCount = 0
        var allowedCount = 0
        private var brokenSeen = SeenSet()

        init(label: String, rules: Rules, strongest: [String: String] = [:], siteOrigins: Set<String> = []) {
            self.label = label
            self.rules = rules
            self.strongest = strongest
            self.siteOrigins = siteOrigins
        }

        /// Adds a resource of the scope; `isHTML`: it is one of the scope's pages.
        mutating func add(_ r: FetchedResource, isHTML: Bool) {
            let path = SiteAudit.path(of: r.url)
            if rules.maxFirstVisitBytes != nil { largest.add(r) }
            if let kinds = rules.maxFirstVisitBytesByKind {
                let kind = isHTML ? AssetKind.page : r.kind
                if kinds[kind] != nil { largestByKind[kind, default: Largest()].add(r) }
            }
            if rules.noFullRevalidation != nil {
                for probe in r.revalidation?.probes ?? [] where probe.verdict == .INM_FULL || probe.verdict == .IMS_FULL {
                    fullRevalidation.add("\(path): \(probe.verdict.rawValue), re-sent \(ByteSize.format(probe.exchange.bodyBytes))")
                }
            }
            if rules.requireValidators != nil, r.exchange.status == 200,
               !CacheControl(r.exchange.responseHeaders.all("Cache-Control")).noStore,
               r.exchange.etag == nil && r.exchange.lastModified == nil {
                missingValidators.add("\(path): no ETag, no Last-Modified")
            }
            if let rule = rules.fingerprintedLongLived, rule.level != .off, r.exchange.status == 200, Budget.isFingerprinted(r.exchange.url) {
                fingerprinted += 1
                let cc = CacheControl(r.exchange.responseHeaders.all("Cache-Control"))
                if !(cc.has("immutable") || (cc.maxAge ?? 0) >= rule.minMaxAge) {
                    notLongLived.add("\(path): Cache-Control: \(r.exchange.responseHeaders.first("Cache-Control") ?? "(none)")")
                }
            }
            if let rule = rules.compressText, rule.level != .off, let advice = SiteAudit.compressionAdvice(r, minBytes: rule.minBytes, strongest: strongest) {
                uncompressed.add("\(path): \(advice)", sortKey: r.url)
            }
            if let rule = rules.cdnCacheable, rule.level != .off {
                let problems = SharedCacheFreshness(r, siteOrigins: siteOrigins).problems
                if !problems.isEmpty {
                    if rule.allow.contains(where: { PathGlob.matches($0, $0.contains("://") ? r.url : path) }) {
                        sharedCacheAllowed += problems.count
                    } else {
                        for p in problems { sharedCache.add("\(path): \(p.code.rawValue) (\(p.found)): send \(p.fix)") }
                    }
                }
            }
            if let rule = rules.securityHeaders, rule.level != .off, isHTML, r.exchange.status != nil {
                for problem in SecurityHeaderCheck.problems(in: r.exchange, required: rule.require) { security.add("\(path): \(problem)") }
            }
        }

        /// Adds broken references; with `deduplicated`, a URL already reported keeps its first reference.
        mutating func add(broken references: [BrokenReference], budget: Budget, deduplicated: Bool) {
            for b in references where !deduplicated || brokenSeen.insert(b.url) {
                brokenCount += 1
                if budget.allowsBroken(url: b.url, path: SiteAudit.path(of: b.url)) { allowedCount += 1 }
                let at = broken.partitioningIndex { $0.url > b.url }
                guard at < Offenders.limit else { continue }
                broken.insert(b, at: at)
                if broken.count > Offenders.limit { broken.removeLast() }
            }
        }
    }

    /// The findings of one check: how many, and the first ``limit`` of them (in the order
    /// added, or by `sortKey` when given).
    struct Offenders: Sendable {
        static let limit = 1000
        private(set) var count = 0
        private var kept: [(key: String, text: String)] = []

        mutating func add(_ text: String, sortKey: String? = nil) {
            count += 1
            guard kept.count < Self.limit || sortKey != nil else { return }
            guard let sortKey else { kept.append(("", text)); return }
            let at = kept.partitioningIndex { $0.key > sortKey }
            guard at < Self.limit else { return }
            kept.insert((sortKey, text), at: at)
            if kept.count > Self.limit { kept.removeLast() }
        }

        /// The kept findings, and a last line saying how many more there are.
        var list: [String] {
            kept.map(\.text) + (count > kept.count ? ["… and \(count - kept.count) more"] : [])
        }
        var isEmpty: Bool { count == 0 }
    }

    /// The five largest resources by wire bytes (ties by URL).
    struct Largest: Sendable {
        private(set) var top: [(url: String, wireBytes: Int)] = []

        mutating func add(_ r: FetchedResource) {
            let item = (url: r.url, wireBytes: r.wireBytes)
            let at = top.partitioningIndex { ($0.wireBytes, item.url) < (item.wireBytes, $0.url) }
            guard at < 5 else { return }
            top.insert(item, at: at)
            if top.count > 5 { top.removeLast() }
        }

        var list: [String] { top.map { "\(SiteAudit.path(of: $0.url)) \(ByteSize.format($0.wireBytes))" } }
    }
}

extension Array {
    /// The first index whose element satisfies `belongs` (the array is partitioned by it).
    public func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if belongs(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
