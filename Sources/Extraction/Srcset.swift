/// One candidate of a `srcset` or `imagesrcset` attribute.
public struct SrcsetCandidate: Sendable, Equatable {
    public var url: String
    /// The descriptor as written (`2x`, `640w`), or nil for none (means `1x`).
    public var descriptor: String?
}

/// Parses `srcset` as the HTML standard's "parse a srcset attribute" algorithm does:
/// URLs may contain commas, a URL ending in commas ends the candidate, descriptors are
/// split on whitespace outside parentheses.
///
/// ```swift
/// Srcset.parse("a.png 1x, b,c.png 2x")  // [a.png 1x, b,c.png 2x]
/// ```
public enum Srcset {
    public static func parse(_ input: String) -> [SrcsetCandidate] {
        var input = input
        // Every byte the algorithm looks at is ASCII, so cutting the UTF-8 at them keeps it valid.
        return input.withUTF8 { chars in
            var pos = 0
            var candidates: [SrcsetCandidate] = []
            func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C }
            func text(_ start: Int, _ end: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: chars[start..<end]), as: UTF8.self) }

            while true {
                while pos < chars.count, isSpace(chars[pos]) || chars[pos] == UInt8(ascii: ",") { pos += 1 }
                if pos >= chars.count { break }
                let urlStart = pos
                while pos < chars.count, !isSpace(chars[pos]) { pos += 1 }
                var urlEnd = pos
                var descriptors: [String] = []
                if chars[urlEnd - 1] == UInt8(ascii: ",") {
                    while urlEnd > urlStart, chars[urlEnd - 1] == UInt8(ascii: ",") { urlEnd -= 1 }
                } else {
                    // Descriptor tokenizer.
                    var current = -1  // start of the current descriptor, or -1
                    var inParens = false
                    tokenizer: while true {
                        let c: UInt8? = pos < chars.count ? chars[pos] : nil
                        if inParens {
                            guard let c else {
                                if current >= 0 { descriptors.append(text(current, pos)) }
                                break tokenizer
                            }
                            if c == UInt8(ascii: ")") { inParens = false }
                            if current < 0 { current = pos }
                        } else if let c {
                            if isSpace(c) {
                                if current >= 0 { descriptors.append(text(current, pos)); current = -1 }
                            } else if c == UInt8(ascii: ",") {
                                if current >= 0 { descriptors.append(text(current, pos)) }
                                pos += 1
                                break tokenizer
                            } else {
                                if c == UInt8(ascii: "(") { inParens = true }
                                if current < 0 { current = pos }
                            }
                        } else {
                            if current >= 0 { descriptors.append(text(current, pos)) }
                            break tokenizer
                        }
                        pos += 1
                    }
                }
                if urlEnd > urlStart {
                    candidates.append(SrcsetCandidate(url: text(urlStart, urlEnd),
                                                      descriptor: descriptors.isEmpty ? nil : descriptors.joined(separator: " ")))
                }
            }
            return candidates
        }
    }
}
