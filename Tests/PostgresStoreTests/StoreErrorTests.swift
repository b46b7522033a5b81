import Foundation
import Logging
import PostgresCrawlStore
import PostgresNIO
import Testing
import TestSupport

@Suite("PostgreSQL store: schema and errors")
struct StoreErrorTests {
    @Test("an unreachable database is exit 2 with one line that says so")
    func unreachable() async throws {
        // Port 1 on loopback: nothing listens there.
        let result = try await runProcess(RepoPaths.binary, ["crawl", "http://127.0.0.1:1/", "--store", "postgresql://postgres@127.0.0.1:1/postgres?sslmode=disable"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot reach the database at postgresql://postgres@127.0.0.1:1/postgres"), "\(result.stderr)")
        let worker = try await runProcess(RepoPaths.binary, ["worker", "postgresql://postgres@127.0.0.1:1/postgres?sslmode=disable"])
        #expect(worker.status == 2)
        #expect(worker.stderr.contains("cannot reach the database"), "\(worker.stderr)")
    }

    @Test("a bad URL, and a SQLite file given to worker, say what to type instead")
    func badInput() async throws {
        let schema = try await runProcess(RepoPaths.binary, ["report", "postgresql://u@127.0.0.1/db?schema=Bad-Name"])
        #expect(schema.status == 2)
        #expect(schema.stderr.contains("schema=Bad-Name: give a lower-case name"), "\(schema.stderr)")
        let sqlite = try await runProcess(RepoPaths.binary, ["worker", "crawl.sqlite"])
        #expect(sqlite.status == 2)
        #expect(sqlite.stderr.contains("assetcrawl crawl --resume FILE"), "\(sqlite.stderr)")
        let password = try await runProcess(RepoPaths.binary, ["report", "postgresql://u:secret@127.0.0.1/db?bogus=1"])
        #expect(password.status == 2)
        #expect(!password.stderr.contains("secret"), "the password is printed: \(password.stderr)")
    }

    @Test("a user the server refuses, an empty database for a worker, a second crawl, another tool's tables",
          .requires(.postgresServer))
    func refusals() async throws {
        let db = try testDatabase()
        let location = try PostgresLocation(parsing: db)
        let refused = db.replacingOccurrences(of: "postgresql://\(location.user)@", with: "postgresql://nosuchuser@")
        let user = try await runProcess(RepoPaths.binary, ["report", refused])
        #expect(user.status == 2)
        #expect(user.stderr.contains("refused user nosuchuser"), "\(user.stderr)")

        let empty = try await runProcess(RepoPaths.binary, ["worker", db, "--wait", "0"])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("holds no crawl"), "\(empty.stderr)")
        let nothing = try await runProcess(RepoPaths.binary, ["report", db])
        #expect(nothing.status == 2)
        #expect(nothing.stderr.hasPrefix("assetcrawl: ") && nothing.stderr.contains("holds no crawl; start one with assetcrawl crawl URL --store"), "\(nothing.stderr)")

        try await withScratch { dir in
            let site = dir.appendingPathComponent("site")
            try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
            try Data("<!doctype html><title>x</title>".utf8).write(to: site.appendingPathComponent("index.html"))
            let first = try await runProcess(RepoPaths.binary, ["crawl", "--serve", site.path, "--store", db, "--quiet"])
            #expect(first.status == 0, "\(first.stderr)")
            let second = try await runProcess(RepoPaths.binary, ["crawl", "--serve", site.path, "--store", db, "--quiet"])
            #expect(second.status == 2)
            #expect(second.stderr.contains("already holds a crawl: join it with assetcrawl worker"), "\(second.stderr)")
        }

        // A schema with a table of some other tool.
        let other = "o_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                             password: location.password, database: location.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "test"))
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(other)"), logger: Logger(label: "test"))
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE TABLE \(other).invoices(id int)"), logger: Logger(label: "test"))
        try await connection.close()
        let foreign = db.replacingOccurrences(of: "schema=\(location.schema)", with: "schema=\(other)")
        let result = try await runProcess(RepoPaths.binary, ["report", foreign])
        #expect(result.status == 2)
        #expect(result.stderr.contains("holds tables of another tool (invoices)"), "\(result.stderr)")
    }
}
