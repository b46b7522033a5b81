/// An entity tag (RFC 9110 §8.8.3): an opaque quoted string, weak or strong.
public struct EntityTag: Sendable, Hashable, CustomStringConvertible {
    public var opaque: String
    public var weak: Bool

    public init(opaque: String, weak: Bool = false) {
        self.opaque = opaque
        self.weak = weak
    }

    /// `"abc"` or `W/"abc"`.
    public var description: String { (weak ? "W/" : "") + "\"" + opaque + "\"" }

    /// Parses one entity tag, with optional surrounding whitespace; nil when it is not one.
    public init?(parsing text: Substring) {
        var copy = String(text)
        guard let tag = copy.withUTF8({ EntityTag(utf8: $0[...]) }) else { return nil }
        self = tag
    }

    /// Parses one entity tag from UTF-8 bytes; nil when it is not one.
    init?(utf8 bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        var s = bytes
        while let first = s.first, first == 32 || first == 9 { s = s.dropFirst() }
        while let last = s.last, last == 32 || last == 9 { s = s.dropLast() }
        var weak = false
        if s.count >= 2, s[s.startIndex] == UInt8(ascii: "W"), s[s.startIndex + 1] == UInt8(ascii: "/") {
            weak = true
            s = s.dropFirst(2)
        }
        guard s.count >= 2, s.first == UInt8(ascii: "\""), s.last == UInt8(ascii: "\"") else { return nil }
        let inner = s.dropFirst().dropLast()
        guard !inner.contains(UInt8(ascii: "\"")) else { return nil }
        self.init(opaque: String(decoding: inner, as: UTF8.self), weak: weak)
    }

    /// Whether `field` is exactly this tag in its strong form, `"opaque"` — the usual
    /// If-None-Match of a revalidating client — checked without parsing or allocating.
    public func isSpelledStrongly(by field: String) -> Bool {
        guard field.utf8.count == opaque.utf8.count + 2, field.utf8.first == UInt8(ascii: "\""), field.utf8.last == UInt8(ascii: "\"") else {
            return false
        }
        // Over contiguous bytes when both strings have them (native strings do): no generic iterators.
        if let fast = field.utf8.withContiguousStorageIfAvailable({ f in
            opaque.utf8.withContiguousStorageIfAvailable { o in
                for i in 0..<o.count where f[i + 1] != o[i] { return false }
                return true
            }
        }), let result = fast {
            return result
        }
        return field.utf8.dropFirst().dropLast().elementsEqual(opaque.utf8)
    }

    /// Weak comparison (§8.8.3.2): opaque strings equal, either may be weak (If-None-Match).
    public func weaklyMatches(_ other: EntityTag) -> Bool { opaque == other.opaque }

    /// Strong comparison (§8.8.3.2): both strong and equal (If-Match, If-Range).
    public func stronglyMatches(_ other: EntityTag) -> Bool { !weak && !other.weak && opaque == other.opaque }
}

/// The value of If-Match or If-None-Match (§13.1.1, §13.1.2): `*` or a list of entity tags.
public enum EntityTagCondition: Sendable, Equatable {
    case any
    case tags([EntityTag])

    /// Parses every field line of the header, joined as a list; malformed members are skipped.
    /// Works on the UTF-8 bytes: it runs on every conditional request.
    public init(parsing lines: [String]) {
        var tags: [EntityTag] = []
        for line in lines {
            var line = line
            let any: Bool = line.withUTF8 { whole in
                var utf8 = whole[...]
                while let first = utf8.first, first == 32 || first == 9 { utf8 = utf8.dropFirst() }
                while let last = utf8.last, last == 32 || last == 9 { utf8 = utf8.dropLast() }
                if utf8.count == 1, utf8.first == UInt8(ascii: "*") { return true }
                // Split on commas outside quotes.
                var inQuotes = false
                var start = utf8.startIndex
                var i = utf8.startIndex
                while i <= utf8.endIndex {
                    if i < utf8.endIndex, utf8[i] == UInt8(ascii: "\"") { inQuotes.toggle() }
                    if i == utf8.endIndex || (utf8[i] == UInt8(ascii: ",") && !inQuotes) {
                        if let t = EntityTag(utf8: utf8[start..<i]) { tags.append(t) }
                        start = i + 1
                    }
                    i += 1
                }
                return false
            }
            if any {
                self = .any
                return
            }
        }
        self = .tags(tags)
    }

    /// If-None-Match's test: `*` matches any current representation, a list by weak comparison.
    public func matchesWeakly(_ current: EntityTag?) -> Bool {
        switch self {
        case .any: return current != nil
        case .tags(let list): return current.map { c in list.contains { $0.weaklyMatches(c) } } ?? false
        }
    }

    /// If-Match's test: `*` matches any current representation, a list by strong comparison.
    public func matchesStrongly(_ current: EntityTag?) -> Bool {
        switch self {
        case .any: return current != nil
        case .tags(let list): return current.map { c in list.contains { $0.stronglyMatches(c) } } ?? false
        }
    }
}
