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
        let chars = Array(input.unicodeScalars)
        var pos = 0
        var candidates: [SrcsetCandidate] = []
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" }

        while true {
            while pos < chars.count, isSpace(chars[pos]) || chars[pos] == "," { pos += 1 }
            if pos >= chars.count { break }
            let urlStart = pos
            while pos < chars.count, !isSpace(chars[pos]) { pos += 1 }
            var urlScalars = chars[urlStart..<pos]
            var descriptors: [String] = []
            if urlScalars.last == "," {
                while urlScalars.last == "," { urlScalars = urlScalars.dropLast() }
            } else {
                // Descriptor tokenizer.
                var current = ""
                var inParens = false
                tokenizer: while true {
                    let c: Unicode.Scalar? = pos < chars.count ? chars[pos] : nil
                    if inParens {
                        if c == ")" { inParens = false }
                        if let c { current.unicodeScalars.append(c) } else {
                            if !current.isEmpty { descriptors.append(current) }
                            break tokenizer
                        }
                    } else if let c {
                        if isSpace(c) {
                            if !current.isEmpty { descriptors.append(current); current = "" }
                        } else if c == "," {
                            pos += 1
                            if !current.isEmpty { descriptors.append(current) }
                            break tokenizer
                        } else {
                            if c == "(" { inParens = true }
                            current.unicodeScalars.append(c)
                        }
                    } else {
                        if !current.isEmpty { descriptors.append(current) }
                        break tokenizer
                    }
                    pos += 1
                }
            }
            let url = String(String.UnicodeScalarView(urlScalars))
            if !url.isEmpty {
                candidates.append(SrcsetCandidate(url: url, descriptor: descriptors.isEmpty ? nil : descriptors.joined(separator: " ")))
            }
        }
        return candidates
    }
}
