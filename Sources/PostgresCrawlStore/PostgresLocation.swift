public import Foundation

/// Where a PostgreSQL crawl store lives, from a `postgresql://user[:password]@host[:port]/database`
/// URL (`postgres://` too). Query parameters: `schema=NAME` keeps the crawl in that schema
/// (created when missing; one crawl per schema, default `public`, one crawl per database),
/// `lease=SECONDS` is how long a claim lasts without renewal (default 30), `sslmode=disable`
/// or `require` (default: TLS when the server offers it). A missing password comes from `PGPASSWORD`.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var schema: String
    public var lease: Duration
    public var sslMode: String

    /// True for a `postgresql://` or `postgres://` URL (the CLI tells stores apart by it).
    public static func isPostgresURL(_ string: String) -> Bool {
        string.hasPrefix("postgresql://") || string.hasPrefix("postgres://")
    }

    public init(parsing string: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isPostgresURL(string), let components = URLComponents(string: string), let host = components.host, !host.isEmpty else {
            throw PostgresStoreError(.badURL, "not a PostgreSQL URL: \(Self.redacted(string)) (give one like postgresql://USER@127.0.0.1:5432/DATABASE)")
        }
        self.host = host
        port = components.port ?? 5432
        user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding } ?? environment["PGPASSWORD"]
        let path = components.path.drop { $0 == "/" }
        database = path.isEmpty ? user : String(path)
        schema = "public"
        lease = .seconds(30)
        sslMode = "prefer"
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "schema":
                guard value.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                    throw PostgresStoreError(.badURL, "schema=\(value): give a lower-case name of letters, digits and _ (e.g. schema=crawl_1)")
                }
                schema = value
            case "lease":
                guard let seconds = Double(value), seconds >= 1, seconds <= 3600 else {
                    throw PostgresStoreError(.badURL, "lease=\(value): give seconds between 1 and 3600 (e.g. lease=30)")
                }
                lease = .milliseconds(Int(seconds * 1000))
            case "sslmode":
                guard ["disable", "prefer", "require"].contains(value) else {
                    throw PostgresStoreError(.badURL, "sslmode=\(value): give disable, prefer or require")
                }
                sslMode = value
            default:
                throw PostgresStoreError(.badURL, "unknown parameter \(item.name) in \(Self.redacted(string)) (known: schema, lease, sslmode)")
            }
        }
    }

    /// The URL without its password, for messages.
    public var description: String {
        "postgresql://\(user)@\(host):\(port)/\(database)" + (schema == "public" ? "" : "?schema=\(schema)")
    }

    /// `string` with any password replaced by `***`.
    static func redacted(_ string: String) -> String {
        guard var components = URLComponents(string: string), components.password != nil else { return string }
        components.password = "***"
        return components.string ?? string
    }
}
