internal import ArgumentParser
internal import Audit
internal import CrawlModel
internal import Dispatch
internal import Foundation
internal import Reports

/// The report and gate flags of `crawl`: budgets, baseline, and every report format.
///
/// All file I/O and exit codes of reporting live here; `Audit` decides, `Reports` formats.
struct ReportOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Check the crawl against a budget (JSON); exit 1 when a check fails.", valueName: "file"))
    var budget: String?

    @Option(name: .long, help: ArgumentHelp("Compare with an earlier --json report: assets added and removed, byte growth, verdict regressions.", valueName: "file"))
    var baseline: String?

    @Option(name: .customLong("max-growth"), help: ArgumentHelp("With --baseline: fail when the site or a page grew by more than this, e.g. 5%.", valueName: "percent"))
    var maxGrowth: String?

    @Option(name: .long, help: ArgumentHelp("Write the checks as JUnit XML (a testsuite per page and one for the site).", valueName: "file"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Write every exchange as HAR 1.2.", valueName: "file"))
    var har: String?

    @Option(name: .long, help: ArgumentHelp("Write a self-contained HTML report.", valueName: "file"))
    var html: String?

    @Option(name: .long, help: ArgumentHelp("Write the asset graph for Graphviz.", valueName: "file"))
    var dot: String?

    @Flag(name: .customLong("pages-table"), help: "Print every page's row in the terminal summary (by default a crawl of more than 20 pages shows its 10 heaviest).")
    var pagesTable = false

    @Flag(name: .long, help: "Add timing fields (resources[].timingsMs) to the JSON report; without them the same crawl gives the same bytes.")
    var timings = false

    func validate() throws {
        // Fail before crawling: a bad budget or baseline is a run that cannot happen (exit 2).
        // ArgumentParser wraps other error types thrown here, so report them as ValidationError.
        do {
            if let budget { _ = try Self.loadBudget(budget) }
            if let baseline { _ = try Self.loadSnapshot(baseline, flag: "--baseline") }
            if maxGrowth != nil && baseline == nil { throw UsageError(message: "--max-growth needs --baseline OLD.json") }
            if let maxGrowth { _ = try Self.parseGrowth(maxGrowth) }
        } catch let error as UsageError {
            throw ValidationError(error.message)
        }
    }

    /// The files these options write, by flag (see ``OutputPaths``).
    var outputs: [(flag: String, path: String?)] { [("--junit", junit), ("--har", har), ("--html", html), ("--dot", dot)] }

    /// The budget and baseline checks of a crawl, or nil when neither was asked for.
    func outcome(_ result: CrawlResult, audits: [PageAudit]) throws -> (BudgetOutcome?, BaselineDiff?) {
        var suites: [CheckSuite] = []
        if let budget { suites += try Self.loadBudget(budget).evaluate(result).suites }
        var diff: BaselineDiff?
        if let baseline {
            let old = try Self.loadSnapshot(baseline, flag: "--baseline")
            let current = ReportSnapshot(JSONReport(result: result, audits: audits))
            let d = BaselineDiff(old: old, new: current)
            suites.append(d.checks(maxGrowth: try maxGrowth.map(Self.parseGrowth)))
            diff = d
        }
        return (budget == nil && baseline == nil ? nil : BudgetOutcome(suites: suites), diff)
    }

    /// True when the budget checks or the HTML digest need a first pass over the crawl
    /// before the JSON report (which embeds the checks) is written.
    var needsChecksPass: Bool { budget != nil || baseline != nil || junit != nil || html != nil }

    /// Prints the summary and writes every requested report of a stored crawl, one page and one
    /// resource at a time: memory stays bounded whatever the crawl's size (a `--baseline`
    /// comparison holds a few numbers per URL of both crawls). With `--budget`, `--baseline`,
    /// `--junit` or `--html` the crawl is read twice: once for the checks, once for the JSON.
    /// `browser`: what Chromium fetched per page (`crawl --browser`); those reports are made in
    /// memory from the whole crawl, which `load` reads.
    func emit(records: any CrawlRecords, load: () async throws -> CrawlResult, json: String?, browser: [BrowserVisit]? = nil) async throws {
        guard browser == nil else {
            var result = try await load()
            result.viewport = records.viewport
            return try emit(result: result, json: json, browser: browser, startedAt: records.startedAt)
        }
        var summary = CrawlSummary(startURLs: records.startURLs, stopReason: records.stopReason, keepAllRows: pagesTable)
        summary.viewport = BrowserModel.viewport(of: records)
        let first = needsChecksPass ? try checksPass(records, summary: &summary) : nil
        let pass = first?.pass
        let given = budget != nil || baseline != nil
        if let json {
            let site = try Self.withOutput(json, "JSON report") { handle in
                try JSONReport.stream(records, to: handle, checks: given ? pass?.spool : nil, baseline: first?.diff,
                                      includeTimings: timings, onPage: { if pass == nil { summary.add($0) } },
                                      onResource: { if pass == nil { summary.add($0) } })
            }
            if pass == nil { summary.site = site }
        } else if pass == nil {
            summary.site = try PageByPage.run(records) { summary.add($0) }
            try records.forEachResourceTally { summary.add($0) }
        }
        let checks = given ? pass?.checks : nil
        print(TextReport.render(summary, checks: checks, width: 100, colour: Terminal.colour), terminator: "")
        if let har {
            let startedAt = try records.startedAt ?? HARReport.crawlStart(records, now: Date())
            try Self.withOutput(har, "HAR") { try HARReport.stream(records, to: $0, startedAt: startedAt) }
        }
        if let pass {
            try streamed("JUnit report", junit) { try JUnitReport.stream(pass.spool, to: $0) }
            if let html, var digest = pass.html {
                digest.checks = pass.checks
                try write(Data(try HTMLReport.render(digest, advisory: !given).utf8), html, "HTML report")
            }
        }
        try streamed("DOT graph", dot) { try DOTReport.stream(records, to: $0) }
        if let checks, !checks.passed { throw ExitCode.failure }
    }

    /// The first pass over a stored crawl (``ChecksPass``), with the budget (the advisory checks
    /// for JUnit and HTML when none was given) and the baseline comparison appended.
    func checksPass(_ records: any CrawlRecords, summary: inout CrawlSummary) throws -> (pass: ChecksPass, diff: BaselineDiff?) {
        let budget = try self.budget.map(Self.loadBudget) ?? (junit != nil || html != nil ? Budget.advisory : Budget())
        var pass = try ChecksPass.run(records, budget: budget, html: html != nil, snapshot: baseline != nil, summary: &summary)
        guard let baseline, let snapshot = pass.snapshot else { return (pass, nil) }
        let diff = BaselineDiff(old: try Self.loadSnapshot(baseline, flag: "--baseline"), new: snapshot)
        pass.spool.append(diff.checks(maxGrowth: try maxGrowth.map(Self.parseGrowth)))
        pass.checks = try pass.spool.digest()
        return (pass, diff)
    }

    /// Writes one streamed report to `path` when it was asked for, turning a failure into a usage error naming the file.
    func streamed(_ what: String, _ path: String?, _ body: (URL) throws -> Void) throws {
        guard let path else { return }
        do { try body(URL(fileURLWithPath: path)) } catch {
            throw UsageError(message: "cannot write the \(what) to \(path): \((error as? CocoaError)?.localizedDescription ?? "\(error)")")
        }
    }

    /// Prints the summary, writes every requested report, and throws `ExitCode.failure` when a check failed.
    /// `browser`: what Chromium fetched per page (`crawl --browser`).
    /// `startedAt`: the crawl's stored start, for the HAR (estimated when nil).
    func emit(result: CrawlResult, json: String?, browser: [BrowserVisit]? = nil, startedAt: Date? = nil) throws {
        // The two passes over every page's requisites are independent: one per core.
        let (audits, bandwidth) = Self.auditsAndBandwidth(result)
        let (outcome, diff) = try outcome(result, audits: audits)
        // Without a budget, JUnit and HTML still show the advisory checks; evaluate them only
        // when one of those reports is asked for (a 2,000-page crawl pays for it otherwise).
        let shown = junit == nil && html == nil ? nil : (outcome ?? Budget.advisory.evaluate(result))
        // Exchange timings are relative to the crawl's start; the last one ended about now.
        let now = Date()

        let summary = CrawlSummary(result: result, audits: audits, site: bandwidth, keepAllRows: pagesTable)
        print(TextReport.render(summary, checks: outcome.map { CheckDigest($0) }, width: 100, colour: Terminal.colour), terminator: "")
        if let browser { print(TextReport.browserSummary(browser), terminator: "") }
        if let json {
            // Streamed element by element: the whole document tree of a large crawl would
            // otherwise double the run's peak memory.
            let report = JSONReport(result: result, audits: audits, checks: outcome, baseline: diff, includeTimings: timings,
                                    bandwidth: bandwidth, browser: browser)
            try Self.withOutput(json, "JSON report") { try report.write(to: $0) }
        }
        if let junit, let shown { try write(Data(JUnitReport.render(shown).utf8), junit, "JUnit report") }
        if let har { try write(try HARReport.render(result: result, startedAt: startedAt ?? HARReport.crawlStart(result, now: now)), har, "HAR") }
        if let html, let shown { try write(Data(try HTMLReport.render(result: result, audits: audits, outcome: shown, advisory: outcome == nil, browser: browser).utf8), html, "HTML report") }
        if let dot { try write(Data(DOTReport.render(result: result).utf8), dot, "DOT graph") }
        if let outcome, !outcome.passed { throw ExitCode.failure }
    }

    /// `SiteAudit.pages` and `Bandwidth.analyse`, run side by side on the browser model's
    /// choices, worked out once for both.
    static func auditsAndBandwidth(_ result: CrawlResult) -> ([PageAudit], (pages: [String: PageBandwidth], site: SiteBandwidth)) {
        final class Slots: @unchecked Sendable {  // each slot written by one iteration, read after both end
            var audits: [PageAudit] = []
            var bandwidth: (pages: [String: PageBandwidth], site: SiteBandwidth)?
        }
        let slots = Slots()
        let choices = BrowserModel.choices(result)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 {
                slots.audits = SiteAudit.pages(result, choices: choices)
            } else {
                slots.bandwidth = Bandwidth.analyse(result, choices: choices)
            }
        }
        return (slots.audits, slots.bandwidth!)
    }

    func write(_ data: Data, _ path: String, _ what: String) throws {
        try Self.withOutput(path, what) { try $0.write(contentsOf: data) }
    }

    static func loadBudget(_ path: String) throws -> Budget {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError(message: "--budget: cannot read \(path) (give a budget JSON file, e.g. Samples/budget.json)")
        }
        do { return try Budget.decode(Array(data)) } catch {
            throw UsageError(message: "\(path):\(error.line.map { "\($0):" } ?? "") \(error.message)")
        }
    }

    static func loadSnapshot(_ path: String, flag: String) throws -> ReportSnapshot {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw UsageError(message: "\(flag): cannot read \(path) (give a report written by crawl --json)")
        }
        // Streamed: a baseline of a million URLs is never held whole.
        do { return try ReportSnapshot.read(contentsOf: path) } catch {
            throw UsageError(message: "\(path): \(error.message)")
        }
    }

    /// `5%`, `5` or `0.5%` → 0.05, 0.05, 0.005.
    static func parseGrowth(_ text: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number = trimmed.hasSuffix("%") ? String(trimmed.dropLast()) : trimmed
        guard let value = Double(number), value >= 0, value.isFinite else {
            throw UsageError(message: "--max-growth: \"\(text)\" is not a percentage; write e.g. 5%")
        }
        return value / 100
    }
}

/// Whether to colour terminal output: only on a terminal, never when `NO_COLOR` is set (no-color.org).
enum Terminal {
    static var colour: Bool {
        if let noColor = ProcessInfo.processInfo.environment["NO_COLOR"], !noColor.isEmpty { return false }
        return isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
}
