public import Audit
public import CrawlModel
public import Foundation

extension JSONReport {
    /// Writes the JSON report of `records` to `handle` (a file the caller opened) one page and one resource at a time, in URL
    /// order: memory for one element (and one page's slice), whatever the crawl's size, and
    /// the same bytes as ``write(to:)`` of the in-memory report of the same crawl.
    ///
    /// `onPage` and `onResource` see every element as it is written (the terminal summary is
    /// gathered that way, in the same pass). Returns the site walk.
    @discardableResult
    /// `checks`: the budget (and baseline) suites, written as `checks` one suite at a time.
    public static func stream(_ records: any CrawlRecords, to handle: FileHandle, checks: CheckSpool? = nil, baseline: BaselineDiff? = nil,
                              includeTimings: Bool = false, onPage: (PageFindings) -> Void = { _ in },
                              onResource: (FetchedResource) -> Void = { _ in }) throws -> SiteBandwidth {
        let skipped = try records.skippedURLs().mapValues(\.description)
        let empty = SiteBandwidth.none
        let frame = { (site: SiteBandwidth, hits: CDNHitRatio) throws -> (head: Substring, middle: Substring, tail: Substring) in
            var shell = JSONReport(records: records, checks: checks.map { _ in BudgetOutcome(suites: []) }, baseline: baseline, site: site, skipped: skipped)
            shell.site.cdnHits = CDNHits(hits)
            let text = String(decoding: try makeEncoder().encode(shell), as: UTF8.self)
            let placeholder = "[\n\n  ]"
            guard let pagesAt = text.range(of: "\n  \"pages\" : " + placeholder),
                  let resourcesAt = text.range(of: "\n  \"resources\" : " + placeholder) else {
                throw CocoaError(.coderInvalidValue)
            }
            let pagesValue = text.index(pagesAt.upperBound, offsetBy: -placeholder.count)
            let resourcesValue = text.index(resourcesAt.upperBound, offsetBy: -placeholder.count)
            return (text[..<pagesValue], text[pagesAt.upperBound..<resourcesValue], text[resourcesAt.upperBound...])
        }
        let (head, middle, _) = try frame(empty, CDNHitRatio())
        var out = ElementWriter(handle: handle)
        let encoder = ReportJSONEncoder()
        if let checks {
            let placeholder = "\"suites\" : [\n\n    ]"
            guard let suitesAt = head.range(of: placeholder) else { throw CocoaError(.coderInvalidValue) }
            out.append(head[..<head.index(suitesAt.upperBound, offsetBy: -"[\n\n    ]".count)])
            out.indent = "    "
            out.beginArray()
            try checks.forEach { suite in try out.element { try encoder.encode(suite, level: 3, into: &$0) } }
            try out.endArray()
            out.indent = "  "
            out.append(head[suitesAt.upperBound...])
        } else {
            out.append(head)
        }
        out.beginArray()
        var cdnMemo = URLMemo<CDNHitRatio>()
        let site = try PageByPage.run(records) { findings in
            let page = Self.page(audit: findings.audit, page: findings.page, bandwidth: findings.bandwidth,
                                 cdnHits: findings.cdnHits(memo: &cdnMemo))
            try out.element { try encoder.encode(page, level: 2, into: &$0) }
            onPage(findings)
        }
        try out.endArray()
        out.append(middle)
        out.beginArray()
        let origins = Self.origins(records.startURLs)
        var hits = CDNHitRatio()
        try records.forEachResource { resource in
            let element = Self.resource(resource, origins: origins, includeTimings: includeTimings)
            try out.element { try encoder.encode(element, level: 2, into: &$0) }
            hits.merge(CDNHitRatio.of(resource, final: element.cdn))
            onResource(resource)
        }
        try out.endArray()
        out.append(try frame(site, hits).tail)
        out.append("\n")
        try out.flush()
        return site
    }
}

/// Buffered output of a JSON array's elements, as `JSONEncoder`'s pretty printer lays them out.
struct ElementWriter {
    let handle: FileHandle
    /// The indentation of the array's closing bracket.
    var indent: String
    private var buffer: [UInt8] = []
    private var count = 0

    init(handle: FileHandle, indent: String = "  ") {
        self.handle = handle
        self.indent = indent
        buffer.reserveCapacity(1 << 20)
    }

    mutating func append(_ text: some StringProtocol) { buffer.append(contentsOf: text.utf8) }

    mutating func beginArray() { count = 0 }

    /// An element `write` appends to the buffer (``ReportJSONEncoder/encode(_:level:into:)``), without a copy of its own.
    mutating func element(_ write: (inout [UInt8]) throws -> Void) throws {
        append(count == 0 ? "[\n" : ",\n")
        try write(&buffer)
        count += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func endArray() throws {
        append(count == 0 ? "[\n\n" + indent + "]" : "\n" + indent + "]")
    }

    mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
