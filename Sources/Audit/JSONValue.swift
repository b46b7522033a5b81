/// A JSON value that remembers the line it started on, so that a budget file's problems can
/// be reported as `budget.json:12: …` rather than as a coding path.
///
/// A small RFC 8259 parser: objects keep their keys in file order; numbers are `Double`.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(key: String, keyLine: Int, value: Located)])
    case array([Located])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// A value and the 1-based line where it starts.
    public struct Located: Sendable, Equatable {
        public var value: JSONValue
        public var line: Int
    }

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// A syntax error at a line and column.
    public struct SyntaxError: Error, Sendable, Equatable {
        public var line: Int
        public var column: Int
        public var message: String
    }

    /// Parses UTF-8 JSON text.
    ///
    /// - Throws: `SyntaxError` with the line and column of the first problem.
    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> Located {
        var parser = Parser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        if parser.i < bytes.count { throw parser.error("unexpected text after the end of the JSON value") }
        return value
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0
        var line = 1
        var lineStart = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            // Skip a UTF-8 byte order mark.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3; lineStart = 3 }
        }

        func error(_ message: String) -> SyntaxError {
            SyntaxError(line: line, column: i - lineStart + 1, message: message)
        }

        mutating func skipSpace() {
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\n"): line += 1; i += 1; lineStart = i
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): i += 1
                default: return
                }
            }
        }

        mutating func expect(_ c: Character, _ what: String) throws(SyntaxError) {
            skipSpace()
            guard i < bytes.count, bytes[i] == c.asciiValue else {
                throw error(i < bytes.count ? "expected \(what), found '\(Character(Unicode.Scalar(bytes[i])))'" : "expected \(what), found the end of the file")
            }
            i += 1
        }

        mutating func value(depth: Int) throws(SyntaxError) -> Located {
            guard depth < 200 else { throw error("nested too deeply") }
            skipSpace()
            let startLine = line
            guard i < bytes.count else { throw error("expected a value, found the end of the file") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [(key: String, keyLine: Int, value: Located)] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return Located(value: .object(members), line: startLine) }
                while true {
                    skipSpace()
                    let keyLine = line
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
                    let key = try string()
                    try expect(":", "':' after the key \"\(key)\"")
                    let v = try value(depth: depth + 1)
                    if members.contains(where: { $0.key == key }) {
                        throw SyntaxError(line: keyLine, column: 1, message: "the key \"\(key)\" appears twice")
                    }
                    members.append((key, keyLine, v))
                    skipSpace()
                    guard i < bytes.count else { throw error("expected ',' or '}', found the end of the file") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                    throw error("expected ',' or '}' after the value of \"\(key)\"")
                }
                return Located(value: .object(members), line: startLine)
            case UInt8(ascii: "["):
                i += 1
                var items: [Located] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return Located(value: .array(items), line: startLine) }
                while true {
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < bytes.count else { throw error("expected ',' or ']', found the end of the file") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; break }
                    throw error("expected ',' or ']' in the list")
                }
                return Located(value: .array(items), line: startLine)
            case UInt8(ascii: "\""):
                return Located(value: .string(try string()), line: startLine)
            case UInt8(ascii: "t"): try literal("true"); return Located(value: .bool(true), line: startLine)
            case UInt8(ascii: "f"): try literal("false"); return Located(value: .bool(false), line: startLine)
            case UInt8(ascii: "n"): try literal("null"); return Located(value: .null, line: startLine)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = i
                while i < bytes.count, "+-.eE0123456789".utf8.contains(bytes[i]) { i += 1 }
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                guard let number = Double(text) else { throw error("'\(text)' is not a number") }
                return Located(value: .number(number), line: startLine)
            default:
                throw error("expected a value, found '\(Character(Unicode.Scalar(bytes[i])))' (strings need double quotes)")
            }
        }

        mutating func literal(_ word: String) throws(SyntaxError) {
            guard bytes[i...].starts(with: word.utf8) else { throw error("expected \(word)") }
            i += word.utf8.count
        }

        mutating func string() throws(SyntaxError) -> String {
            i += 1 // opening quote
            var out: [UInt8] = []
            while i < bytes.count {
                let b = bytes[i]
                switch b {
                case UInt8(ascii: "\""):
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard i + 1 < bytes.count else { throw error("unfinished escape") }
                    let e = bytes[i + 1]
                    i += 2
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard i + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
                            throw error("bad \\u escape")
                        }
                        i += 4
                        out.append(contentsOf: String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8)
                    default: out.append(e)
                    }
                case 0x0A:
                    throw error("a string runs past the end of the line (missing closing quote?)")
                default:
                    out.append(b)
                    i += 1
                }
            }
            throw error("unfinished string")
        }
    }
}
