internal import CrawlStore
internal import Foundation

/// Opening crawl stores for the CLI, with store failures turned into one-line usage errors.
enum StoreFile {
    /// Opens the store at `path`; with `mustExist`, a missing file is an error instead of a new store.
    static func open(_ path: String, mustExist: Bool) throws -> SQLiteCrawlStore {
        if mustExist, !FileManager.default.fileExists(atPath: path) {
            throw UsageError(message: "no such store: \(path) (give a file written by assetcrawl crawl URL --store FILE)")
        }
        do { return try SQLiteCrawlStore(path: path) } catch let error as StoreError {
            throw UsageError(message: error.message)
        }
    }

    static func temporary() throws -> SQLiteCrawlStore {
        do { return try SQLiteCrawlStore.temporary() } catch let error as StoreError {
            throw UsageError(message: "cannot make a temporary crawl store (\(error.message)); give one with --store FILE")
        }
    }

    /// A reader of the stored crawl at `path`, for the reports.
    static func reader(_ path: String) throws -> StoreReader {
        do { return try StoreReader(path: path) } catch let error as StoreError {
            throw UsageError(message: error.message)
        }
    }

    /// Runs store work, reporting a `StoreError` as a usage error (exit 2).
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as StoreError {
            throw UsageError(message: error.message)
        }
    }
}
