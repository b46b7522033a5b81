internal import Foundation

/// Reads the compounds of one complex selector, for ``ComplexSelector``.
struct SelectorScanner {
    let chars: [Character]
    var pos = 0

    init(_ text: String) { chars = Array(text) }

    var atEnd: Bool { pos >= chars.count }
    var peek: Character? { pos < chars.count ? chars[pos] : nil }
    mutating func advance() { pos += 1 }

    @discardableResult mutating func skipSpaces() -> Bool {
        let start = pos
        while let c = peek, c.isWhitespace { advance() }
        return pos > start
    }

    static func isNameChar(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "-" || c == "_" || !c.isASCII
    }

    /// An identifier with CSS escapes decoded.
    mutating func name() -> String {
        var out = ""
        while let c = peek {
            if c == "\\" {
                advance()
                var hex = ""
                while hex.count < 6, let h = peek, h.isHexDigit { hex.append(h); advance() }
                if !hex.isEmpty {
                    if let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) { out.unicodeScalars.append(scalar) }
                    if let s = peek, s.isWhitespace { advance() }
                } else if let e = peek {
                    out.append(e)
                    advance()
                }
            } else if Self.isNameChar(c) {
                out.append(c)
                advance()
            } else {
                break
            }
        }
        return out
    }

    /// The text up to the `)` that closes the current parenthesis (consumed).
    mutating func arguments() -> String? {
        var depth = 1
        var out = ""
        var quote: Character?
        while let c = peek {
            advance()
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "(" {
                depth += 1
            } else if c == ")" {
                depth -= 1
                if depth == 0 { return out }
            }
            out.append(c)
        }
        return nil
    }

    mutating func compound() -> Compound? {
        var compound = Compound()
        var any = false
        if peek == "*" || (peek.map(Self.isNameChar) ?? false) || peek == "\\" || peek == "|" {
            var type = peek == "*" ? { advance(); return "*" }() : (peek == "|" ? "" : name())
            if peek == "|" {
                // A namespace prefix (`svg|rect`, `*|a`): HTML documents match by local name.
                advance()
                type = peek == "*" ? { advance(); return "*" }() : name()
            }
            if type.isEmpty { return nil }
            compound.type = type == "*" ? nil : type.lowercased()
            any = true
        }
        while let c = peek {
            switch c {
            case "#":
                advance()
                let n = name()
                guard !n.isEmpty else { return nil }
                compound.simple.append(.id(n))
            case ".":
                advance()
                let n = name()
                guard !n.isEmpty else { return nil }
                compound.simple.append(.className(n))
            case "[":
                advance()
                guard let attribute = attribute() else { return nil }
                compound.simple.append(attribute)
            case ":":
                advance()
                if peek == ":" {
                    advance()
                    let n = name().lowercased()
                    guard !n.isEmpty, !n.hasPrefix("-moz-"), !n.hasPrefix("-ms-") else { return nil }
                    if peek == "(" { advance(); guard arguments() != nil else { return nil } }
                    compound.pseudoElement = true
                    compound.pseudoElementName = n
                } else {
                    guard let simple = pseudoClass() else { return nil }
                    if case .pseudoElement(let n) = simple {
                        compound.pseudoElement = true
                        compound.pseudoElementName = n
                    } else if case .simple(let s) = simple { compound.simple.append(s) }
                }
            default:
                return any || !compound.simple.isEmpty || compound.pseudoElement ? compound : nil
            }
            any = true
        }
        return any ? compound : nil
    }

    mutating func attribute() -> Compound.Simple? {
        skipSpaces()
        var attributeName = name()
        if peek == "|" , pos + 1 < chars.count, chars[pos + 1] != "=" {
            advance()
            attributeName = name()
        }
        guard !attributeName.isEmpty else { return nil }
        skipSpaces()
        if peek == "]" {
            advance()
            return .attribute(name: attributeName.lowercased(), op: nil, value: "", caseInsensitive: false)
        }
        var op = ""
        if let c = peek, "~|^$*".contains(c) { op.append(c); advance() }
        guard peek == "=" else { return nil }
        advance()
        op.append("=")
        skipSpaces()
        var value = ""
        if let q = peek, q == "\"" || q == "'" {
            advance()
            while let c = peek, c != q {
                if c == "\\" { advance(); if let e = peek { value.append(e); advance() }; continue }
                value.append(c)
                advance()
            }
            guard peek == q else { return nil }
            advance()
        } else {
            value = name()
            guard !value.isEmpty else { return nil }
        }
        skipSpaces()
        var insensitive = false
        if let f = peek, f == "i" || f == "I" || f == "s" || f == "S" { insensitive = f.lowercased() == "i"; advance(); skipSpaces() }
        guard peek == "]" else { return nil }
        advance()
        return .attribute(name: attributeName.lowercased(), op: op, value: value, caseInsensitive: insensitive)
    }

    enum PseudoClass { case simple(Compound.Simple), pseudoElement(String) }

    mutating func pseudoClass() -> PseudoClass? {
        let n = name().lowercased()
        guard !n.isEmpty, !n.hasPrefix("-moz-"), !n.hasPrefix("-ms-") else { return nil }
        var args: String?
        if peek == "(" {
            advance()
            guard let a = arguments() else { return nil }
            args = a
        }
        func list(_ text: String?) -> [ComplexSelector]? {
            guard let text else { return nil }
            return SelectorList(text)?.selectors
        }
        switch n {
        // CSS2 pseudo-elements written with one colon.
        case "before", "after", "first-line", "first-letter": return .pseudoElement(n)
        case "not":
            guard let l = list(args) else { return nil }
            return .simple(.not(l))
        case "is", "matches", "-webkit-any", "where":
            // Forgiving lists: an invalid argument matches nothing rather than invalidating.
            return .simple(.isAny(list(args) ?? [], specificity: n != "where"))
        case "has":
            guard let text = args else { return nil }
            let relative = CSSValue.splitTopLevel(text, on: ",").compactMap { part -> ComplexSelector? in
                let t = part.trimmingCharacters(in: [" ", "\t", "\n"])
                return ComplexSelector(t.first.map { ">+~".contains($0) } == true ? String(t.dropFirst()) : t)
            }
            return .simple(.has(relative))
        case "first-child": return .simple(.nth(a: 0, b: 1, ofType: false, fromEnd: false))
        case "last-child": return .simple(.nth(a: 0, b: 1, ofType: false, fromEnd: true))
        // a = b = -1 stands for "only".
        case "only-child": return .simple(.nth(a: -1, b: -1, ofType: false, fromEnd: false))
        case "first-of-type": return .simple(.nth(a: 0, b: 1, ofType: true, fromEnd: false))
        case "last-of-type": return .simple(.nth(a: 0, b: 1, ofType: true, fromEnd: true))
        case "only-of-type": return .simple(.nth(a: -1, b: -1, ofType: true, fromEnd: false))
        case "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type":
            guard let args, let (a, b) = Self.anPlusB(args) else { return nil }
            return .simple(.nth(a: a, b: b, ofType: n.hasSuffix("of-type"), fromEnd: n.contains("last")))
        case "root": return .simple(.root)
        case "empty": return .simple(.empty)
        case "link", "any-link", "-webkit-any-link": return .simple(.link)
        case "visited": return .simple(.never)
        default: return .simple(.possibly)
        }
    }

    /// `odd`, `even`, `3`, `2n+1`, `-n + 3` (an `of S` part is ignored).
    static func anPlusB(_ text: String) -> (Int, Int)? {
        var t = text.lowercased().replacingOccurrences(of: " ", with: "")
        if let of = t.range(of: "of") { t = String(t[..<of.lowerBound]) }
        if t == "odd" { return (2, 1) }
        if t == "even" { return (2, 0) }
        guard let n = t.firstIndex(of: "n") else { return Int(t).map { (0, $0) } }
        let aText = String(t[..<n])
        let a = aText.isEmpty || aText == "+" ? 1 : aText == "-" ? -1 : Int(aText)
        let bText = String(t[t.index(after: n)...])
        let b = bText.isEmpty ? 0 : Int(bText.hasPrefix("+") ? String(bText.dropFirst()) : bText)
        guard let a, let b else { return nil }
        return (a, b)
    }
}
