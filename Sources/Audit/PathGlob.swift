/// Shell-style globs over URL paths: `*` within a segment, `**` across segments, `?`, `[a-z]`.
///
/// `/blog/*` matches `/blog/post-1.html` but not `/blog/a/b.html`; `/blog/**` matches both and
/// `/blog/` itself; `/**` matches every path.
public enum PathGlob {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        match(Array(pattern.utf8)[...], Array(path.utf8)[...])
    }

    private static let star = UInt8(ascii: "*"), slash = UInt8(ascii: "/"), question = UInt8(ascii: "?")
    private static let open = UInt8(ascii: "["), close = UInt8(ascii: "]"), dash = UInt8(ascii: "-")

    private static func match(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        guard let c = p.first else { return s.isEmpty }
        if c == star {
            let double = p.dropFirst().first == star
            let rest = p.dropFirst(double ? 2 : 1)
            // `**/` also matches zero segments.
            if double, rest.first == slash, match(rest.dropFirst(), s) { return true }
            if double && rest.isEmpty { return true }
            var k = s.startIndex
            while true {
                if match(rest, s[k...]) { return true }
                if k == s.endIndex || (!double && s[k] == slash) { return false }
                k += 1
            }
        }
        guard let h = s.first else { return false }
        if c == question {
            return h != slash && match(p.dropFirst(), s.dropFirst())
        }
        if c == open, let end = p.dropFirst().firstIndex(of: close) {
            let set = p[(p.startIndex + 1)..<end]
            var ok = false
            var i = set.startIndex
            while i < set.endIndex {
                if i + 2 < set.endIndex, set[i + 1] == dash {
                    if h >= set[i] && h <= set[i + 2] { ok = true }
                    i += 3
                } else {
                    if h == set[i] { ok = true }
                    i += 1
                }
            }
            return ok && match(p[(end + 1)...], s.dropFirst())
        }
        return c == h && match(p.dropFirst(), s.dropFirst())
    }
}
