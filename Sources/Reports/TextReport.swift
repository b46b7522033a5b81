public import Audit
public import CrawlModel
internal import Foundation
internal import HTTPSemantics

/// The terminal summary: a row per page (the heaviest pages of a large crawl), then totals,
/// broken references and checks.
///
/// Every line fits `width` columns (long paths and messages are cut with `…`). ANSI colour
/// only when `colour` is true: the CLI passes true on a terminal when `NO_COLOR` is not set.
public enum TextReport {
    public static func render(result: CrawlResult, audits: [PageAudit], outcome: BudgetOutcome? = nil,
                              width: Int = 100, colour: Bool = false,
                              bandwidth precomputed: (pages: [String: PageBandwidth], site: SiteBandwidth)? = nil) -> String {
        render(CrawlSummary(result: result, audits: audits, site: precomputed ?? Bandwidth.analyse(result)),
               checks: outcome.map { CheckDigest($0) }, width: width, colour: colour)
    }

    /// The summary: every page's row when there are few (or `summary.keepAllRows`), else the
    /// heaviest pages; totals; the first broken references; the checks. Bounded in lines
    /// whatever the crawl's size, unless every row was kept.
    public static func render(_ summary: CrawlSummary, checks: CheckDigest? = nil, width: Int = 100, colour: Bool = false) -> String {
        let origin = summary.startURLs.first.flatMap(URL.init(string:)).map(WebURL.origin) ?? ""
        var lines: [String] = []
        if !summary.showsAllPages {
            lines.append("heaviest \(summary.heaviest.count) of \(summary.pages) pages (all of them with --pages-table, or in the --json, --html reports):")
        }
        let header = ["page", "reqs", "first visit", "repeat visit", "304", "200", "broken"]
        var rows: [[String]] = (summary.showsAllPages ? summary.rows : summary.heaviest).map { row in
            var path = row.url.hasPrefix(origin) ? String(row.url.dropFirst(origin.count)) : row.url
            if path.isEmpty { path = "/" }
            return [path, String(row.requisites), ByteSize.format(row.firstVisitBytes), ByteSize.format(row.repeatVisitBytes),
                    String(row.revalidated304), String(row.revalidated200), String(row.broken)]
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

        lines.append("")
        lines.append("\(summary.pages) pages, \(summary.resources) URLs fetched (\(ByteSize.format(summary.wireBytes))), \(summary.failed) failed; "
            + "revalidation: \(summary.probes304) of \(summary.probes) probes answered 304")
        if summary.probes304 < summary.probes {
            let counts = summary.verdicts.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }
            lines.append("verdicts: " + counts.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
        }
        if let walk = summary.site {
            lines.append("a visitor walking all pages: first visit \(ByteSize.format(walk.firstVisitBytes)), "
                + "repeat visit \(ByteSize.format(walk.repeatVisitBytes)), after expiry \(ByteSize.format(walk.expiredVisitBytes))")
            lines.append("first visits: what a browser at \(summary.viewport) fetches; all candidates: "
                + "\(ByteSize.format(walk.firstVisitBytesAllCandidates)) (notChosen in --json)")
        }
        if let reason = summary.stopReason { lines.append("stopped early: \(reason)") }
        if !summary.broken.isEmpty {
            lines.append("")
            lines.append("broken references:")
            for b in summary.broken {
                let page = b.page.hasPrefix(origin) ? String(b.page.dropFirst(origin.count)) : b.page
                let url = b.url.hasPrefix(origin) ? String(b.url.dropFirst(origin.count)) : b.url
                lines.append("  \(page) → \(url) (<\(b.element) \(b.attribute)>\(b.line.map { " line \($0)" } ?? "")): \(b.reason)")
            }
            if summary.brokenCount > summary.broken.count {
                lines.append("  … and \(summary.brokenCount - summary.broken.count) more (see --json)")
            }
        }
        var styled = lines.flatMap { wrap($0, width, indent: 2) }.map { ($0, Style.plain) }
        if let checks {
            styled += checkLines(checks, width: width)
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

    /// Checks that did not pass shown in the terminal; the rest are counted.
    public static let checksShown = 50

    /// The checks: one line per failed, warned or skipped check (the first ``checksShown``) with up
    /// to 5 offenders, then the verdict.
    static func checkLines(_ checks: CheckDigest, width: Int) -> [(String, Style)] {
        var out: [(String, Style)] = [("", .plain)]
        for (suite, check) in checks.notPassed.prefix(checksShown) {
            let (mark, style): (String, Style) = switch check.status {
            case .failed: ("FAIL", .red)
            case .warning: ("WARN", .yellow)
            default: ("SKIP", .dim)
            }
            let wrapped = wrap("\(mark) \(suite) \(check.name): \(check.message)", width, indent: 5)
            out += wrapped.enumerated().map { ($0.element, $0.offset == 0 ? style : .plain) }
            for offender in check.offenders.prefix(5) { out.append((fit("       \(offender)", width), .plain)) }
            if check.offenders.count > 5 { out.append(("       … and \(check.offenders.count - 5) more (see --junit or --json)", .plain)) }
        }
        let open = checks.total - checks.count(.passed)
        if open > checksShown {
            out.append((fit("… and \(open - checksShown) more checks that did not pass (see --junit, --html or --json)", width), .plain))
        }
        let summary = "checks: \(checks.count(.passed)) passed, \(checks.count(.failed)) failed, "
            + "\(checks.count(.warning)) warnings, \(checks.count(.skipped)) skipped"
        out.append((fit(summary, width), checks.passed ? .green : .red))
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
}
