/// A PostgreSQL store failure, with a code and one line that says what to do.
public struct PostgresStoreError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        /// The URL is not one the store understands.
        case badURL
        /// The server cannot be reached (refused, no route, timeout).
        case unreachable
        /// The server refused the user or the password, or has no such database.
        case authentication
        /// The database (or schema) holds tables of another tool, or a store of a newer version.
        case notAStore
        /// A statement failed.
        case query
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
