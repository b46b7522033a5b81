/// ``Budget/isFingerprinted(_:)`` and ``SharedCacheProblem/isVersioned(_:)``'s path rules on a
/// path's bytes, for a path of printable ASCII (every percent-encoded path is): there each byte
/// is one `Character`, so the rules give what the character-by-character ones give, without
/// their substrings and arrays (the JSON report asks them of every resource). Nil for any other
/// path: the caller asks the character rules.
enum URLNameBytes {
    private static let slash = UInt8(ascii: "/"), question = UInt8(ascii: "?"), dot = UInt8(ascii: ".")

    private static func withPrintableASCII(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool? {
        var copy = path
        return copy.withUTF8 { bytes in
            bytes.contains { $0 < 0x20 || $0 >= 0x7F } ? nil : body(bytes)
        }
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    /// The file name (the last segment of the part before any `?`) has a token of 8–64 letters
    /// and digits, with at least one of each, before its last token.
    static func isFingerprinted(path: String) -> Bool? {
        withPrintableASCII(path) { p in
            // The first non-empty run of bytes that are not "?" (split(separator: "?").first).
            guard let start = p.firstIndex(where: { $0 != question }) else { return false }
            let end = p[start...].firstIndex(of: question) ?? p.count
            // Its last non-empty run of bytes that are not "/" (split(separator: "/").last).
            var nameEnd = end
            while nameEnd > start && p[nameEnd - 1] == slash { nameEnd -= 1 }
            var nameStart = nameEnd
            while nameStart > start && p[nameStart - 1] != slash { nameStart -= 1 }
            // Tokens between ".", "-", "_" and "~" (empty ones skipped), the last one left out.
            func isSeparator(_ b: UInt8) -> Bool { b == dot || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~") }
            var tokens: [(Int, Int)] = []
            var i = nameStart
            while i < nameEnd {
                if isSeparator(p[i]) { i += 1; continue }
                let tokenStart = i
                while i < nameEnd && !isSeparator(p[i]) { i += 1 }
                tokens.append((tokenStart, i))
            }
            return tokens.dropLast().contains { from, to in
                guard (8...64).contains(to - from) else { return false }
                var digits = false, letters = false
                for b in p[from..<to] {
                    if isDigit(b) { digits = true } else if isLetter(b) { letters = true } else { return false }
                }
                return digits && letters
            }
        }
    }

    /// A segment with a token (between "-", "_" and "@") that is a version: two or more leading
    /// numeric parts between dots after an optional "v" or "V" (`1.4.0`, `3.7.1.min.js`), or "v"
    /// and a number as the whole segment (`v2`).
    static func hasVersionSegment(path: String) -> Bool? {
        withPrintableASCII(path) { p in
            func isSeparator(_ b: UInt8) -> Bool { b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: "@") }
            var i = 0
            while i < p.count {
                if p[i] == slash { i += 1; continue }
                let segmentStart = i
                while i < p.count && p[i] != slash { i += 1 }
                let segmentEnd = i
                var j = segmentStart
                while j < segmentEnd {
                    if isSeparator(p[j]) { j += 1; continue }
                    let tokenStart = j
                    while j < segmentEnd && !isSeparator(p[j]) { j += 1 }
                    // The token's parts between dots (empty ones kept), after an optional v or V.
                    var k = tokenStart
                    if p[k] == UInt8(ascii: "v") || p[k] == UInt8(ascii: "V") { k += 1 }
                    var leading = 0, parts = 1, counting = true, partStart = k
                    while true {
                        if k == j || p[k] == dot {
                            if counting {
                                if k > partStart && p[partStart..<k].allSatisfy(isDigit) { leading += 1 } else { counting = false }
                            }
                            if k == j { break }
                            parts += 1
                            partStart = k + 1
                        }
                        k += 1
                    }
                    let wholeSegment = tokenStart == segmentStart && j == segmentEnd
                    if leading >= 2 || (p[tokenStart] == UInt8(ascii: "v") && leading == 1 && parts == 1 && wholeSegment) { return true }
                }
            }
            return false
        }
    }
}
