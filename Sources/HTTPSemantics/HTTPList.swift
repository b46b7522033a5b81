/// Comma-separated list fields (RFC 9110 §5.6.1) and the whitespace rules around them.
///
/// A field sent on several lines means the same as one line with the values joined by commas
/// (§5.3), so every reader here takes *all* lines of a field:
///
/// ```swift
/// HTTPList.members(["no-cache, max-age=\"1,2\"", " , private"])  // ["no-cache", "max-age=\"1,2\"", "private"]
/// ```
public enum HTTPList {
    /// The non-empty members of a list field's lines, split on commas outside quoted strings
    /// (§5.6.4, with `\` escapes) and without surrounding optional whitespace (§5.6.3).
    public static func members(_ lines: [String]) -> [Substring] {
        var out: [Substring] = []
        for line in lines { appendMembers(of: line[...], to: &out) }
        return out
    }

    /// ``members(_:)`` of one line.
    public static func members(_ line: Substring) -> [Substring] {
        var out: [Substring] = []
        appendMembers(of: line, to: &out)
        return out
    }

    static func appendMembers(of line: Substring, to out: inout [Substring]) {
        var start = line.startIndex
        var quoted = false, escaped = false
        var i = line.startIndex
        while i < line.endIndex {
            let c = line.utf8[i]
            if escaped {
                escaped = false
            } else if quoted, c == UInt8(ascii: "\\") {
                escaped = true
            } else if c == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if c == UInt8(ascii: ","), !quoted {
                let member = trimmingOWS(line[start..<i])
                if !member.isEmpty { out.append(member) }
                start = line.utf8.index(after: i)
            }
            i = line.utf8.index(after: i)
        }
        let member = trimmingOWS(line[start...])
        if !member.isEmpty { out.append(member) }
    }

    /// Without leading and trailing spaces and tabs (OWS, §5.6.3).
    public static func trimmingOWS(_ s: Substring) -> Substring {
        var s = s
        while let f = s.utf8.first, f == 32 || f == 9 { s = s.dropFirst() }
        while let l = s.utf8.last, l == 32 || l == 9 { s = s.dropLast() }
        return s
    }

    /// The content of a quoted-string (§5.6.4) with its `\` escapes undone, or the text itself
    /// when it is a token.
    public static func unquoted(_ s: Substring) -> String {
        guard s.utf8.count >= 2, s.utf8.first == UInt8(ascii: "\""), s.utf8.last == UInt8(ascii: "\"") else { return String(s) }
        var out = ""
        var escaped = false
        for c in s.dropFirst().dropLast() {
            if !escaped, c == "\\" { escaped = true; continue }
            escaped = false
            out.append(c)
        }
        return out
    }

    /// `name=value` parameters after `;` (§5.6.6), names lowercased, values unquoted; the first
    /// occurrence of a name wins. Members without `=` are skipped.
    public static func parameters(_ s: Substring) -> [String: String] {
        var out: [String: String] = [:]
        for part in s.split(separator: ";", omittingEmptySubsequences: true) {
            guard let eq = part.firstIndex(of: "=") else { continue }
            let name = trimmingOWS(part[..<eq]).lowercased()
            guard !name.isEmpty, out[name] == nil else { continue }
            out[name] = unquoted(trimmingOWS(part[part.index(after: eq)...]))
        }
        return out
    }
}
