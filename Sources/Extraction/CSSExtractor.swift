public import Foundation
public import CrawlModel

/// Finds every URL a stylesheet makes a browser fetch: `url()` (quoted, unquoted, escaped),
/// `@import` in string and url form with its media, `image-set()` strings, and `@font-face`
/// sources (as fonts). Comments are skipped; escapes are decoded as CSS Syntax §4.3.7 says.
public enum CSSExtractor {
    /// Where a CSS text came from, for the references' `element`/`attribute`.
    public enum Origin: Sendable {
        /// A stylesheet file.
        case file
        /// A `<style>` element.
        case styleElement
        /// A `style=""` attribute of an element.
        case styleAttribute(element: String)
    }

    /// - Parameters:
    ///   - css: the stylesheet text.
    ///   - base: the URL relative references resolve against.
    ///   - origin: where the text came from.
    ///   - firstLine: the line of the document the text starts on.
    public static func extract(_ css: String, base: URL, origin: Origin = .file, firstLine: Int = 1) -> [Reference] {
        var scanner = Scanner(Array(css.unicodeScalars))
        var refs: [Reference] = []
        let element: String
        switch origin {
        case .file: element = "css"
        case .styleElement: element = "style"
        case .styleAttribute(let name): element = name
        }
        func add(_ raw: String, construct: String, kind: AssetKind, line: Int, condition: [String: String]? = nil) {
            let attribute: String
            if case .styleAttribute = origin { attribute = "style" } else { attribute = construct }
            var cond = condition ?? [:]
            if case .styleAttribute = origin { cond["css"] = construct }
            refs.append(ReferenceFactory.make(
                raw: raw, base: base, element: element, attribute: attribute, line: firstLine + line - 1,
                kind: kind, role: .requisite, condition: cond.isEmpty ? nil : cond))
        }

        var braceDepth = 0
        var fontFaceDepth: Int? = nil
        var imageSetDepth: Int? = nil
        var parenDepth = 0
        while let c = scanner.peek() {
            if c == "/" && scanner.peek(1) == "*" {
                scanner.skipComment()
            } else if c == "\"" || c == "'" {
                let line = scanner.line
                let s = scanner.readString()
                if imageSetDepth != nil {
                    add(s, construct: "image-set", kind: fontFaceDepth != nil ? .font : .image, line: line)
                }
            } else if c == "@" {
                scanner.advance()
                let name = scanner.readIdentifier().lowercased()
                if name == "import" {
                    let line = scanner.line
                    scanner.skipWhitespaceAndComments()
                    var url: String?
                    if scanner.peek() == "\"" || scanner.peek() == "'" {
                        url = scanner.readString()
                    } else if scanner.lookingAtURLFunction() {
                        url = scanner.readURLFunction()
                    }
                    let media = scanner.readUntilSemicolon().trimmingCharacters(in: .whitespacesAndNewlines)
                    if let url {
                        add(url, construct: "@import", kind: .stylesheet, line: line,
                            condition: media.isEmpty ? nil : ["media": media])
                    }
                } else if name == "font-face" {
                    fontFaceDepth = braceDepth + 1
                }
            } else if c == "{" {
                braceDepth += 1
                scanner.advance()
            } else if c == "}" {
                if fontFaceDepth == braceDepth { fontFaceDepth = nil }
                braceDepth = max(0, braceDepth - 1)
                scanner.advance()
            } else if c == "(" {
                parenDepth += 1
                scanner.advance()
            } else if c == ")" {
                if imageSetDepth == parenDepth { imageSetDepth = nil }
                parenDepth = max(0, parenDepth - 1)
                scanner.advance()
            } else if scanner.isIdentifierStart(c) || c == "\\" {
                let line = scanner.line
                let start = scanner.pos
                if scanner.lookingAtURLFunction() {
                    let raw = scanner.readURLFunction()
                    add(raw, construct: "url", kind: fontFaceDepth != nil ? .font : .image, line: line)
                } else {
                    let ident = scanner.readIdentifier().lowercased()
                    if (ident == "image-set" || ident == "-webkit-image-set") && scanner.peek() == "(" {
                        scanner.advance()
                        parenDepth += 1
                        imageSetDepth = parenDepth
                    }
                    // A backslash before a newline starts nothing: step over it.
                    if scanner.pos == start { scanner.advance() }
                }
            } else {
                scanner.advance()
            }
        }
        return refs
    }
}

/// A small CSS tokenizer over unicode scalars, enough to find URLs.
struct Scanner {
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

    /// True when the input at `pos` is `url(` in any case, possibly with escapes in the name.
    func lookingAtURLFunction() -> Bool {
        var copy = self
        return copy.readIdentifier().lowercased() == "url" && copy.peek() == "("
    }

    /// Reads `url( … )` starting at the `u`; returns the URL.
    mutating func readURLFunction() -> String {
        _ = readIdentifier()
        advance()  // (
        skipWhitespaceAndComments()
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
        return String(out).trimmingCharacters(in: .whitespacesAndNewlines)
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
