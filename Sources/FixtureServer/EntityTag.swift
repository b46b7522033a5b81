internal import Foundation

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

    /// Whether `field` is exactly this tag in its strong form, `"opaque"` — the usual
    /// If-None-Match of a revalidating client — checked without parsing or allocating.
    func isSpelledStrongly(by field: String) -> Bool {
        var field = field
        var opaque = opaque
        return field.withUTF8 { f in
            opaque.withUTF8 { o in
                f.count == o.count + 2 && f[0] == UInt8(ascii: "\"") && f[f.count - 1] == UInt8(ascii: "\"")
                    && (o.isEmpty || memcmp(f.baseAddress! + 1, o.baseAddress!, o.count) == 0)
            }
        }
    }

    /// Parses one entity tag; nil when it is not one.
    public init?(parsing text: Substring) {
        var s = text.drop { $0 == " " || $0 == "\t" }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        var weak = false
        if s.hasPrefix("W/") { weak = true; s = s.dropFirst(2) }
        guard s.count >= 2, s.first == "\"", s.last == "\"" else { return nil }
        let inner = s.dropFirst().dropLast()
        guard !inner.contains("\"") else { return nil }
        self.init(opaque: String(inner), weak: weak)
    }

    /// Parses one entity tag from UTF-8 bytes; nil when it is not one.
    init?(utf8 bytes: ArraySlice<UInt8>) {
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

    /// Weak comparison: opaque strings equal, either may be weak (If-None-Match).
    public func weaklyMatches(_ other: EntityTag) -> Bool { opaque == other.opaque }

    /// Strong comparison: both strong and equal (If-Match, If-Range).
    public func stronglyMatches(_ other: EntityTag) -> Bool { !weak && !other.weak && opaque == other.opaque }
}

/// The value of If-Match or If-None-Match: `*` or a list of entity tags.
public enum EntityTagCondition: Sendable, Equatable {
    case any
    case tags([EntityTag])

    /// Parses every field line of the header, joined as a list; malformed members are skipped.
    /// Works on the UTF-8 bytes (no Foundation): it runs on every conditional request.
    public init(parsing values: [String]) {
        var tags: [EntityTag] = []
        for value in values {
            var utf8 = Array(value.utf8)[...]
            while let first = utf8.first, first == 32 || first == 9 { utf8 = utf8.dropFirst() }
            while let last = utf8.last, last == 32 || last == 9 { utf8 = utf8.dropLast() }
            if utf8.elementsEqual([UInt8(ascii: "*")]) {
                self = .any
                return
            }
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
        }
        self = .tags(tags)
    }

    func matchesWeakly(_ current: EntityTag?) -> Bool {
        switch self {
        case .any: return current != nil
        case .tags(let list): return current.map { c in list.contains { $0.weaklyMatches(c) } } ?? false
        }
    }

    func matchesStrongly(_ current: EntityTag?) -> Bool {
        switch self {
        case .any: return current != nil
        case .tags(let list): return current.map { c in list.contains { $0.stronglyMatches(c) } } ?? false
        }
    }
}
