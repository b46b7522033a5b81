internal import CrawlModel
internal import Foundation

/// What the browser model needs to know about where a CSS reference sits: the selector of
/// its rule, the `@media` blocks around it, the family of an `@font-face`, the families that
/// `font-family` and `font` declarations ask for, and `@import`s a browser ignores.
///
/// Written into the references' `condition`:
/// - `selector`: the rule's selector list as written (comments dropped, whitespace collapsed);
/// - `atMedia`: the media query lists of the enclosing `@media` blocks, joined by ` && `;
/// - `font-family`: on `@font-face` sources, the face's family;
/// - `invalid`: on an `@import` after other rules or after `@namespace` (browsers ignore it).
///
/// A `font-family` or `font` declaration becomes a reference with no URL, role `metadata`,
/// attribute `font-family` and the family list as `raw`.
struct RuleContext {
    enum Block {
        /// A style rule: where its selector list is written (the text is built only when a
        /// reference inside asks for it; most rules of a stylesheet hold none).
        case style(selectorStart: Int, selectorEnd: Int)
        case media(String)
        case fontFace(firstReference: Int, family: String?)
        /// `@supports`, `@layer`, `@container`, `@scope`: their rules apply as if outside.
        case transparent
        /// `@keyframes`, `@page` and the like: nothing inside is a style rule.
        case opaque
    }

    var blocks: [Block] = []
    /// The stylesheet's characters, which the blocks' positions index.
    var chars: [Unicode.Scalar] = []
    var preludeStart = 0
    var pendingAtRule: (name: String, preludeStart: Int)?
    var atDeclarationStart = true
    var sawNamespace = false
    var sawRule = false
    /// The declaration being read: its property and where its value starts.
    var declaration: (property: String, valueStart: Int, line: Int)?

    mutating func openBlock(_ scanner: CSSScanner, firstReference: Int) {
        if blocks.isEmpty { sawRule = true }
        atDeclarationStart = true
        declaration = nil
        if let at = pendingAtRule {
            pendingAtRule = nil
            let prelude = Self.collapsed(scanner.text(at.preludeStart, scanner.pos))
            switch at.name {
            case "media": blocks.append(.media(prelude))
            case "font-face": blocks.append(.fontFace(firstReference: firstReference, family: nil))
            case "supports", "layer", "container", "scope", "starting-style", "document", "-moz-document":
                blocks.append(.transparent)
            default: blocks.append(.opaque)
            }
            return
        }
        if case .opaque? = blocks.last { blocks.append(.opaque); return }
        blocks.append(.style(selectorStart: preludeStart, selectorEnd: scanner.pos))
    }

    mutating func closeBlock(_ refs: inout [Reference]) {
        atDeclarationStart = true
        pendingAtRule = nil
        guard let block = blocks.popLast() else { return }
        if case .fontFace(let first, let family?) = block {
            for i in first..<refs.count where refs[i].kind == .font && refs[i].attribute != "font-family" {
                var cond = refs[i].condition ?? [:]
                cond["font-family"] = family
                refs[i].condition = cond
            }
        }
    }

    /// Why an `@import` here is ignored by browsers, or nil when it is valid.
    func importValidity(atDepth depth: Int) -> String? {
        if depth > 0 { return "@import inside a block" }
        if sawRule { return "@import after other rules" }
        if sawNamespace { return "@import after @namespace" }
        return nil
    }

    /// The innermost style rule's selector, or nil outside any.
    var selector: String? {
        for block in blocks.reversed() {
            if case .style(let start, let end) = block { return Self.collapsed(CSSScanner.text(chars, start, end)) }
        }
        return nil
    }

    /// The enclosing `@media` query lists, outermost first, joined by ` && `.
    var atMedia: String? {
        let queries = blocks.compactMap { block -> String? in if case .media(let q) = block { q } else { nil } }
        return queries.isEmpty ? nil : queries.joined(separator: " && ")
    }

    /// True inside a block where declarations are read (a style rule or `@font-face`), or at
    /// the top of a `style=""` attribute.
    func readsDeclarations(inStyleAttribute: Bool) -> Bool {
        switch blocks.last {
        case .style?, .fontFace?: true
        case nil: inStyleAttribute
        default: false
        }
    }

    /// Adds the rule context to a reference's condition.
    func describe(_ cond: inout [String: String]) {
        if let selector { cond["selector"] = selector }
        if let atMedia { cond["atMedia"] = atMedia }
    }

    mutating func startDeclaration(_ scanner: CSSScanner, nameStart: Int, line: Int) {
        var ahead = scanner
        ahead.skipWhitespaceAndComments()
        guard ahead.peek() == ":" else { return }
        // Compared as ASCII in any case, with no string built: no other scalar lower-cases to
        // one of these letters, so this is `text.lowercased() == name`.
        let property: String
        if scanner.matchesASCIILowercased(nameStart, scanner.pos, "font") {
            property = "font"
        } else if scanner.matchesASCIILowercased(nameStart, scanner.pos, "font-family") {
            property = "font-family"
        } else {
            return
        }
        declaration = (property, ahead.pos + 1, line)
    }

