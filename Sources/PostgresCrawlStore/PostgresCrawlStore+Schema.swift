internal import Foundation
internal import PostgresNIO

/// The store's tables, created and migrated by the tool: `assetcrawl_meta` says which
/// version of the schema a database (or schema) holds, and every migration after it runs in
/// order, in one transaction, under an advisory lock (workers that start together migrate once).
extension PostgresCrawlStore {
    /// What `assetcrawl_meta.format` holds in a database written by this tool.
    static let format = "assetcrawl-postgres"

    /// Migration N+1 takes a store from schema version N to N+1. Only ever append.
    static let migrations: [String] = [
        // 1: the crawl, its frontier with leases, results, robots.txt, politeness state.
        """
        CREATE TABLE assetcrawl_meta(key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE frontier(id bigserial PRIMARY KEY, key text NOT NULL UNIQUE, url text NOT NULL, kind text NOT NULL,
            depth integer, purpose smallint NOT NULL, urgent boolean NOT NULL, state smallint NOT NULL,
            owner text, lease_until timestamptz);
        CREATE INDEX frontier_queue ON frontier(urgent DESC, id) WHERE state = 0;
        CREATE INDEX frontier_claimed ON frontier(owner, lease_until) WHERE state = 1;
        CREATE INDEX frontier_parked ON frontier(id) WHERE state = 3;
        CREATE TABLE resources(url text PRIMARY KEY, record bytea NOT NULL);
        CREATE TABLE pages(seq bigserial, url text PRIMARY KEY, depth integer NOT NULL, refs bytea NOT NULL, outline bytea);
        CREATE TABLE subresources(url text PRIMARY KEY, refs bytea NOT NULL);
        CREATE TABLE skipped(url text PRIMARY KEY, reason text NOT NULL);
        CREATE TABLE robots(origin text PRIMARY KEY, record bytea NOT NULL, body bytea NOT NULL);
        CREATE TABLE host_slots(origin text NOT NULL, slot integer NOT NULL, holder text, lease_until timestamptz,
            PRIMARY KEY (origin, slot));
        CREATE TABLE host_pace(origin text PRIMARY KEY, next_at timestamptz NOT NULL);
        INSERT INTO assetcrawl_meta(key, value) VALUES ('format', 'assetcrawl-postgres');
        """,
        // 2: --max-pages counted for the crawl as a whole (pages admitted by all processes);
        // --delay: one request at a time per origin, under a lease (host_pace.holder).
        """
        ALTER TABLE host_pace ADD COLUMN holder text, ADD COLUMN lease_until timestamptz;
        INSERT INTO assetcrawl_meta(key, value)
            SELECT 'pagesAdmitted', count(*)::text FROM frontier WHERE depth IS NOT NULL AND purpose = 0
            ON CONFLICT (key) DO NOTHING;
        """,
        // 3: the queue apart from the seen set. A frontier row is written once (its state
        // changes only when a parked page is released); what is queued or claimed is a row of
        // `queue`, claimed by setting its owner (no indexed column changes, so the update is a
        // HOT one: no index entry written; fillfactor leaves the page room for it) and deleted
        // when done. A claim's lease is its process's row in `workers`, renewed once for all
        // of its claims. Before, each frontier row was rewritten twice (claimed, then done)
        // with all its indexes, and the claim's plan read the whole queue. Claims held by
        // processes of the old version go back to the queue: all processes of a crawl run one
        // version. Frontier states 1 and 2 of older stores mean admitted, like 0.
        """
        CREATE TABLE queue(id bigint PRIMARY KEY, urgent boolean NOT NULL, owner text) WITH (fillfactor = 50);
        CREATE INDEX queue_urgent ON queue(id) WHERE urgent;
        CREATE TABLE workers(owner text PRIMARY KEY, lease_until timestamptz NOT NULL);
        INSERT INTO queue(id, urgent) SELECT id, urgent FROM frontier WHERE state IN (0, 1) ORDER BY id;
        DROP INDEX frontier_queue;
        DROP INDEX frontier_claimed;
        ALTER TABLE frontier DROP COLUMN owner, DROP COLUMN lease_until;
        """,
    ]

    /// Creates the schema's tables, or migrates them to ``migrations``' last version; refuses a
    /// schema holding other tables, or a store newer than this build.
    static func prepareSchema(_ session: PostgresSession, location: PostgresLocation) async throws {
        let schema = location.schema
        try await session.transaction { session in
            try await session.run("SELECT pg_advisory_xact_lock(hashtext(\(schema)))")
            try await session.run(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""))
            var tables: [String] = []
            for try await name in try await session.rows(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = \(schema) ORDER BY 1").decode(String.self) {
                tables.append(name)
            }
            var version = 0
            if !tables.isEmpty {
                guard tables.contains("assetcrawl_meta") else {
                    let listed = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
                    throw PostgresStoreError(.notAStore, "\(location) holds tables of another tool (\(listed)); give an empty database, or a schema of its own: add ?schema=assetcrawl to the URL")
                }
                var meta: [String: String] = [:]
                for try await (key, value) in try await session.rows("SELECT key, value FROM assetcrawl_meta").decode((String, String).self) {
                    meta[key] = value
                }
                guard meta["format"] == format else {
                    throw PostgresStoreError(.notAStore, "\(location) has a table assetcrawl_meta that is not an assetcrawl store's (format \(meta["format"] ?? "none")); give an empty database or ?schema=NAME")
                }
                version = Int(meta["schemaVersion"] ?? "") ?? 1
                guard version <= migrations.count else {
                    throw PostgresStoreError(.notAStore, "\(location) holds a crawl store of schema version \(version); this assetcrawl knows up to \(migrations.count): use a newer assetcrawl")
                }
            }
            // One statement at a time: the extended protocol takes no lists of statements.
            for step in migrations.dropFirst(version) {
                for statement in step.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                    try await session.run(PostgresQuery(unsafeSQL: String(statement)))
                }
            }
            if version < migrations.count {
                try await session.run("""
                    INSERT INTO assetcrawl_meta(key, value) VALUES ('schemaVersion', \(String(migrations.count)))
                    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                    """)
            }
        }
    }
}
