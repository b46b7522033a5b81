internal import Foundation
internal import HTTPSemantics

/// What a baseline comparison keeps of a JSON report (`--json`): a few numbers per URL.
/// Not a model of the report: the report's one Codable model is `JSONReport` (Reports), which
/// builds this from its pages and resources, written or read back alike.
///
/// URLs are compared by path, so two crawls of the same site on different ports compare.
public struct ReportSnapshot: Sendable, Equatable {
    public var pages: [Page] = []
    public var resources: [Resource] = []

    public init(pages: [Page] = [], resources: [Resource] = []) {
        self.pages = pages
        self.resources = resources
    }

    public struct Page: Sendable, Equatable {
        public var url: String
        public var firstVisitBytes: Int

        public init(url: String, firstVisitBytes: Int) {
            self.url = url
            self.firstVisitBytes = firstVisitBytes
        }
    }

    public struct Resource: Sendable, Equatable {
        public var url: String
        public var status: Int?
        /// Header plus body bytes of the final response.
        public var wireBytes: Int
        public var ifNoneMatchVerdict: String
        public var ifModifiedSinceVerdict: String

        public init(url: String, status: Int?, wireBytes: Int, ifNoneMatchVerdict: String, ifModifiedSinceVerdict: String) {
            self.url = url
            self.status = status
            self.wireBytes = wireBytes
            self.ifNoneMatchVerdict = ifNoneMatchVerdict
            self.ifModifiedSinceVerdict = ifModifiedSinceVerdict
        }

        public var isBroken: Bool { (status ?? 600) >= 400 }
    }
}

/// What changed between two crawls of the same site.
public struct BaselineDiff: Sendable, Equatable, Codable {
    public struct PageChange: Sendable, Equatable, Codable {
        public var path: String
        public var oldBytes: Int
        public var newBytes: Int
        /// Relative change, e.g. 0.05 for +5 %.
        public var growth: Double
    }

    public struct VerdictChange: Sendable, Equatable, Codable {
        public var path: String
        /// `ifNoneMatch` or `ifModifiedSince`.
        public var probe: String
        public var old: String
        public var new: String
    }

    public var assetsAdded: [String]
    public var assetsRemoved: [String]
    public var pagesAdded: [String]
    public var pagesRemoved: [String]
    /// Pages in both crawls whose first-visit bytes changed, in path order.
    public var pageChanges: [PageChange]
    public var oldTotalBytes: Int
    public var newTotalBytes: Int
    /// Probes that answered 304 before and do not now.
    public var verdictRegressions: [VerdictChange]
    /// Resources that worked before and fail now.
    public var newlyBroken: [String]

    public var totalGrowth: Double { Self.growth(oldTotalBytes, newTotalBytes) }

    static func growth(_ old: Int, _ new: Int) -> Double {
        old == 0 ? (new == 0 ? 0 : 1) : Double(new - old) / Double(old)
    }

