/// CSS values the browser model evaluates: lengths (with `calc()`), resolutions and ratios,
/// and splitting lists at top-level commas.
enum CSSValue {
    /// The font size `em` and `rem` refer to in media queries and `sizes` (the initial value).
    static let fontSize = 16.0

    /// A length in CSS px, or nil when it is not one. Unitless 0 is 0.
    static func length(_ text: String, _ viewport: Viewport) -> Double? {
        let t = text.trimmingCharacters(in: [" ", "\t", "\n"]).lowercased()
        if t.hasPrefix("calc(") || t.hasPrefix("min(") || t.hasPrefix("max(") || t.hasPrefix("clamp(") {
            var parser = CalcParser(text: Array(t), viewport: viewport)
            return parser.parseExpression().flatMap { parser.atEnd ? $0 : nil }
        }
        guard let (number, unit) = splitNumber(t) else { return nil }
        switch unit {
        case "px": return number
        case "": return number == 0 ? 0 : nil
        case "em", "rem", "ch", "ex": return number * (unit == "ch" || unit == "ex" ? fontSize / 2 : fontSize)
        case "vw", "svw", "lvw", "dvw": return number * viewport.width / 100
        case "vh", "svh", "lvh", "dvh": return number * viewport.height / 100
        case "vmin": return number * min(viewport.width, viewport.height) / 100
        case "vmax": return number * max(viewport.width, viewport.height) / 100
        case "cm": return number * 96 / 2.54
        case "mm": return number * 96 / 25.4
        case "q": return number * 96 / 101.6
        case "in": return number * 96
        case "pt": return number * 96 / 72
        case "pc": return number * 16
        default: return nil
        }
    }

    /// A resolution in dppx (`2x`, `2dppx`, `192dpi`, `75.6dpcm`).
    static func resolution(_ text: String) -> Double? {
        guard let (number, unit) = splitNumber(text.lowercased()) else { return nil }
        switch unit {
        case "x", "dppx": return number
        case "dpi": return number / 96
        case "dpcm": return number * 2.54 / 96
        default: return nil
        }
    }

    /// `16/9` or `1.5`.
    static func ratio(_ text: String) -> Double? {
        let parts = text.split(separator: "/").map { $0.trimmingCharacters(in: [" "]) }
        if parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), b != 0 { return a / b }
        return parts.count == 1 ? Double(parts[0]) : nil
    }

    /// A number and its unit: `12.5px` → (12.5, "px").
    static func splitNumber(_ text: String) -> (Double, String)? {
        var end = text.startIndex
        for i in text.indices {
            let c = text[i]
            if c.isNumber || c == "." || ((c == "-" || c == "+") && i == text.startIndex) {
                end = text.index(after: i)
            } else if (c == "e" || c == "E"), i != text.startIndex, text[text.index(before: i)].isNumber,
                      text.index(after: i) < text.endIndex, text[text.index(after: i)].isNumber {
                end = text.index(after: i)
            } else {
                break
            }
        }
        guard let number = Double(text[..<end]) else { return nil }
        return (number, String(text[end...]))
    }

    /// Splits at `separator` outside parentheses, brackets and strings.
    static func splitTopLevel(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        for c in text {
            if let q = quote {
                current.append(c)
                if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'": quote = c
            case "(", "[": depth += 1
            case ")", "]": depth = max(0, depth - 1)
            default: break
            }
            if c == separator, depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }
}

/// `calc()`, `min()`, `max()` and `clamp()` over lengths and numbers, in px.
struct CalcParser {
    let text: [Character]
    let viewport: Viewport
    var pos = 0

    var atEnd: Bool { text[pos...].allSatisfy(\.isWhitespace) }

    mutating func spaces() { while pos < text.count, text[pos].isWhitespace { pos += 1 } }

    mutating func parseExpression() -> Double? {
        spaces()
        guard var value = parseTerm() else { return nil }
        while true {
            spaces()
            guard pos < text.count, text[pos] == "+" || text[pos] == "-" else { return value }
            let op = text[pos]
            pos += 1
            guard let rhs = parseTerm() else { return nil }
            value = op == "+" ? value + rhs : value - rhs
        }
    }

    mutating func parseTerm() -> Double? {
        spaces()
        guard var value = parseFactor() else { return nil }
        while true {
            spaces()
            guard pos < text.count, text[pos] == "*" || text[pos] == "/" else { return value }
            let op = text[pos]
            pos += 1
            guard let rhs = parseFactor() else { return nil }
            if op == "/" { guard rhs != 0 else { return nil }; value /= rhs } else { value *= rhs }
        }
    }

    mutating func parseFactor() -> Double? {
        spaces()
        guard pos < text.count else { return nil }
        for name in ["calc(", "min(", "max(", "clamp(", "("] where String(text[pos..<min(text.count, pos + name.count)]) == name {
            pos += name.count
            var args: [Double] = []
            repeat {
                if !args.isEmpty { pos += 1 }
                guard let v = parseExpression() else { return nil }
                args.append(v)
                spaces()
            } while pos < text.count && text[pos] == ","
            guard pos < text.count, text[pos] == ")" else { return nil }
            pos += 1
            switch name {
            case "min(": return args.min()
            case "max(": return args.max()
            case "clamp(": return args.count == 3 ? max(args[0], min(args[1], args[2])) : nil
            default: return args.count == 1 ? args[0] : nil
            }
        }
        let start = pos
        while pos < text.count, text[pos].isLetter || text[pos].isNumber || text[pos] == "." || text[pos] == "%"
                || (pos == start && (text[pos] == "-" || text[pos] == "+")) {
            pos += 1
        }
        let token = String(text[start..<pos])
        if let number = Double(token) { return number }
        return CSSValue.length(token, viewport)
    }
}
