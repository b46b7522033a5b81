/// Evaluates CSS media query lists and media conditions (Media Queries 4) against a
/// ``Viewport``, as a screen browser with scripting on, a fine pointer that can hover, a light
/// colour scheme and no reduced-motion preference would.
///
/// Used for `<source media>`, `sizes`, `@media` and `@import … media`. Unknown features are
/// false, as in browsers; a list that does not parse matches nothing (`not all`).
///
/// ```swift
/// MediaQuery.matches("screen and (min-width: 600px)", viewport: .desktop)  // true
/// MediaQuery.matches("print", viewport: .desktop)                          // false
/// ```
public enum MediaQuery {
    /// True when any query of the comma-separated list matches. An empty list matches.
    public static func matches(_ list: String, viewport: Viewport) -> Bool {
        let queries = CSSValue.splitTopLevel(list, on: ",")
        if queries.allSatisfy({ $0.trimmingCharacters(in: [" ", "\t", "\n"]).isEmpty }) { return true }
        return queries.contains { query($0, viewport) }
    }

    /// A media condition alone (no media type), as in `sizes`.
    public static func condition(_ text: String, viewport: Viewport) -> Bool {
        var tokens = Tokens(text)
        return evaluateCondition(&tokens, viewport) ?? false
    }

    static func query(_ text: String, _ viewport: Viewport) -> Bool {
        var tokens = Tokens(text)
        var negate = false
        if case .word(let w)? = tokens.peek, w == "not" || w == "only" {
            // `not` before a type negates the whole query; before `(` it is a condition.
            if case .word? = tokens.peek(1) { tokens.next(); negate = w == "not" }
        }
        var result = true
        if case .word(let type)? = tokens.peek {
            tokens.next()
            switch type {
            case "all", "screen": result = true
            default: result = false
            }
            if case .word("and")? = tokens.peek {
                tokens.next()
                guard let rest = evaluateCondition(&tokens, viewport) else { return false }
                result = result && rest
            } else if tokens.peek != nil {
                return false
            }
        } else {
            guard let c = evaluateCondition(&tokens, viewport) else { return false }
            result = c
        }
        return negate ? !result : result
    }

    /// `not X`, `X and Y …`, `X or Y …`; nil when it does not parse.
    static func evaluateCondition(_ tokens: inout Tokens, _ viewport: Viewport) -> Bool? {
        if case .word("not")? = tokens.peek {
            tokens.next()
            guard let inner = evaluateOperand(&tokens, viewport) else { return nil }
            return !inner
        }
        guard var value = evaluateOperand(&tokens, viewport) else { return nil }
        while case .word(let op)? = tokens.peek, op == "and" || op == "or" {
            tokens.next()
            guard let next = evaluateOperand(&tokens, viewport) else { return nil }
            value = op == "and" ? value && next : value || next
        }
        return tokens.peek == nil ? value : nil
    }

    static func evaluateOperand(_ tokens: inout Tokens, _ viewport: Viewport) -> Bool? {
        guard case .group(let inner)? = tokens.next() else { return nil }
        let trimmed = inner.trimmingCharacters(in: [" ", "\t", "\n"])
        if trimmed.hasPrefix("(") || trimmed.lowercased().hasPrefix("not ") || trimmed.lowercased().hasPrefix("not(") {
            var nested = Tokens(trimmed)
            return evaluateCondition(&nested, viewport)
        }
        return feature(trimmed.lowercased(), viewport)
    }

