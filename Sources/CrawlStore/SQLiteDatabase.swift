internal import CSQLite
internal import Foundation

/// A failed SQLite call, with SQLite's own message and result code.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        /// SQLite refused an operation (I/O error, disk full, corrupt file).
        case sqlite
        /// The file is not a crawl store, or holds a store of another version.
        case notAStore
        /// The store holds no crawl to resume, or already holds one.
        case crawlState
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// One connection to a SQLite file, used by one thread at a time (the store's queue).
///
/// Thin on purpose: prepared statements bound by position, rows read by column; the crawl's
/// write path is a handful of statements run in batched transactions.
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    let path: String

    init(path: String, readOnly: Bool = false) throws {
        self.path = path
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            handle = nil
            throw StoreError(.sqlite, "cannot open the store \(path): \(message)")
        }
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs SQL without results (several statements allowed).
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error \(rc)"
            sqlite3_free(error)
            throw StoreError(.sqlite, "\(path): \(message)")
        }
    }

    func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
              let statement else { throw failure("prepare") }
        return SQLiteStatement(statement, database: self)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    func failure(_ what: String) -> StoreError {
        StoreError(.sqlite, "\(path): \(what): \(String(cString: sqlite3_errmsg(handle)))")
    }

    /// BEGIN and COMMIT, prepared once (a crawl commits many small transactions).
    private var begin, commit: SQLiteStatement?

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        if begin == nil {
            begin = try prepare("BEGIN IMMEDIATE")
            commit = try prepare("COMMIT")
        }
        try begin?.run()
        do {
            let value = try body()
            try commit?.run()
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// A prepared statement, reset after each use so it can be run again.
final class SQLiteStatement {
    private let statement: OpaquePointer
    private unowned let database: SQLiteDatabase

    init(_ statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit { sqlite3_finalize(statement) }

    /// A value to bind by position (1-based, in order).
    enum Value {
        case int(Int)
        case text(String)
        case blob([UInt8])
        case null

        static func optional(_ value: Int?) -> Value { value.map(Value.int) ?? .null }
        static func optional(_ value: String?) -> Value { value.map(Value.text) ?? .null }
    }

    private func bind(_ values: [Value]) throws {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .int(let n): rc = sqlite3_bind_int64(statement, index, Int64(n))
            case .null: rc = sqlite3_bind_null(statement, index)
            case .text(let s):
                var s = s
                rc = s.withUTF8 { utf8 in
                    utf8.withMemoryRebound(to: CChar.self) { chars in
                        // An empty string still binds as text, not NULL: any valid pointer with length 0.
                        assetcrawl_sqlite3_bind_text(statement, index, chars.baseAddress ?? UnsafePointer(bitPattern: 1), Int32(chars.count))
                    }
                }
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { assetcrawl_sqlite3_bind_blob(statement, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count)) }
            }
            guard rc == SQLITE_OK else { throw database.failure("bind") }
        }
    }

    /// Runs the statement to completion, ignoring any rows.
    func run(_ values: Value...) throws {
        try bind(values)
        defer { sqlite3_reset(statement) }
        var rc = sqlite3_step(statement)
        while rc == SQLITE_ROW { rc = sqlite3_step(statement) }
        guard rc == SQLITE_DONE else { throw database.failure("step") }
    }

    /// Runs the statement and hands each row to `body`.
    func query(_ values: Value..., row body: (Row) throws -> Void) throws {
        try bind(values)
        defer { sqlite3_reset(statement) }
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw database.failure("step") }
            try body(Row(statement: statement))
        }
    }

    /// One result row, valid only inside the `query` callback.
    struct Row {
        let statement: OpaquePointer

        func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }
        func optionalInt(_ column: Int32) -> Int? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : int(column)
        }
        func text(_ column: Int32) -> String {
            guard let p = sqlite3_column_text(statement, column) else { return "" }
            return String(cString: p)
        }
        func optionalText(_ column: Int32) -> String? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : text(column)
        }
        func blob(_ column: Int32) -> [UInt8] {
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let p = sqlite3_column_blob(statement, column) else { return [] }
            return Array(UnsafeRawBufferPointer(start: p, count: count))
        }
    }
}
