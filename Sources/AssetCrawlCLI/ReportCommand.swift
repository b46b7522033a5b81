internal import ArgumentParser
internal import CrawlStore
internal import Foundation
internal import Logging

/// `assetcrawl report FILE`: every report of a stored crawl, without crawling again.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render the summary and every report of a crawl kept with crawl --store, without crawling again.",
        discussion: """
            Exit codes: 0 every check passed, 1 a check failed, 2 the report could not be made \
            (no such store, not a store, a bad budget or baseline).
            """
    )

    @Argument(help: ArgumentHelp("The store written by assetcrawl crawl --store FILE (a SQLite file, or a postgresql:// URL).", valueName: "store"))
    var store: String

    @Option(name: .long, help: ArgumentHelp("Write the JSON report to this file.", valueName: "file"))
    var json: String?

    @OptionGroup(title: "Reports and checks")
    var reportOptions: ReportOptions

    func validate() throws {
        try OutputPaths.check([("--json", json)] + reportOptions.outputs)
    }

    func run() async throws {
        // A crawl in PostgreSQL is read through a temporary SQLite copy: the same reader, the same reports.
        let opened = try await StoreFile.open(self.store, mustExist: true, logger: Logger(label: "assetcrawl"))
        let readable: (store: SQLiteCrawlStore, isCopy: Bool)
        do { readable = try await opened.readable() } catch {
            await opened.close()
            throw error
        }
        await opened.close()
        defer { if readable.isCopy { readable.store.close() } }
        let store = readable.store
        let records = try StoreFile.reader(store.path)
        // The browser model's viewport is the one the crawl was started with.
        if let stored = try await StoreFile.run({ try await store.crawl() }) {
            records.viewport = (try? CrawlCommand.parse(stored.arguments))?.crawlOptions.viewport
        }
        try await reportOptions.emit(records: records, load: { try await StoreFile.run { try await store.loadResult() } }, json: json)
    }
}
