public import Audit
public import CrawlModel
public import Foundation

extension JSONReport {
    /// Reads a JSON report (`crawl --json`) back into the model that wrote it.
    ///
    /// - Throws: `BudgetError` (no line) saying which field is missing or wrong, or that the
    ///   report's version is not one this assetcrawl reads.
    public static func decode(_ data: Data) throws(BudgetError) -> JSONReport {
        struct Version: Decodable { var version: Int }
        func refuse(_ version: Int) -> BudgetError {
            BudgetError(line: nil, message: "report version \(version) is not one this assetcrawl reads (\(formatVersion)); compare reports of the same assetcrawl version")
        }
        let report: JSONReport
        do {
            report = try JSONDecoder().decode(JSONReport.self, from: data)
        } catch {
            // Another version's fields differ: say so rather than name the first one missing.
            if let other = try? JSONDecoder().decode(Version.self, from: data), other.version != formatVersion { throw refuse(other.version) }
            throw describe(error)
        }
        guard report.version == formatVersion else { throw refuse(report.version) }
        return report
    }

    /// What a decoding error says about the file.
    private static func describe(_ error: any Error) -> BudgetError {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            BudgetError(line: nil, message: "not an assetcrawl JSON report: \(path(context.codingPath + [key])) is missing")
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            BudgetError(line: nil, message: "not an assetcrawl JSON report: \(path(context.codingPath)) has the wrong type")
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            BudgetError(line: nil, message: "not an assetcrawl JSON report: \(path(context.codingPath)) has a value it cannot have")
        default:
            BudgetError(line: nil, message: "not JSON: \(error.localizedDescription)")
        }
    }

    /// `pages[3].url`.
    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}

extension ReportSnapshot {
    /// What a baseline comparison keeps of a report.
    public init(_ report: JSONReport) {
        self.init()
        report.pages.forEach { add($0) }
        report.resources.forEach { add($0) }
    }

    /// Adds a page of a report (written now, or read back).
    public mutating func add(_ page: JSONReport.Page) {
        pages.append(Page(url: page.url, firstVisitBytes: page.firstVisitBytes))
    }

    /// Adds a resource of a report (written now, or read back).
    public mutating func add(_ resource: JSONReport.Resource) {
        resources.append(Resource(url: resource.url, status: resource.status, wireBytes: resource.headerBytes + resource.bodyBytes,
                                  ifNoneMatchVerdict: resource.revalidation.ifNoneMatchVerdict,
                                  ifModifiedSinceVerdict: resource.revalidation.ifModifiedSinceVerdict))
    }
}

/// The snapshot a baseline comparison reads (``ReportSnapshot``), gathered one page and one
/// resource at a time as the JSON report would write them, without the report itself: what
/// `--baseline` compares a stored crawl with. Holds a few numbers per URL.
public struct SnapshotBuilder {
    public private(set) var result = ReportSnapshot()

    /// The crawl's own origins (the shared-cache reading of cross-origin fonts).
    private let origins: Set<String>
    /// Each URL's CDN figures, worked out once for the pages that share it.
    private var cdnMemo = URLMemo<CDNHitRatio>()

    public init(startURLs: [String]) {
        origins = SharedCacheFreshness.siteOrigins(startURLs)
    }

    /// Adds a page as the JSON report writes it.
    public mutating func add(_ f: PageFindings) {
        result.add(JSONReport.page(audit: f.audit, page: f.page, bandwidth: f.bandwidth, cdnHits: f.cdnHits(memo: &cdnMemo)))
    }

    /// Adds a resource as the JSON report writes it.
    public mutating func add(_ r: FetchedResource) {
        result.add(JSONReport.resource(r, origins: origins, includeTimings: false))
    }
}
