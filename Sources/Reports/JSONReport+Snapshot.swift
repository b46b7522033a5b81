public import Audit
public import CrawlModel
internal import Foundation

/// The parts of the JSON report a baseline comparison reads (``ReportSnapshot``), gathered one
/// page and one resource at a time, without the report itself: what `--baseline` compares a
/// stored crawl with. Holds a few numbers per URL (no headers, no references).
public struct SnapshotBuilder {
    private var snapshot: ReportSnapshot
    private let encoder = JSONReport.makeEncoder(), decoder = JSONDecoder()

    /// The crawl's own origins (the shared-cache reading of cross-origin fonts).
    private let origins: Set<String>

    public init(startURLs: [String]) throws {
        origins = SharedCacheFreshness.siteOrigins(startURLs)
        let empty = ["version": JSONReport.formatVersion, "startURL": startURLs.first ?? "", "pages": [], "resources": []] as [String: Any]
        snapshot = try JSONDecoder().decode(ReportSnapshot.self, from: try JSONSerialization.data(withJSONObject: empty))
    }

    /// Adds a page as the JSON report writes it (its requisites left out: the comparison does not read them).
    public mutating func add(_ f: PageFindings) throws {
        var page = JSONReport.page(audit: f.audit, page: f.page, bandwidth: f.bandwidth, cdnHits: f.cdnHits)
        page.requisites = []
        page.references = []
        snapshot.pages.append(try decoder.decode(ReportSnapshot.Page.self, from: try encoder.encode(page)))
    }

    /// Adds a resource as the JSON report writes it.
    public mutating func add(_ r: FetchedResource) throws {
        snapshot.resources.append(try decoder.decode(ReportSnapshot.Resource.self, from: try encoder.encode(JSONReport.resource(r, origins: origins, includeTimings: false))))
    }

    public var result: ReportSnapshot { snapshot }
}