    /// Compares two reports by URL path.
    public init(old: ReportSnapshot, new: ReportSnapshot) {
        func byPath<T>(_ items: [T], _ url: (T) -> String) -> [String: T] {
            Dictionary(items.map { (SiteAudit.path(of: url($0)), $0) }, uniquingKeysWith: { a, _ in a })
        }
        let oldResources = byPath(old.resources, \.url), newResources = byPath(new.resources, \.url)
        let oldPages = byPath(old.pages, \.url), newPages = byPath(new.pages, \.url)
        assetsAdded = Set(newResources.keys).subtracting(oldResources.keys).subtracting(newPages.keys).sorted()
        assetsRemoved = Set(oldResources.keys).subtracting(newResources.keys).subtracting(oldPages.keys).sorted()
        pagesAdded = Set(newPages.keys).subtracting(oldPages.keys).sorted()
        pagesRemoved = Set(oldPages.keys).subtracting(newPages.keys).sorted()
        pageChanges = Set(oldPages.keys).intersection(newPages.keys).sorted().compactMap { path in
            let o = oldPages[path]!.firstVisitBytes, n = newPages[path]!.firstVisitBytes
            return o == n ? nil : PageChange(path: path, oldBytes: o, newBytes: n, growth: Self.growth(o, n))
        }
        oldTotalBytes = old.resources.reduce(0) { $0 + $1.wireBytes }
        newTotalBytes = new.resources.reduce(0) { $0 + $1.wireBytes }
        var regressions: [VerdictChange] = []
        var broken: [String] = []
        for path in Set(oldResources.keys).intersection(newResources.keys).sorted() {
            let o = oldResources[path]!, n = newResources[path]!
            if !o.isBroken && n.isBroken { broken.append("\(path): \(n.status.map { "HTTP \($0)" } ?? "no response")") }
            let good: Set<String> = ["INM_304", "IMS_304"]
            for (probe, ov, nv) in [("ifNoneMatch", o.ifNoneMatchVerdict, n.ifNoneMatchVerdict),
                                    ("ifModifiedSince", o.ifModifiedSinceVerdict, n.ifModifiedSinceVerdict)]
            where good.contains(ov) && !good.contains(nv) && nv != "NOT_PROBED" {
                regressions.append(VerdictChange(path: path, probe: probe, old: ov, new: nv))
            }
        }
        verdictRegressions = regressions
        newlyBroken = broken
    }

    /// The comparison as checks: byte growth over `maxGrowth` (when given), verdict regressions, new breakage.
    ///
    /// - Parameter maxGrowth: the largest allowed relative growth (0.05 for 5 %), or nil not to gate on bytes.
    public func checks(maxGrowth: Double?) -> CheckSuite {
        var checks: [CheckResult] = []
        let pct = { (g: Double) in String(format: "%+.1f%%", g * 100) }
        if let maxGrowth {
            let limit = pct(maxGrowth)
            let total = totalGrowth
            checks.append(CheckResult(
                name: "maxGrowth.total", status: total <= maxGrowth ? .passed : .failed,
                message: "all fetched bytes went from \(ByteSize.format(oldTotalBytes)) to \(ByteSize.format(newTotalBytes)) (\(pct(total)))"
                    + (total <= maxGrowth ? ", within \(limit)" : ", over the allowed \(limit): find the growth in the assets added and pages below"),
                offenders: total <= maxGrowth ? [] : assetsAdded.map { "added \($0)" }))
            let grown = pageChanges.filter { $0.growth > maxGrowth }
            checks.append(CheckResult(
                name: "maxGrowth.pages", status: grown.isEmpty ? .passed : .failed,
                message: grown.isEmpty ? "no page's first visit grew by more than \(limit)"
                    : "\(grown.count) pages' first visits grew by more than \(limit): shrink what they added, or update the baseline if the growth is intended",
                offenders: grown.map { "\($0.path): \(ByteSize.format($0.oldBytes)) → \(ByteSize.format($0.newBytes)) (\(pct($0.growth)))" }))
        }
        checks.append(CheckResult(
            name: "noVerdictRegressions", status: verdictRegressions.isEmpty ? .passed : .failed,
            message: verdictRegressions.isEmpty ? "every probe that answered 304 in the baseline still does"
                : "\(verdictRegressions.count) probes answered 304 in the baseline and no longer do: check the server's ETag/Last-Modified handling",
            offenders: verdictRegressions.map { "\($0.path): \($0.probe) \($0.old) → \($0.new)" }))
        checks.append(CheckResult(
            name: "noNewBroken", status: newlyBroken.isEmpty ? .passed : .failed,
            message: newlyBroken.isEmpty ? "nothing that worked in the baseline fails now"
                : "\(newlyBroken.count) URLs worked in the baseline and fail now: fix them or their references",
            offenders: newlyBroken))
        return CheckSuite(name: "baseline", url: nil, checks: checks)
    }
}
