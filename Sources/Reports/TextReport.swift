public import Audit
public import CrawlModel
internal import Foundation

/// The terminal summary: one row per page, then totals, broken references and checks.
///
/// Every line fits `width` columns (long paths and messages are cut with `…`). ANSI colour
/// only when `colour` is true: the CLI passes true on a terminal when `NO_COLOR` is not set.
public enum TextReport {
    public static func render(result: CrawlResult, audits: [PageAudit], outcome: BudgetOutcome? = nil,
                              width: Int = 100, colour: Bool = false,
                              bandwidth precomputed: (pages: [String: PageBandwidth], site: SiteBandwidth)? = nil) -> String {
        let origin = result.startURLs.first.flatMap(URL.init(string:)).map(WebURL.origin) ?? ""
        var lines: [String] = []
        let header = ["page", "reqs", "first visit", "repeat visit", "304", "200", "broken"]
        let (bandwidth, walk) = precomputed ?? Bandwidth.analyse(result)
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
        // Counted in place: collecting 40,000 probe copies of a large crawl cost megabytes.
        var probeCount = 0, total304 = 0
        for resource in resources {
            guard let revalidation = resource.revalidation else { continue }
            for probe in [revalidation.ifNoneMatch, revalidation.ifModifiedSince] {
                guard let status = probe.map({ $0.exchange.status }) else { continue }
                probeCount += 1
                if status == 304 { total304 += 1 }
            }
        }
        let totalWire = resources.reduce(0) { $0 + $1.wireBytes }
        lines.append("")
        lines.append("\(audits.count) pages, \(resources.count) URLs fetched (\(formatBytes(totalWire))), \(failed) failed; "
            + "revalidation: \(total304) of \(probeCount) probes answered 304")
        lines.append("a visitor walking all pages: first visit \(formatBytes(walk.firstVisitBytes)), "
            + "repeat visit \(formatBytes(walk.repeatVisitBytes)), after expiry \(formatBytes(walk.expiredVisitBytes))")
        lines.append("first visits: what a browser at \(BrowserModel.viewport(of: result)) fetches; all candidates: "
            + "\(formatBytes(walk.firstVisitBytesAllCandidates)) (notChosen in --json)")
        if let reason = result.stopReason { lines.append("stopped early: \(reason)") }
        let broken = audits.flatMap(\.broken)
        if !broken.isEmpty {
            lines.append("")
            lines.append("broken references:")
            for b in broken.prefix(20) {
                let page = b.page.hasPrefix(origin) ? String(b.page.dropFirst(origin.count)) : b.page
                let url = b.url.hasPrefix(origin) ? String(b.url.dropFirst(origin.count)) : b.url
                lines.append("  \(page) → \(url) (<\(b.element) \(b.attribute)>\(b.line.map { " line \($0)" } ?? "")): \(b.reason)")
            }
            if broken.count > 20 { lines.append("  … and \(broken.count - 20) more (see --json)") }
        }
        var styled = lines.flatMap { wrap($0, width, indent: 2) }.map { ($0, Style.plain) }
        if let outcome {
            styled += checkLines(outcome, width: width)
        }
        return styled.map { colour ? $0.1.apply($0.0) : $0.0 }.joined(separator: "\n") + "\n"
    }

    enum Style {
        case plain, red, yellow, green, dim
        func apply(_ s: String) -> String {
            switch self {
            case .plain: s
            case .red: "\u{1B}[31m" + s + "\u{1B}[0m"
            case .yellow: "\u{1B}[33m" + s + "\u{1B}[0m"
            case .green: "\u{1B}[32m" + s + "\u{1B}[0m"
            case .dim: "\u{1B}[2m" + s + "\u{1B}[0m"
            }
        }
    }

    /// The checks: one line per failed, warned or skipped check with up to 5 offenders, then the verdict.
    static func checkLines(_ outcome: BudgetOutcome, width: Int) -> [(String, Style)] {
        var out: [(String, Style)] = [("", .plain)]
        for suite in outcome.suites {
            for check in suite.checks where check.status != .passed {
                let (mark, style): (String, Style) = switch check.status {
                case .failed: ("FAIL", .red)
                case .warning: ("WARN", .yellow)
                default: ("SKIP", .dim)
                }
                let wrapped = wrap("\(mark) \(suite.name) \(check.name): \(check.message)", width, indent: 5)
                out += wrapped.enumerated().map { ($0.element, $0.offset == 0 ? style : .plain) }
                for offender in check.offenders.prefix(5) { out.append((fit("       \(offender)", width), .plain)) }
                if check.offenders.count > 5 { out.append(("       … and \(check.offenders.count - 5) more (see --junit or --json)", .plain)) }
            }
        }
        let summary = "checks: \(outcome.count(.passed)) passed, \(outcome.count(.failed)) failed, "
            + "\(outcome.count(.warning)) warnings, \(outcome.count(.skipped)) skipped"
        out.append((fit(summary, width), outcome.passed ? .green : .red))
        return out
    }

    /// Breaks text into lines of at most `width` columns at spaces; continuation lines are indented.
    static func wrap(_ text: String, _ width: Int, indent: Int) -> [String] {
        if text.count <= width { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if candidate.count > width && !current.isEmpty {
                lines.append(current)
                current = String(repeating: " ", count: indent) + word
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.map { fit($0, width) }
    }

    /// Cuts a line to `width` columns (one column per character), ending it with `…`.
    static func fit(_ line: String, _ width: Int) -> String {
        line.count <= width ? line : String(line.prefix(max(1, width - 1))) + "…"
    }

    public static func formatBytes(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        if n < 1024 * 1024 { return String(format: "%.1f KB", Double(n) / 1024) }
        return String(format: "%.1f MB", Double(n) / 1024 / 1024)
    }
}
