internal import CrawlStore
internal import Foundation
internal import Logging
internal import PostgresCrawlStore

/// A crawl store named on the command line: a SQLite file, or a `postgresql://` URL.
enum OpenedStore {
    case sqlite(SQLiteCrawlStore)
    case postgres(PostgresCrawlStore)

    var store: any CrawlStore {
        switch self {
        case .sqlite(let store): store
        case .postgres(let store): store
        }
    }

    /// A SQLite store to read the reports from — the store itself, or a temporary copy of the
    /// PostgreSQL crawl (the one reading path of the reports) — and whether it is a copy.
    func readable() async throws -> (store: SQLiteCrawlStore, isCopy: Bool) {
        switch self {
        case .sqlite(let store):
            return (store, false)
        case .postgres(let store):
            let copy = try StoreFile.temporary()
            do { try await StoreFile.runShared { try await store.export(to: copy) } } catch {
                copy.close()
                throw error
            }
            return (copy, true)
        }
    }

    func close() async {
        switch self {
        case .sqlite(let store): store.close()
        case .postgres(let store): await store.close()
        }
    }
}

extension StoreFile {
    /// Opens `name`: a PostgreSQL URL, or a SQLite file (see ``open(_:mustExist:)``).
    static func open(_ name: String, mustExist: Bool, logger: Logger) async throws -> OpenedStore {
        guard PostgresLocation.isPostgresURL(name) else { return .sqlite(try open(name, mustExist: mustExist)) }
        do {
            return .postgres(try await PostgresCrawlStore.open(try PostgresLocation(parsing: name), logger: logger))
        } catch let error as PostgresStoreError {
            throw UsageError(message: error.message)
        }
    }

    /// Runs store work, reporting a ``PostgresStoreError`` or `StoreError` as a usage error (exit 2).
    static func runShared<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await run(body) } catch let error as PostgresStoreError {
            throw UsageError(message: error.message)
        }
    }
}
