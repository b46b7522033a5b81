internal import ArgumentParser
internal import Audit
internal import Foundation
internal import Reports

/// `assetcrawl diff OLD.json NEW.json`: compare two crawl reports.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two JSON reports: assets added and removed, per-page byte changes, verdict regressions.",
        discussion: """
            Exit codes: 0 no regression, 1 a check failed (a verdict regression, a URL that broke, \
            or growth over --max-growth), 2 the comparison could not run (unreadable report).
            """
    )

    @Argument(help: "The baseline report (crawl --json).")
    var old: String

    @Argument(help: "The new report (crawl --json).")
    var new: String

    @Option(name: .customLong("max-growth"), help: ArgumentHelp("Fail when the site or a page grew by more than this, e.g. 5%.", valueName: "percent"))
    var maxGrowth: String?

    @Option(name: .long, help: ArgumentHelp("Write the comparison as JSON.", valueName: "file"))
    var json: String?

    @Option(name: .long, help: ArgumentHelp("Write the comparison's checks as JUnit XML.", valueName: "file"))
    var junit: String?

    func run() throws {
        let oldReport = try ReportOptions.loadSnapshot(old, flag: "diff")
        let newReport = try ReportOptions.loadSnapshot(new, flag: "diff")
        let diff = BaselineDiff(old: oldReport, new: newReport)
        let checks = diff.checks(maxGrowth: try maxGrowth.map(ReportOptions.parseGrowth))
        print(DiffReport.render(diff, checks: checks, colour: Terminal.colour), terminator: "")
        let options = ReportOptions()
        if let json { try options.write(try DiffReport.json(diff, checks: checks), json, "comparison") }
        if let junit { try options.write(Data(JUnitReport.render(BudgetOutcome(suites: [checks])).utf8), junit, "JUnit report") }
        if checks.checks.contains(where: { $0.status == .failed }) { throw ExitCode.failure }
    }
}
