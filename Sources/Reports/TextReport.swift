public import Audit
public import CrawlModel
internal import Foundation

/// The terminal summary: one row per page, then totals.
public enum TextReport {
    public static func render(result: CrawlResult, audits: [PageAudit], width: Int = 100) -> String {
        let origin = result.startURLs.first.flatMap(URL.init(string:)).map(WebURL.origin) ?? ""
        var lines: [String] = []
        let header = ["page", "reqs", "first visit", "repeat visit", "304", "200", "broken"]
        let (bandwidth, walk) = Bandwidth.analyse(result)
        var rows: [[String]] = audits.map { audit in
            var path = audit.url.hasPrefix(origin) ? String(audit.url.dropFirst(origin.count)) : audit.url
            if path.isEmpty { path = "/" }
            return [path, String(audit.requisites.count), formatBytes(audit.firstVisitBytes),
                    formatBytes(bandwidth[audit.url]?.repeatVisitBytes ?? audit.firstVisitBytes),
                    String(audit.revalidated304), String(audit.revalidated200), String(audit.broken.count)]
        }
        let numericWidths = (1..<header.count).map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) }
        let pageWidth = max(4, min(width - numericWidths.reduce(0, +) - 2 * numericWidths.count, rows.map { $0[0].count }.max() ?? 4))
        rows = rows.map { row in
            var r = row
            if r[0].count > pageWidth { r[0] = "…" + r[0].suffix(pageWidth - 1) }
            return r
        }
        func line(_ cells: [String]) -> String {
            var s = cells[0].padding(toLength: pageWidth, withPad: " ", startingAt: 0)
            for i in 1..<cells.count {
                s += "  " + String(repeating: " ", count: max(0, numericWidths[i - 1] - cells[i].count)) + cells[i]
            }
            return s
        }
        lines.append(line(header))
        lines += rows.map(line)

        let resources = result.resources.values
        let failed = resources.filter { $0.failure != nil }.count
        let probes = resources.flatMap { [$0.revalidation?.ifNoneMatch, $0.revalidation?.ifModifiedSince].compactMap { $0 } }
        let total304 = probes.filter { $0.exchange.status == 304 }.count
        let totalWire = resources.reduce(0) { $0 + $1.wireBytes }
        lines.append("")
        lines.append("\(audits.count) pages, \(resources.count) URLs fetched (\(formatBytes(totalWire))), \(failed) failed; "
            + "revalidation: \(total304) of \(probes.count) probes answered 304")
        lines.append("a visitor walking all pages: first visit \(formatBytes(walk.firstVisitBytes)), "
            + "repeat visit \(formatBytes(walk.repeatVisitBytes)), after expiry \(formatBytes(walk.expiredVisitBytes))")
        if let reason = result.stopReason { lines.append("stopped early: \(reason)") }
        let broken = audits.flatMap(\.broken)
        if !broken.isEmpty {
            lines.append("")
            lines.append("broken references:")
            for b in broken.prefix(20) {
                lines.append("  \(b.page) → \(b.url) (<\(b.element) \(b.attribute)>\(b.line.map { " line \($0)" } ?? "")): \(b.reason)")
            }
            if broken.count > 20 { lines.append("  … and \(broken.count - 20) more (see --json)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func formatBytes(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        if n < 1024 * 1024 { return String(format: "%.1f KB", Double(n) / 1024) }
        return String(format: "%.1f MB", Double(n) / 1024 / 1024)
    }
}
