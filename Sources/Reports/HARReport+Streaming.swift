public import CrawlModel
public import Foundation

extension HARReport {
    /// Writes the HAR of `records` to `handle` (a file the caller opened) one crawled page at a time (two passes: the
    /// entries, then the pages, as HAR orders them): memory for one page's slice, whatever the
    /// crawl's size, and the bytes of ``render(result:startedAt:creatorVersion:)``.
    public static func stream(_ records: any CrawlRecords, to handle: FileHandle, startedAt: Date, creatorVersion: String = "1") throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let shell = String(decoding: try encoder.encode(HAR(log: HAR.Log(version: "1.2", creator: HAR.Creator(name: "assetcrawl", version: creatorVersion),
                                                                      pages: [], entries: []))), as: UTF8.self)
        let placeholder = "[\n\n    ]"
        guard let entriesAt = shell.range(of: "\"entries\" : " + placeholder), let pagesAt = shell.range(of: "\"pages\" : " + placeholder) else {
            throw CocoaError(.coderInvalidValue)
        }
        var out = ElementWriter(handle: handle, indent: "    ")
        let elements = ReportJSONEncoder()
        func element(_ value: some Encodable) throws { try out.element { try elements.encode(value, level: 3, into: &$0) } }

        out.append(shell[..<shell.index(entriesAt.upperBound, offsetBy: -placeholder.count)])
        out.beginArray()
        let covered = records.makeDistinctKeys()
        try forEachPart(records, startedAt: startedAt) { part in
            for url in part.urls { _ = covered.insert(url) }
            for entry in part.entries { try element(entry) }
        }
        var start = Double.infinity, end = -Double.infinity, others = 0
        try records.forEachResource { resource in
            guard !covered.contains(resource.url) else { return }
            others += 1
            for exchange in resource.redirects + [resource.exchange] {
                start = min(start, exchange.timings.startedMs)
                end = max(end, exchange.timings.startedMs + (exchange.timings.totalMs ?? exchange.timings.headMs ?? 0))
                try element(entry(exchange, comment: nil, pageref: "other", startedAt: startedAt))
            }
        }
        try out.endArray()
        out.append(shell[entriesAt.upperBound..<shell.index(pagesAt.upperBound, offsetBy: -placeholder.count)])
        out.beginArray()
        try forEachPart(records, startedAt: startedAt) { part in
            for page in part.pages { try element(page) }
        }
        if others > 0 {
            let first = start.isFinite ? start : 0
            try element(HAR.Page(startedDateTime: iso(startedAt, first), id: "other", title: "fetched URLs that are not requisites of a crawled page",
                                 pageTimings: HAR.PageTimings(onContentLoad: -1, onLoad: round(max(end, first) - first))))
        }
        try out.endArray()
        out.append(shell[pagesAt.upperBound...])
        out.append("\n")
        try out.flush()
    }

    /// Each crawled page's part, in URL order, from its slice of the crawl.
    static func forEachPart(_ records: any CrawlRecords, startedAt: Date,
                            _ body: ((entries: [HAR.Entry], pages: [HAR.Page], urls: [String])) throws -> Void) throws {
        var index = 0
        try records.forEachPage { page in
            try body(part(of: page, index: index, in: try CrawlResult.slice(of: page, in: records), startedAt: startedAt))
            index += 1
        }
    }

    /// When the crawl started: `now` less the end of its last exchange, read one resource at a time.
    public static func crawlStart(_ records: any CrawlRecords, now: Date) throws -> Date {
        var crawlMs = 0.0
        try records.forEachResource { resource in
            let probes = (resource.revalidation?.probes ?? []).map(\.exchange)
            for exchange in resource.redirects + [resource.exchange] + probes {
                crawlMs = max(crawlMs, exchange.timings.startedMs + (exchange.timings.totalMs ?? 0))
            }
        }
        return now.addingTimeInterval(-crawlMs / 1000)
    }
}
