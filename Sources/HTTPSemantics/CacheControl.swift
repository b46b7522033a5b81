/// `Cache-Control` directives (RFC 9111 §5.2), from every line of the field.
///
/// Names are lowercased; values are unquoted; when a directive repeats, the first occurrence
/// wins. Readers ask for the directives by name:
///
/// ```swift
/// let cc = CacheControl(["public, max-age=60", "Immutable"])
/// cc.maxAge        // 60
/// cc.has("immutable")  // true
/// ```
public struct CacheControl: Sendable, Hashable {
    /// Every directive, by lowercased name; the value is nil for a directive without `=`.
    public private(set) var directives: [String: String?] = [:]

    /// Parses the field lines (empty when the response has none).
    public init(_ lines: [String]) {
        for member in HTTPList.members(lines) {
            let name: String, value: String?
            if let eq = member.firstIndex(of: "=") {
                name = HTTPList.trimmingOWS(member[..<eq]).lowercased()
                value = HTTPList.unquoted(HTTPList.trimmingOWS(member[member.index(after: eq)...]))
            } else {
                name = member.lowercased()
                value = nil
            }
            if !name.isEmpty, directives[name] == nil { directives[name] = .some(value) }
        }
    }

    /// No directive at all (no field, or only empty members).
    public var isEmpty: Bool { directives.isEmpty }
    /// Whether the directive is present, with or without a value.
    public func has(_ name: String) -> Bool { directives[name] != nil }
    /// The value of a directive that has one (`max-age=60` → "60").
    public func value(_ name: String) -> String? { directives[name] ?? nil }

    /// `no-store` (§5.2.2.5): the response may not be stored.
    public var noStore: Bool { has("no-store") }
    /// `no-cache` (§5.2.2.4): may be stored, must be revalidated before each reuse.
    public var noCache: Bool { has("no-cache") }
    /// `max-age` as delta-seconds; nil when absent *or invalid* — see ``maxAgeIsInvalid``.
    public var maxAge: Int? { value("max-age").flatMap(Self.deltaSeconds) }
    /// `max-age` is present but not delta-seconds: a cache must treat the response as stale (§4.2.1).
    public var maxAgeIsInvalid: Bool { has("max-age") && maxAge == nil }

    /// delta-seconds (RFC 9111 §1.2.2): digits only; a value too large is capped at 2^31.
    public static func deltaSeconds(_ s: String) -> Int? {
        guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return s.utf8.reduce(0) { min($0 * 10 + Int($1 - 0x30), 2_147_483_648) }
    }
}
