import CrawlModel
import CrawlStore
import Foundation
import Logging
import PostgresCrawlStore
import PostgresNIO
import Testing
import TestSupport

@Suite("PostgreSQL store: schema migration", .requires(.postgresServer))
struct SchemaMigrationTests {
    /// The tables of a store of schema version 2, as assetcrawl before the queue table wrote
    /// them (the frontier rows held their claims), one statement each.
    static let version2 = [
        "CREATE TABLE assetcrawl_meta(key text PRIMARY KEY, value text NOT NULL)",
        """
        CREATE TABLE frontier(id bigserial PRIMARY KEY, key text NOT NULL UNIQUE, url text NOT NULL, kind text NOT NULL,
            depth integer, purpose smallint NOT NULL, urgent boolean NOT NULL, state smallint NOT NULL,
            owner text, lease_until timestamptz)
        """,
        "CREATE INDEX frontier_queue ON frontier(urgent DESC, id) WHERE state = 0",
        "CREATE INDEX frontier_claimed ON frontier(owner, lease_until) WHERE state = 1",
        "CREATE INDEX frontier_parked ON frontier(id) WHERE state = 3",
        "CREATE TABLE resources(url text PRIMARY KEY, record bytea NOT NULL)",
        "CREATE TABLE pages(seq bigserial, url text PRIMARY KEY, depth integer NOT NULL, refs bytea NOT NULL, outline bytea)",
        "CREATE TABLE subresources(url text PRIMARY KEY, refs bytea NOT NULL)",
        "CREATE TABLE skipped(url text PRIMARY KEY, reason text NOT NULL)",
        "CREATE TABLE robots(origin text PRIMARY KEY, record bytea NOT NULL, body bytea NOT NULL)",
        "CREATE TABLE host_slots(origin text NOT NULL, slot integer NOT NULL, holder text, lease_until timestamptz, PRIMARY KEY (origin, slot))",
        "CREATE TABLE host_pace(origin text PRIMARY KEY, next_at timestamptz NOT NULL, holder text, lease_until timestamptz)",
        """
        INSERT INTO assetcrawl_meta(key, value) VALUES ('format', 'assetcrawl-postgres'), ('schemaVersion', '2'), ('pagesAdmitted', '4'),
            ('startURLs', '["http://site.invalid/"]'), ('arguments', '[]'), ('pagesEnqueued', '4'), ('sitemapsRequested', '0'),
            ('stopReason', ''), ('startedAt', '0')
        """,
        // Done, queued, claimed by a process that is gone (its lease still running), and parked;
        // robots.txt queued (urgent).
        """
        INSERT INTO frontier(key, url, kind, depth, purpose, urgent, state, owner, lease_until) VALUES
            ('http://site.invalid/', 'http://site.invalid/', 'page', 0, 0, false, 2, NULL, NULL),
            ('http://site.invalid/a', 'http://site.invalid/a', 'page', 1, 0, false, 0, NULL, NULL),
            ('http://site.invalid/b', 'http://site.invalid/b', 'page', 1, 0, false, 1, 'old:1:x', now() + interval '1 hour'),
            ('http://other.invalid/c', 'http://other.invalid/c', 'page', 1, 0, false, 3, NULL, NULL),
            ('robots http://site.invalid/robots.txt', 'http://site.invalid/robots.txt', 'other', NULL, 1, true, 0, NULL, NULL)
        """,
    ]

    @Test("a store of schema version 2 is migrated: what was queued or claimed is claimable, robots.txt first; parked stays parked, done stays done")
    func migratesVersion2() async throws {
        let db = try testDatabase()
        let location = try PostgresLocation(parsing: db)
        let logger = Logger(label: "test")
        let configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                             password: location.password, database: location.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(location.schema)"), logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "SET search_path TO \(location.schema)"), logger: logger)
            for statement in Self.version2 { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
        } catch {
            try? await connection.close()
            throw error
        }

        let store = try await PostgresCrawlStore.open(location)
        do {
            var version = ""
            for try await value in try await connection.query("SELECT value FROM \(unescaped: location.schema).assetcrawl_meta WHERE key = 'schemaVersion'",
                                                              logger: logger).decode(String.self) {
                version = value
            }
            #expect(version == "3")
            #expect(try await store.pendingCount() == 4)
            #expect(try await store.parked().map(\.url) == ["http://other.invalid/c"])
            #expect(try await store.seenHashes().frontier.count == 5)
            let claimed = try await store.claim(limit: 10)
            #expect(claimed.map(\.url) == ["http://site.invalid/robots.txt", "http://site.invalid/a", "http://site.invalid/b"])
            #expect(try await store.status().claimsByOwner == [store.owner: 3])
            #expect(try await store.claim(limit: 10).isEmpty)

            var batch = StoreBatch()
            batch.done = claimed.map(\.id)
            batch.released = [(key: "http://other.invalid/c", admitted: true)]
            try await store.commit(batch)
            #expect(try await store.pendingCount() == 1)
            #expect(try await store.claim(limit: 10).map(\.url) == ["http://other.invalid/c"])
        } catch {
            await store.close()
            try? await connection.close()
            throw error
        }
        await store.close()
        try await connection.close()
    }
}