    /// `(name: value)`, `(name)` or a range `(400px <= width < 700px)`.
    static func feature(_ text: String, _ viewport: Viewport) -> Bool {
        if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon].trimmingCharacters(in: [" "])
            let value = text[text.index(after: colon)...].trimmingCharacters(in: [" "])
            var base = name, comparison = "="
            if name.hasPrefix("min-") { base = String(name.dropFirst(4)); comparison = ">=" }
            if name.hasPrefix("max-") { base = String(name.dropFirst(4)); comparison = "<=" }
            if name.hasPrefix("-webkit-min-") { base = String(name.dropFirst(12)); comparison = ">=" }
            if name.hasPrefix("-webkit-max-") { base = String(name.dropFirst(12)); comparison = "<=" }
            if name.hasPrefix("-webkit-"), comparison == "=" { base = String(name.dropFirst(8)) }
            return compare(base, comparison, value, viewport)
        }
        for op in ["<=", ">=", "<", ">", "="] where text.contains(op) {
            return range(text, viewport)
        }
        switch text {
        case "color", "hover", "any-hover", "pointer", "any-pointer", "grid": return text != "grid"
        case "width", "height", "resolution", "orientation", "aspect-ratio": return true
        default: return false
        }
    }

    /// A range context: up to two comparisons around the feature name.
    static func range(_ text: String, _ viewport: Viewport) -> Bool {
        var parts: [String] = []
        var ops: [String] = []
        var current = ""
        var chars = Substring(text)
        while let c = chars.first {
            if c == "<" || c == ">" || c == "=" {
                var op = String(c)
                chars = chars.dropFirst()
                if chars.first == "=" { op += "="; chars = chars.dropFirst() }
                parts.append(current.trimmingCharacters(in: [" "]))
                ops.append(op)
                current = ""
            } else {
                current.append(c)
                chars = chars.dropFirst()
            }
        }
        parts.append(current.trimmingCharacters(in: [" "]))
        guard parts.count == ops.count + 1, !ops.isEmpty else { return false }
        let flipped = ["<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "="]
        var result = true
        for (i, op) in ops.enumerated() {
            let left = parts[i], right = parts[i + 1]
            if featureValue(left, viewport) != nil || isFeatureName(left) {
                result = result && compare(left, op, right, viewport)
            } else {
                result = result && compare(right, flipped[op] ?? op, left, viewport)
            }
        }
        return result
    }

    static func isFeatureName(_ name: String) -> Bool {
        ["width", "height", "device-width", "device-height", "resolution", "device-pixel-ratio", "aspect-ratio"].contains(name)
    }

    /// The viewport's value of a numeric feature, in px, dppx or a ratio.
    static func featureValue(_ name: String, _ viewport: Viewport) -> Double? {
        switch name {
        case "width", "device-width": viewport.width
        case "height", "device-height": viewport.height
        case "resolution", "device-pixel-ratio": viewport.devicePixelRatio
        case "aspect-ratio", "device-aspect-ratio": viewport.width / viewport.height
        default: nil
        }
    }

    static func compare(_ name: String, _ op: String, _ valueText: String, _ viewport: Viewport) -> Bool {
        let value = valueText.lowercased()
        switch name {
        case "orientation": return value == (viewport.height >= viewport.width ? "portrait" : "landscape")
        case "prefers-color-scheme": return value == "light"
        case "prefers-reduced-motion", "prefers-contrast", "prefers-reduced-transparency", "prefers-reduced-data":
            return value == "no-preference"
        case "hover", "any-hover": return value == "hover"
        case "pointer", "any-pointer": return value == "fine"
        case "scripting": return value == "enabled"
        case "display-mode": return value == "browser"
        case "forced-colors", "inverted-colors": return value == "none"
        case "update": return value == "fast"
        case "color-gamut": return value == "srgb"
        case "color": return (op == "=" ? Double(value) == 8 : compareNumbers(8, op, Double(value) ?? .nan))
        case "monochrome": return (Double(value) ?? 1) == 0 && op != "<"
        default: break
        }
        guard let actual = featureValue(name, viewport) else { return false }
        let expected: Double?
        switch name {
        case "resolution", "device-pixel-ratio": expected = name == "resolution" ? CSSValue.resolution(value) : Double(value)
        case "aspect-ratio", "device-aspect-ratio": expected = CSSValue.ratio(value)
        default: expected = CSSValue.length(value, viewport)
        }
        guard let expected else { return false }
        return compareNumbers(actual, op, expected)
    }

    static func compareNumbers(_ a: Double, _ op: String, _ b: Double) -> Bool {
        let epsilon = 1e-9
        switch op {
        case "<": return a < b - epsilon
        case ">": return a > b + epsilon
        case "<=": return a <= b + epsilon
        case ">=": return a >= b - epsilon
        default: return abs(a - b) < 1e-6
        }
    }

    /// Words and parenthesised groups of a media query, lower-cased.
    struct Tokens {
        enum Token: Equatable { case word(String), group(String) }
        var items: [Token] = []
        var index = 0

        init(_ text: String) {
            var chars = Substring(text)
            while let c = chars.first {
                if c == "(" {
                    var depth = 0
                    var inner = ""
                    while let d = chars.first {
                        chars = chars.dropFirst()
                        if d == "(" { depth += 1; if depth == 1 { continue } }
                        if d == ")" { depth -= 1; if depth == 0 { break } }
                        inner.append(d)
                    }
                    items.append(.group(inner))
                } else if c.isWhitespace {
                    chars = chars.dropFirst()
                } else {
                    var word = ""
                    while let d = chars.first, !d.isWhitespace, d != "(" { word.append(d); chars = chars.dropFirst() }
                    items.append(.word(word.lowercased()))
                }
            }
        }

        var peek: Token? { index < items.count ? items[index] : nil }
        func peek(_ offset: Int) -> Token? { index + offset < items.count ? items[index + offset] : nil }
        @discardableResult mutating func next() -> Token? {
            defer { index += 1 }
            return peek
        }
    }
}
