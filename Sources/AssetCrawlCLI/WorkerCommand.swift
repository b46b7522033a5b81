internal import ArgumentParser
internal import Crawler
internal import CrawlModel
internal import CrawlStore
internal import Foundation
internal import Logging
internal import PostgresCrawlStore

/// `assetcrawl worker postgresql://…`: joins the crawl kept in a PostgreSQL database.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Join a crawl kept in PostgreSQL (started with crawl URL --store postgresql://…) from any machine, with the crawl's own options.",
        discussion: """
            The worker claims work in small batches under a lease it renews while it runs; a worker that \
            dies loses nothing (its claims expire and another worker takes them). --per-host, --delay \
            and robots.txt hold for all the crawl's processes together. It exits when nothing is queued \
            or in flight anywhere. Report the crawl with assetcrawl report postgresql://…. \
            The store never keeps a secret: a crawl started with --user or --header needs them again \
            on each worker's command line (--user USER:PASSWORD, --header 'Name: value'). \
            Exit codes: 0 the crawl is done, 2 the worker could not run (unreachable database, no crawl \
            there), 130 interrupted.
            """
    )

    @Argument(help: ArgumentHelp("The database of the crawl: postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME].", valueName: "url"))
    var database: String

    @Option(name: .long, help: ArgumentHelp("Wait this long for the crawl to be started in the database.", valueName: "seconds"))
    var wait: Double = 30

    @Option(name: .long, help: ArgumentHelp("A header the crawl was started with (repeatable): the store keeps its name, never its value.", valueName: "Name: value"))
    var header: [String] = []

    @Option(name: .long, help: ArgumentHelp("The --user the crawl was started with: the store never keeps it.", valueName: "user:password"))
    var user: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "warning"

    func validate() throws {
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if wait < 0 { throw ValidationError("--wait must be 0 or more seconds, e.g. --wait 30") }
        for h in header where CrawlOptions.parseHeader(h) == nil {
            throw ValidationError("--header must look like 'Name: value', not \(h)")
        }
        if let user, !user.contains(":") { throw ValidationError("--user must look like user:password") }
    }

    func run() async throws {
        var logger = Logger(label: "assetcrawl")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        guard PostgresLocation.isPostgresURL(database) else {
            throw UsageError(message: "a worker joins a crawl in PostgreSQL: give its URL, e.g. assetcrawl worker postgresql://crawler@127.0.0.1:5432/crawl (a SQLite store is continued with assetcrawl crawl --resume FILE)")
        }
        let opened = try await StoreFile.open(database, mustExist: true, logger: logger)
        guard case .postgres(let store) = opened else { return }
        let reason: StopReason?
        do { reason = try await work(store, logger: logger) } catch {
            await store.close()
            throw error
        }
        await store.close()
        if case .interrupted = reason { throw ExitCode(130) }
    }

    /// Crawls until the crawl in `store` is done; returns why this process stopped early.
    func work(_ store: PostgresCrawlStore, logger: Logger) async throws -> StopReason? {
        let stored = try await waitForCrawl(store)
        let original: CrawlCommand
        do { original = try CrawlCommand.parse(stored.arguments) } catch {
            throw UsageError(message: "\(store.location): the stored command line no longer parses (\(CrawlCommand.message(for: error))); start a new crawl")
        }
        // The store never keeps a secret: this worker's own --user and --header give them.
        let options = try CrawlCommand.restoringSecrets(into: original.crawlOptions, header: header, user: user) { flags in
            "\(store.location): the crawl was started with secrets the store does not keep: give them to the worker, e.g. assetcrawl worker '\(store.location)' \(flags)"
        }
        let starts = stored.startURLs.compactMap(URL.init(string:))
        return try await StoreFile.runShared {
            try await CrawlRunner(options: options, logger: logger).run(starts, store: store, resume: true, arguments: stored.arguments)
        }
    }

    /// The crawl in the database, waiting up to `--wait` seconds for it to be started.
    func waitForCrawl(_ store: PostgresCrawlStore) async throws -> StoredCrawl {
        let deadline = ContinuousClock.now + .milliseconds(Int(wait * 1000))
        while true {
            if let crawl = try await StoreFile.runShared({ try await store.crawl() }) { return crawl }
            guard ContinuousClock.now < deadline else {
                throw UsageError(message: "\(store.location) holds no crawl (waited \(wait) s); start one with assetcrawl crawl URL --store \(store.location)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
