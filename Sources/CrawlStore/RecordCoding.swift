/// The compact binary form of the store's records: a format byte, then fields in declaration
/// order — unsigned LEB128 varints for counts and lengths, zigzag varints for integers, a
/// presence byte before each optional, length-prefixed UTF-8 for strings, enums by raw value,
/// doubles and digests as 8 little-endian bytes. It replaced Foundation's JSONEncoder/Decoder,
/// which cost most of the store's share of a crawl (encoding on write, decoding in reports).
///
/// A field added to a record type must be added here too (after the others; bump
/// ``RecordWriter/format`` and the store's format version); `RecordCodingTests` counts the
/// stored properties so that a forgotten one fails a test.
struct RecordWriter {
    /// The first byte of every record.
    static let format: UInt8 = 1
    private(set) var bytes: [UInt8]

    init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(Self.format)
    }

    mutating func uvarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func int(_ value: Int) {
        let v = Int64(value)
        uvarint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    mutating func count(_ value: Int) { uvarint(UInt64(value)) }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func double(_ value: Double) { fixed64(value.bitPattern) }

    mutating func string(_ value: String) {
        let utf8 = value.utf8
        count(utf8.count)
        // A native string's bytes at once, without the copy `withUTF8` needs on a `var`.
        let copied: Void? = utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if copied == nil { bytes.append(contentsOf: utf8) }
    }

    /// A presence byte, then the value when there is one.
    mutating func optional<T>(_ value: T?, _ write: (inout RecordWriter, T) -> Void) {
        bool(value != nil)
        if let value { write(&self, value) }
    }

    mutating func array<T>(_ values: [T], _ write: (inout RecordWriter, T) -> Void) {
        count(values.count)
        // Through the buffer: each element is lent to `write`, not copied out (an array's
        // subscript, even by index, copied every reference of a page: a retain per string field).
        values.withUnsafeBufferPointer { buffer in
            for i in buffer.indices { write(&self, buffer[i]) }
        }
    }
}

/// Reads what ``RecordWriter`` wrote; a short or malformed record throws `StoreError(.notAStore)`.
struct RecordReader {
    private let bytes: [UInt8]
    private var index: Int

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        index = 0
        let format = try byte()
        guard format == RecordWriter.format else {
            throw StoreError(.notAStore, "a stored record has format \(format), this build reads format \(RecordWriter.format)")
        }
    }

    /// True when every byte was read.
    var isAtEnd: Bool { index == bytes.count }

    private func malformed(_ what: String) -> StoreError {
        StoreError(.notAStore, "a stored record is malformed (\(what) at byte \(index) of \(bytes.count))")
    }

    private mutating func byte() throws -> UInt8 {
        guard index < bytes.count else { throw malformed("record ends early") }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func uvarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw malformed("varint too long") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    mutating func int() throws -> Int {
        let u = try uvarint()
        return Int(truncatingIfNeeded: Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1))))
    }

    mutating func count() throws -> Int {
        let n = try uvarint()
        guard n <= UInt64(bytes.count - index) else { throw malformed("count \(n) past the end") }
        return Int(n)
    }

    mutating func bool() throws -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        case let b: throw malformed("flag \(b)")
        }
    }

    mutating func fixed64() throws -> UInt64 {
        guard bytes.count - index >= 8 else { throw malformed("record ends early") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[index + i]) << (8 * UInt64(i)) }
        index += 8
        return v
    }

    mutating func double() throws -> Double { Double(bitPattern: try fixed64()) }

    mutating func string() throws -> String {
        let n = try count()
        defer { index += n }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[index..<index + n]), as: UTF8.self) }
    }

    /// Steps over a string without making it.
    mutating func skipString() throws { index += try count() }

    /// Steps over an optional value.
    mutating func skipOptional(_ skip: (inout RecordReader) throws -> Void) throws {
        if try bool() { try skip(&self) }
    }

    /// A value of a `String`-backed enum.
    mutating func raw<T: RawRepresentable>(_ type: T.Type) throws -> T where T.RawValue == String {
        let s = try string()
        guard let value = T(rawValue: s) else { throw malformed("unknown \(T.self) \"\(s)\"") }
        return value
    }

    mutating func optional<T>(_ read: (inout RecordReader) throws -> T) throws -> T? {
        try bool() ? try read(&self) : nil
    }

    mutating func array<T>(_ read: (inout RecordReader) throws -> T) throws -> [T] {
        let n = try count()
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try read(&self)) }
        return out
    }
}
