internal import Foundation
internal import Logging
internal import NIOCore
internal import NIOSSL
internal import PostgresNIO
internal import Synchronization

/// One connection to the server, used by one caller at a time (a FIFO lock around each
/// statement or transaction: a transaction's statements never interleave with another's).
final class PostgresSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    private let lock = AsyncLock()
    /// The writes sent with ``write(_:)``, oldest first, at most ``writesInFlight`` of them;
    /// each runs after the one before, and every later statement after the last.
    private let pendingWrites = Mutex<[Task<Void, any Error>]>([])
    /// Writes a caller may have sent and not seen answered. With one, the crawl loop waited at
    /// each claim for the server to finish the batch sent a moment before (the size- or
    /// time-based commit made while fetching); with two, it sends the claim's batch behind it
    /// and goes on with the window claimed ahead.
    static let writesInFlight = 2

    private init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Connects and selects the location's schema; failures become one-line ``PostgresStoreError``s.
    static func connect(_ location: PostgresLocation, logger: Logger) async throws -> PostgresSession {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: .disable)
        if location.sslMode != "disable" {
            let context = try NIOSSLContext(configuration: .makeClientConfiguration())
            configuration.tls = location.sslMode == "require" ? .require(context) : .prefer(context)
        }
        configuration.options.connectTimeout = .seconds(10)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: Int.random(in: 1...Int.max), logger: logger)
        } catch {
            throw Self.describe(error, at: location)
        }
        let session = PostgresSession(connection: connection, logger: logger)
        try await session.execute(PostgresQuery(unsafeSQL: "SET search_path TO \"\(location.schema)\""))
        // A commit returns before its WAL reaches the disk (the server writes it within
        // 3 × wal_writer_delay): a killed worker loses nothing by it — the server has every
        // commit it answered — and only a crash of the database server itself can lose the
        // last commits. They are whole batches, lost together with the claims they finished,
        // and every process dies with its connection, so the crawl resumes from what was kept:
        // the lost batches' URLs are fetched again, none is lost. See the README.
        try await session.execute("SET synchronous_commit TO off")
        return session
    }

    /// What a failure to connect means, said for `location`.
    static func describe(_ error: any Error, at location: PostgresLocation) -> PostgresStoreError {
        guard let psql = error as? PSQLError else {
            return PostgresStoreError(.unreachable, "cannot reach the database at \(location): \(error) (is PostgreSQL running there, and the host and port right?)")
        }
        let state = psql.serverInfo?[.sqlState] ?? ""
        let message = psql.serverInfo?[.message] ?? "\(psql.code)"
        switch state {
        case "28P01", "28000":
            return PostgresStoreError(.authentication, "the database at \(location) refused user \(location.user): \(message) (check the user and the password in the URL or PGPASSWORD)")
        case "3D000":
            return PostgresStoreError(.authentication, "\(location): \(message) (create it first: createdb \(location.database))")
        default:
            break
        }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .sslUnsupported, .uncleanShutdown:
            let cause = psql.underlying.map { "\($0)" } ?? message
            return PostgresStoreError(.unreachable, "cannot reach the database at \(location): \(cause) (is PostgreSQL running there, and the host and port right?)")
        case .authMechanismRequiresPassword:
            return PostgresStoreError(.authentication, "the database at \(location) asks user \(location.user) for a password: give it in the URL (postgresql://USER:PASSWORD@…) or in PGPASSWORD")
        default:
            return PostgresStoreError(.query, "\(location): \(message)")
        }
    }

    /// A failed statement as a ``PostgresStoreError``.
    static func failure(_ error: any Error) -> any Error {
        guard let psql = error as? PSQLError else { return error }
        let message = psql.serverInfo?[.message] ?? "\(psql.code)"
        return PostgresStoreError(.query, "PostgreSQL: \(message)")
    }

    func close() async {
        _ = try? await pendingWrites.withLock({ $0.last })?.value
        try? await connection.close()
    }

    /// Sends `query` and returns without waiting for its answer, once no more than
    /// ``writesInFlight`` - 1 writes before it are unfinished (the caller is held back when the
    /// server falls behind). Writes run in the order they were sent, and every later statement
    /// on this session after them; if one fails, it and every later one throw its error (a
    /// batch lost must not pass unnoticed, e.g. behind a claim that swallows errors).
    /// Called by one caller at a time (the crawl loop's commits).
    func write(_ query: PostgresQuery) async throws {
        let oldest = pendingWrites.withLock { $0.count >= Self.writesInFlight ? $0.first : nil }
        try await oldest?.value
        let previous = pendingWrites.withLock { $0.last }
        let task = Task {
            try await previous?.value
            try await self.lockedNow { try await $0.run(query) }
        }
        pendingWrites.withLock { writes in
            if writes.count >= Self.writesInFlight { writes.removeFirst() }
            writes.append(task)
        }
    }

    /// Waits for every write sent, and throws the first failure.
    private func awaitPendingWrite() async throws {
        try await pendingWrites.withLock({ $0.last })?.value
    }

    /// Runs one statement, discarding its rows.
    func execute(_ query: PostgresQuery) async throws {
        try await locked { try await $0.run(query) }
    }

    /// Runs `body` holding the connection (statements in it run in order, nothing else between).
    func locked<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        try await awaitPendingWrite()
        return try await lockedNow(body)
    }

    private func lockedNow<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        await lock.lock()
        defer { lock.unlock() }
        do { return try await body(self) } catch { throw Self.failure(error) }
    }

    /// `body` in one transaction, committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        try await locked { session in
            try await session.run("BEGIN")
            do {
                let value = try await body(session)
                try await session.run("COMMIT")
                return value
            } catch {
                try? await session.run("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs one statement, discarding its rows (inside ``locked(_:)`` or ``transaction(_:)``).
    func run(_ query: PostgresQuery) async throws {
        let rows = try await connection.query(query, logger: logger)
        for try await _ in rows {}
    }

    /// The rows of one statement (inside ``locked(_:)`` or ``transaction(_:)``).
    func rows(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }
}

extension ByteBuffer {
    var bytes: [UInt8] { Array(readableBytesView) }
}
