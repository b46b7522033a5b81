public import Foundation

/// Reads a JSON object from a file in chunks of 256 KiB, handing over the elements of some of
/// its top-level arrays one at a time: a report of a million URLs is read in the memory of one
/// element plus the rest of the object, never as a whole document.
///
/// ```swift
/// let rest = try JSONObjectStream.read(path, streaming: ["pages"]) { key, element in … }
/// // `rest` is the object with those arrays empty: {"version": 1, "pages": [], …}
/// ```
///
/// It only splits the text (strings, escapes and nesting); the caller decodes each piece, so a
/// malformed element fails there, with the element's index.
public enum JSONObjectStream {
    /// The file is not a JSON object that ends (or cannot be read).
    public struct Failure: Error, Sendable {
        public var message: String
    }

    /// Calls `element` with the key and the bytes of each element of the top-level arrays named
    /// in `streaming`, in file order; returns the object's bytes with those arrays empty.
    public static func read(_ path: String, streaming arrays: Set<String>,
                            element: (_ key: String, _ bytes: [UInt8]) throws -> Void) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(message: "cannot read \(path)") }
        defer { try? handle.close() }
        var scanner = Scanner(arrays: Set(arrays.map { Array($0.utf8) }))
        while let chunk = try handle.read(upToCount: 1 << 18), !chunk.isEmpty {
            try chunk.withUnsafeBytes { try scanner.feed($0, element: element) }
        }
        try scanner.finish()
        return scanner.rest
    }

    /// The state between chunks.
    struct Scanner {
        let arrays: Set<[UInt8]>
        var rest: [UInt8] = []
        private var depth = 0
        private var inString = false, escaped = false
        /// The last string closed at depth 1 (a key, once a `:` follows), and the key being read.
        private var string: [UInt8] = [], lastString: [UInt8] = [], key: [UInt8] = []
        /// Inside a streamed array: its key, and the element being gathered.
        private var streamedKey: String?
        private var current: [UInt8] = []
        private var started = false

        init(arrays: Set<[UInt8]>) { self.arrays = arrays }

        mutating func feed(_ bytes: UnsafeRawBufferPointer, element: (String, [UInt8]) throws -> Void) throws {
            for byte in bytes {
                if let name = streamedKey {
                    try stream(byte, key: name, element: element)
                } else {
                    try top(byte)
                }
            }
        }

        /// A byte outside the streamed arrays: kept in `rest`.
        private mutating func top(_ byte: UInt8) throws {
            if !started {
                if isSpace(byte) { return }
                guard byte == UInt8(ascii: "{") else { throw Failure(message: "not a JSON object (it starts with \(String(decoding: [byte], as: UTF8.self)))") }
                started = true
            }
            rest.append(byte)
            if inString {
                if depth == 1 { string.append(byte) }
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 1 { string.removeLast(); lastString = string }
                }
                return
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                string.removeAll(keepingCapacity: true)
            case UInt8(ascii: ":") where depth == 1:
                key = lastString
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth == 2, byte == UInt8(ascii: "["), arrays.contains(key) {
                    streamedKey = String(decoding: key, as: UTF8.self)
                    rest.append(UInt8(ascii: "]"))
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                guard depth >= 0 else { throw Failure(message: "not JSON: a bracket closes nothing") }
                if depth == 0 { key = [] }
            case UInt8(ascii: ","):
                if depth == 1 { key = [] }
            default:
                break
            }
        }

        /// A byte inside a streamed array (depth 2 at its own level).
        private mutating func stream(_ byte: UInt8, key name: String, element: (String, [UInt8]) throws -> Void) throws {
            if inString {
                current.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                return
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                current.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                current.append(byte)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 2 {
                    // The array ends (its `]` is already in `rest`).
                    guard byte == UInt8(ascii: "]") else { throw Failure(message: "not JSON: \(name) ends with }") }
                    try emit(name, element)
                    depth = 1
                    streamedKey = nil
                    key = []
                } else {
                    depth -= 1
                    current.append(byte)
                }
            case UInt8(ascii: ",") where depth == 2:
                try emit(name, element)
            default:
                if depth > 2 || !isSpace(byte) { current.append(byte) }
            }
        }

        private mutating func emit(_ name: String, _ element: (String, [UInt8]) throws -> Void) throws {
            guard !current.isEmpty else { return }
            try element(name, current)
            current.removeAll(keepingCapacity: true)
        }

        func finish() throws {
            guard started else { throw Failure(message: "not JSON: the file is empty") }
            guard depth == 0, !inString, streamedKey == nil else { throw Failure(message: "not JSON: the file ends inside the object (cut short?)") }
        }

        private func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        }
    }
}
