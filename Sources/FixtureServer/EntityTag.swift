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
    public init(parsing values: [String]) {
        if values.contains(where: { $0.trimmingCharacters(in: .whitespaces) == "*" }) {
            self = .any
            return
        }
        var tags: [EntityTag] = []
        for value in values {
            // Split on commas outside quotes.
            var inQuotes = false
            var start = value.startIndex
            for i in value.indices {
                if value[i] == "\"" { inQuotes.toggle() }
                if value[i] == ",", !inQuotes {
                    if let t = EntityTag(parsing: value[start..<i]) { tags.append(t) }
                    start = value.index(after: i)
                }
            }
            if let t = EntityTag(parsing: value[start...]) { tags.append(t) }
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
