internal import Foundation

/// A small CSS tokenizer over unicode scalars, enough to find URLs.
struct CSSScanner {
    let chars: [Unicode.Scalar]
    var pos = 0
    var line = 1

    init(_ chars: [Unicode.Scalar]) { self.chars = chars }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        pos + offset < chars.count ? chars[pos + offset] : nil
    }

    mutating func advance() {
        guard pos < chars.count else { return }
        if chars[pos] == "\n" { line += 1 }
        pos += 1
    }

    mutating func skipComment() {
        advance(); advance()
        while let c = peek() {
            if c == "*" && peek(1) == "/" { advance(); advance(); return }
            advance()
        }
    }

    mutating func skipWhitespaceAndComments() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" { advance() }
            else if c == "/" && peek(1) == "*" { skipComment() }
            else { return }
        }
    }

    func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "-" || c == "_" || (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A) || c.value >= 0x80
    }

    func isIdentifierChar(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || (c.value >= 0x30 && c.value <= 0x39)
    }

    /// Reads a name, decoding escapes (`\75 rl` is `url`).
    mutating func readIdentifier() -> String {
        // Fast path: plain ASCII with no escape, built from bytes in one go (identifier
        // characters include no newline, so `line` stays as it is).
        let end = identifierEnd()
        if end.ascii, end.index == chars.count || chars[end.index] != "\\" {
            let start = pos, count = end.index - pos
            pos = end.index
            return String(unsafeUninitializedCapacity: count) { buffer in
                for k in 0..<count { buffer[k] = UInt8(truncatingIfNeeded: chars[start + k].value) }
                return count
            }
        }
        var out = String.UnicodeScalarView()
        while let c = peek() {
            if c == "\\", let next = peek(1), next != "\n" {
                advance()
                out.append(readEscape())
            } else if isIdentifierChar(c) {
                out.append(c)
                advance()
            } else {
                break
            }
        }
        return String(out)
    }

    /// Steps over a name of plain ASCII with no escape, building no string (identifier
    /// characters include no newline, so `line` stays as it is); false, without moving, when
    /// the name has an escape or other characters and needs ``readIdentifier()``.
    mutating func skipPlainIdentifier() -> Bool {
        let end = identifierEnd()
        guard end.ascii, end.index == chars.count || chars[end.index] != "\\" else { return false }
        pos = end.index
        return true
    }

    /// After a backslash: up to six hex digits and one optional whitespace, or any one character.
    mutating func readEscape() -> Unicode.Scalar {
        var hex = ""
        while hex.count < 6, let c = peek(), c.properties.isASCIIHexDigit {
            hex.unicodeScalars.append(c)
            advance()
        }
        if hex.isEmpty {
            guard let c = peek() else { return "\u{FFFD}" }
            advance()
            return c
        }
        if let c = peek(), c == " " || c == "\t" || c == "\n" { advance() }
        let value = UInt32(hex, radix: 16) ?? 0xFFFD
        if value == 0 || (0xD800...0xDFFF).contains(value) || value > 0x10FFFF { return "\u{FFFD}" }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    /// Reads a quoted string starting at the quote; escapes decoded, escaped newlines dropped.
    mutating func readString() -> String {
        guard let quote = peek() else { return "" }
        advance()
        var out = String.UnicodeScalarView()
        while let c = peek() {
            if c == quote { advance(); break }
            if c == "\n" { break }  // bad string: ends here, as CSS Syntax says
            if c == "\\" {
                advance()
                if peek() == "\n" { advance(); continue }
                if peek() == nil { break }
                out.append(readEscape())
            } else {
                out.append(c)
                advance()
            }
        }
        return String(out)
    }

    /// Where the identifier characters from `pos` end (an escape ends them too), and whether
    /// they were all ASCII.
    func identifierEnd() -> (index: Int, ascii: Bool) {
        var j = pos, ascii = true
        while j < chars.count, isIdentifierChar(chars[j]) {
            if chars[j].value >= 0x80 { ascii = false }
            j += 1
        }
        return (j, ascii)
    }

    /// True when the input at `pos` is `url(` in any case, possibly with escapes in the name.
    func lookingAtURLFunction() -> Bool {
        // A name that starts with a letter other than u (no escape) is not `url`: most are not,
        // and this runs for every identifier of a stylesheet.
        guard let first = peek(), first == "\\" || first.value | 0x20 == 0x75 else { return false }
        let end = identifierEnd()
        if end.index == chars.count || chars[end.index] != "\\" {
            // No escape: `url` in any ASCII case, then `(`.
            guard end.index - pos == 3, end.index < chars.count, chars[end.index] == "(" else { return false }
            return chars[pos].value | 0x20 == 0x75 && chars[pos + 1].value | 0x20 == 0x72 && chars[pos + 2].value | 0x20 == 0x6C
        }
        var copy = self
        return copy.readIdentifier().lowercased() == "url" && copy.peek() == "("
    }

    /// Reads `url( … )` starting at the `u`; returns the URL.
    mutating func readURLFunction() -> String {
        _ = readIdentifier()
        advance()  // (
        // Only whitespace: inside an unquoted url( ) a `/*` is part of the URL (CSS Syntax §4.3.6).
        while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" { advance() }
        if peek() == "\"" || peek() == "'" {
            let s = readString()
            // Skip to the closing parenthesis.
            while let c = peek(), c != ")" { advance() }
            advance()
            return s
        }
        var out = String.UnicodeScalarView()
        while let c = peek() {
            if c == ")" { advance(); break }
            if c == "\\" {
                advance()
                out.append(readEscape())
            } else {
                out.append(c)
                advance()
            }
        }
        return Self.trimmed(String(out))
    }

    /// `text.trimmingCharacters(in: .whitespacesAndNewlines)`, skipped when the text starts and
    /// ends with an ASCII character that is not white space (almost always).
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80,
           !(0x09...0x0D).contains(first), first != 0x20, !(0x09...0x0D).contains(last), last != 0x20 {
            return text
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    mutating func readUntilSemicolon() -> String {
        var out = String.UnicodeScalarView()
        while let c = peek() {
            if c == ";" { advance(); break }
            if c == "{" || c == "}" { break }
            out.append(c)
            advance()
        }
        return String(out)
    }
}

extension CSSScanner {
    static func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" }

    /// The text between two positions, as written.
    func text(_ start: Int, _ end: Int) -> String { Self.text(chars, start, end) }

    /// `chars[start..<end]` as a string.
    static func text(_ chars: [Unicode.Scalar], _ start: Int, _ end: Int) -> String {
        guard start < end, end <= chars.count else { return "" }
        // Encoded straight into the string's storage: appending scalars one by one to a
        // UnicodeScalarView was 14% of a crawl's CPU (issue #11).
        var count = 0
        for i in start..<end { count += UTF8.width(chars[i]) }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var j = 0
            for i in start..<end {
                UTF8.encode(chars[i]) { unit in
                    buffer[j] = unit
                    j += 1
                }
            }
            return j
        }
    }

    /// True when `chars[start..<end]` is `name` (lower-case ASCII) in any ASCII case.
    func matchesASCIILowercased(_ start: Int, _ end: Int, _ name: StaticString) -> Bool {
        guard end - start == name.utf8CodeUnitCount, end <= chars.count else { return false }
        let bytes = name.utf8Start
        for k in 0..<(end - start) {
            let c = chars[start + k].value
            let lower = c >= 0x41 && c <= 0x5A ? c | 0x20 : c
            if lower != UInt32(bytes[k]) { return false }
        }
        return true
    }

    /// The characters of a stylesheet: its UTF-8 bytes widened when they are all ASCII (most
    /// stylesheets), its scalars decoded otherwise.
    static func scalars(of text: String) -> [Unicode.Scalar] {
        var text = text
        let ascii: [Unicode.Scalar]? = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            return [Unicode.Scalar](unsafeUninitializedCapacity: bytes.count) { buffer, count in
                for k in 0..<bytes.count { buffer[k] = Unicode.Scalar(bytes[k]) }
                count = bytes.count
            }
        }
        return ascii ?? Array(text.unicodeScalars)
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    /// True at the start of a number: a digit, or `.`/`+` followed by a digit.
    func lookingAtNumber() -> Bool {
        guard let c = peek() else { return false }
        if Self.isDigit(c) { return true }
        if c == "." || c == "+", let n = peek(1), Self.isDigit(n) { return true }
        return false
    }

    /// Reads a number and its unit (`2x`, `1.5dppx`, `300dpi`) as written.
    mutating func readDimension() -> String {
        var out = String.UnicodeScalarView()
        while let c = peek(), Self.isDigit(c) || c == "." || c == "+" || c == "e" && !out.isEmpty && peek(1).map(Self.isDigit) == true {
            out.append(c)
            advance()
        }
        out.append(contentsOf: readIdentifier().unicodeScalars)
        return String(out)
    }

    /// After a function's `(`: its arguments up to the matching `)`, strings unquoted, comments dropped.
    mutating func readArguments() -> String {
        var out = String.UnicodeScalarView()
        var depth = 0
        while let c = peek() {
            if c == "/" && peek(1) == "*" { skipComment(); continue }
            if c == "\"" || c == "'" { out.append(contentsOf: readString().unicodeScalars); continue }
            if c == "(" { depth += 1 }
            if c == ")" {
                if depth == 0 { advance(); break }
                depth -= 1
            }
            out.append(c)
            advance()
        }
        return String(out).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
