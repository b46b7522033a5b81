internal import Foundation

/// One encoded value before it is written out.
enum JSONNode {
    case null
    case bool(Bool)
    /// A number as JSONEncoder spells it.
    case number(String)
    case string(String)
    case array(Array)
    case object(Object)
    /// A value a nested or super encoder fills in after the call that made it returns.
    case pending(JSONNodeEncoder)

    final class Array { var items: [JSONNode] = [] }

    final class Object {
        var entries: [(key: String, value: JSONNode)] = []

        /// The entries by key (UTF-8 byte order, as JSONEncoder sorts them), the last one kept
        /// when a key was encoded twice.
        func sorted() -> [(key: String, value: JSONNode)] {
            guard entries.count > 1 else { return entries }
            // The first 8 bytes of each key decide most comparisons without touching the strings.
            let prefixes = entries.map { Self.prefix($0.key) }
            let order = entries.indices.sorted { a, b in
                if prefixes[a] != prefixes[b] { return prefixes[a] < prefixes[b] }
                switch Self.compare(entries[a].key, entries[b].key) {
                case 0: return a < b
                case let c: return c < 0
                }
            }
            var out: [(key: String, value: JSONNode)] = []
            out.reserveCapacity(order.count)
            for i in order {
                if let last = out.last, last.key == entries[i].key { out[out.count - 1] = entries[i] } else { out.append(entries[i]) }
            }
            return out
        }

        /// A key's first 8 UTF-8 bytes, big-endian, zero-padded: ordered as the keys are, or equal.
        static func prefix(_ key: String) -> UInt64 {
            var value: UInt64 = 0
            var n = 0
            for b in key.utf8 {
                value |= UInt64(b) << (56 - 8 * n)
                n += 1
                if n == 8 { break }
            }
            return value
        }

        /// The order of two keys' UTF-8 bytes (negative, 0, positive), as `memcmp` then length.
        static func compare(_ a: String, _ b: String) -> Int {
            let fast = a.utf8.withContiguousStorageIfAvailable { x in
                b.utf8.withContiguousStorageIfAvailable { y -> Int in
                    let n = min(x.count, y.count)
                    let c = n == 0 ? 0 : Int(memcmp(x.baseAddress!, y.baseAddress!, n))
                    return c != 0 ? c : x.count - y.count
                }
            }
            if let fast = fast ?? nil { return fast }
            return a == b ? 0 : a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
        }
    }

    static func number(_ value: some BinaryFloatingPoint & CustomStringConvertible) throws -> JSONNode {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .number(text)
    }
}

/// The `Encoder` that builds ``JSONNode``s: one per value that encodes itself.
final class JSONNodeEncoder: Encoder {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// What was encoded into this encoder (nil: nothing yet).
    var value: JSONNode?

    /// The node for `value`, with JSONEncoder's special cases for Date, Data, URL and Decimal.
    static func wrap<T: Encodable>(_ value: T) throws -> JSONNode {
        if T.self == String.self { return .string(value as! String) }
        if T.self == Int.self { return .number(String(value as! Int)) }
        if T.self == Bool.self { return .bool(value as! Bool) }
        if T.self == Double.self { return try JSONNode.number(value as! Double) }
        // Metatype checks, not casts: the reports encode concrete types, never `any Encodable`.
        if T.self == Date.self { return try JSONNode.number((value as! Date).timeIntervalSinceReferenceDate) }
        if T.self == Data.self { return .string((value as! Data).base64EncodedString()) }
        if T.self == URL.self { return .string((value as! URL).absoluteString) }
        if T.self == Decimal.self { return .number((value as! Decimal).description) }
        let encoder = JSONNodeEncoder()
        try value.encode(to: encoder)
        return encoder.value ?? .object(JSONNode.Object())
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let object) = value { return KeyedEncodingContainer(Keyed<Key>(object: object)) }
        let object = JSONNode.Object()
        value = .object(object)
        return KeyedEncodingContainer(Keyed<Key>(object: object))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let array) = value { return Unkeyed(array: array) }
        let array = JSONNode.Array()
        value = .array(array)
        return Unkeyed(array: array)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: JSONNode.Object
        var codingPath: [any CodingKey] { [] }

        func set(_ node: JSONNode, _ key: Key) { object.entries.append((key.stringValue, node)) }

        mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { set(try JSONNode.number(value), key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { set(try JSONNode.number(value), key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { set(.number(String(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { set(.number(String(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { set(.number(String(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { set(.number(String(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { set(.number(String(value)), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { set(.number(String(value)), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.number(String(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.number(String(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.number(String(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.number(String(value)), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { set(try JSONNodeEncoder.wrap(value), key) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = JSONNode.Object()
            set(.object(nested), key)
            return KeyedEncodingContainer(Keyed<NestedKey>(object: nested))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = JSONNode.Array()
            set(.array(nested), key)
            return Unkeyed(array: nested)
        }

        mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

        private func superEncoder(named name: String) -> any Encoder {
            let encoder = JSONNodeEncoder()
            object.entries.append((name, .pending(encoder)))
            return encoder
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let array: JSONNode.Array
        var codingPath: [any CodingKey] { [] }
        var count: Int { array.items.count }

        mutating func encodeNil() throws { array.items.append(.null) }
        mutating func encode(_ value: Bool) throws { array.items.append(.bool(value)) }
        mutating func encode(_ value: String) throws { array.items.append(.string(value)) }
        mutating func encode(_ value: Double) throws { array.items.append(try JSONNode.number(value)) }
        mutating func encode(_ value: Float) throws { array.items.append(try JSONNode.number(value)) }
        mutating func encode(_ value: Int) throws { array.items.append(.number(String(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws { array.items.append(try JSONNodeEncoder.wrap(value)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = JSONNode.Object()
            array.items.append(.object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(object: nested))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = JSONNode.Array()
            array.items.append(.array(nested))
            return Unkeyed(array: nested)
        }

        mutating func superEncoder() -> any Encoder {
            let encoder = JSONNodeEncoder()
            array.items.append(.pending(encoder))
            return encoder
        }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: JSONNodeEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { encoder.value = .null }
        mutating func encode(_ value: Bool) throws { encoder.value = .bool(value) }
        mutating func encode(_ value: String) throws { encoder.value = .string(value) }
        mutating func encode(_ value: Double) throws { encoder.value = try JSONNode.number(value) }
        mutating func encode(_ value: Float) throws { encoder.value = try JSONNode.number(value) }
        mutating func encode(_ value: Int) throws { encoder.value = .number(String(value)) }
        mutating func encode(_ value: Int8) throws { encoder.value = .number(String(value)) }
        mutating func encode(_ value: Int16) throws { encoder.value = .number(String(value)) }
        mutating func encode(_ value: Int32) throws { encoder.value = .number(String(value)) }
        mutating func encode(_ value: Int64) throws { encoder.value = .number(String(value)) }
        mutating func encode(_ value: UInt) throws { encoder.value = .number(String(value)) }
        mutating func encode(_ value: UInt8) throws { encoder.value = .number(String(value)) }
        mutating func encode(_ value: UInt16) throws { encoder.value = .number(String(value)) }
        mutating func encode(_ value: UInt32) throws { encoder.value = .number(String(value)) }
        mutating func encode(_ value: UInt64) throws { encoder.value = .number(String(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { encoder.value = try JSONNodeEncoder.wrap(value) }
    }
}