    /// Comments dropped, runs of whitespace made one space, trimmed.
    ///
    /// Runs for every rule's selector and every declaration's value: it works on the UTF-8
    /// bytes (comment markers and CSS whitespace are ASCII, never part of a multi-byte
    /// character), and gives back the text itself, with no copy, when nothing changes.
    static func collapsed(_ text: String) -> String {
        var text = text
        let changed = text.withUTF8 { bytes -> String? in
            let slash = UInt8(ascii: "/"), star = UInt8(ascii: "*"), space = UInt8(ascii: " ")
            var clean = bytes.first != space && bytes.last != space
            var i = 0
            while clean, i < bytes.count {
                let b = bytes[i]
                if b == slash, i + 1 < bytes.count, bytes[i + 1] == star { clean = false }
                if b == space, i + 1 < bytes.count, bytes[i + 1] == space { clean = false }
                if b != space, isSpaceByte(b) { clean = false }
                i += 1
            }
            if clean { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            i = 0
            while i < bytes.count {
                let c = bytes[i]
                if c == slash, i + 1 < bytes.count, bytes[i + 1] == star {
                    i += 2
                    while i < bytes.count, !(bytes[i] == star && i + 1 < bytes.count && bytes[i + 1] == slash) { i += 1 }
                    i = min(i + 2, bytes.count)
                    pendingSpace = true
                    continue
                }
                i += 1
                if isSpaceByte(c) { pendingSpace = true; continue }
                if pendingSpace, !out.isEmpty { out.append(space) }
                pendingSpace = false
                out.append(c)
            }
            return String(decoding: out, as: UTF8.self)
        }
        return changed ?? text
    }

    /// ``CSSScanner/isSpace(_:)`` for one UTF-8 byte.
    private static func isSpaceByte(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C
    }

    /// The family list of a `font` shorthand: what follows the size (and `/line-height`).
    static func familiesOfFontShorthand(_ value: String) -> String? {
        let sizeKeywords: Set<String> = ["xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large",
                                         "xxx-large", "smaller", "larger"]
        let tokens = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        for (i, token) in tokens.enumerated() {
            let lower = token.lowercased()
            let size = lower.split(separator: "/", maxSplits: 1).first.map(String.init) ?? lower
            let isSize = sizeKeywords.contains(size) || (size.first.map { $0.isNumber || $0 == "." } ?? false)
                || size.hasPrefix("calc(") || size.hasPrefix("var(")
            guard isSize else { continue }
            var rest = tokens[(i + 1)...]
            if !lower.contains("/"), rest.first == "/" { rest = rest.dropFirst(2) }
            else if !lower.contains("/"), let next = rest.first, next.hasPrefix("/") { rest = rest.dropFirst() }
            let families = rest.joined(separator: " ")
            return families.isEmpty ? nil : families
        }
        return nil
    }
}

extension CSSExtractor.Extraction {
    /// At the `;` or `}` ending a declaration: records a `font-family`/`font` value.
    mutating func endDeclaration(_ scanner: CSSScanner) {
        guard let declaration = context.declaration else { return }
        context.declaration = nil
        var value = RuleContext.collapsed(scanner.text(declaration.valueStart, scanner.pos))
        if let bang = value.range(of: "!important", options: .caseInsensitive) { value = String(value[..<bang.lowerBound]) }
        value = value.trimmingCharacters(in: .whitespaces)
        let families = declaration.property == "font" ? RuleContext.familiesOfFontShorthand(value) : value
        guard let families, !families.isEmpty else { return }
        if case .fontFace(let first, _)? = context.blocks.last {
            if declaration.property == "font-family" {
                context.blocks[context.blocks.count - 1] = .fontFace(firstReference: first, family: FontFamilies.parse(families).first)
            }
            return
        }
        var inStyleAttribute = false
        if case .styleAttribute = origin { inStyleAttribute = true }
        guard context.readsDeclarations(inStyleAttribute: inStyleAttribute) else { return }
        var cond: [String: String] = [:]
        context.describe(&cond)
        refs.append(Reference(url: nil, raw: FontFamilies.parse(families).joined(separator: ", "), element: element,
                              attribute: "font-family",
                              line: firstLine + declaration.line - 1, kind: .font, role: .metadata,
                              condition: cond.isEmpty ? nil : cond, notFetchable: "font-family declaration"))
    }
}

/// A CSS `font-family` list: names unquoted, escapes kept, whitespace collapsed, lower-cased
/// (family names match case-insensitively).
enum FontFamilies {
    static func parse(_ list: String) -> [String] {
        var names: [String] = []
        var current = ""
        var quote: Character?
        for c in list {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "," {
                names.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        names.append(current)
        return names.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased() }.filter { !$0.isEmpty }
    }
}
