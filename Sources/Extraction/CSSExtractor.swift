public import Foundation
public import CrawlModel

/// Finds every URL a stylesheet makes a browser fetch: `url()` (quoted, unquoted, escaped),
/// `@import` in string and url form with its media (and `layer`/`supports`), `image-set()`
/// options with their resolution and `type()`, and `@font-face` sources as fonts with their
/// `format()`. Comments are skipped; escapes are decoded as CSS Syntax §4.3.7 says;
/// `@namespace` URLs are names, not fetched, and are skipped.
///
/// Alternatives a browser fetches one of share a `candidateGroup`: the options of one
/// `image-set()`, the sources of one `@font-face` `src` declaration.
///
/// ```swift
/// let refs = CSSExtractor.extract("@import 'a.css' print;", base: URL(string: "http://h/s.css")!)
/// ```
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

    /// Extracts the references of a stylesheet.
    ///
    /// - Parameters:
    ///   - css: the stylesheet text.
    ///   - base: the URL relative references resolve against.
    ///   - origin: where the text came from.
    ///   - firstLine: the line of the document the text starts on.
    /// - Returns: references in source order.
    public static func extract(_ css: String, base: URL, origin: Origin = .file, firstLine: Int = 1) -> [Reference] {
        var groups = 0
        return extract(css, base: base, origin: origin, firstLine: firstLine, groups: &groups)
    }

    /// As above, numbering candidate groups after `groups` (a document's groups are shared
    /// by its HTML and its inline CSS) and leaving in it the last number used.
    static func extract(_ css: String, base: URL, origin: Origin, firstLine: Int, groups: inout Int,
                        resolver: FastResolver? = nil) -> [Reference] {
        var refs: [Reference] = []
        extract(css, base: base, origin: origin, firstLine: firstLine, groups: &groups, resolver: resolver, into: &refs)
        return refs
    }

    /// As above, appending to `refs` (a document's one array: a small array per `style=""`
    /// costs more in allocation than the scan).
    static func extract(_ css: String, base: URL, origin: Origin, firstLine: Int, groups: inout Int,
                        resolver: FastResolver?, into refs: inout [Reference]) {
        var extraction = Extraction(base: base, origin: origin, firstLine: firstLine, groups: groups,
                                    resolver: resolver ?? FastResolver(base: base))
        swap(&extraction.refs, &refs)
        extraction.run(CSSScanner(CSSScanner.scalars(of: css)))
        swap(&extraction.refs, &refs)
        groups = extraction.groups
    }

    /// One pass over a stylesheet.
    struct Extraction {
        let base: URL
        let origin: Origin
        let firstLine: Int
        let resolver: FastResolver
        var groups: Int
        var refs: [Reference] = []

        private var braceDepth = 0
        private var parenDepth = 0
        /// The brace depth of the `@font-face` block we are in.
        private var fontFaceDepth: Int?
        /// The group of the `src` declaration being read in a `@font-face`.
        private var fontSourceGroup: Int?
        /// The group of the last `src` declaration of this `@font-face`: a later `src`
        /// overrides it (the cascade), so a browser never fetches its sources.
        private var previousFontSourceGroup: Int?
        /// The paren depth and group of the `image-set()` being read.
        private var imageSet: (depth: Int, group: Int)?
        /// The rule context the browser model needs (selectors, `@media`, font families); see
        /// `CSSExtractor+Rules.swift`.
        var context = RuleContext()

        init(base: URL, origin: Origin, firstLine: Int, groups: Int, resolver: FastResolver) {
            self.base = base
            self.origin = origin
            self.firstLine = firstLine
            self.groups = groups
            self.resolver = resolver
        }

        var element: String {
            switch origin {
            case .file: "css"
            case .styleElement: "style"
            case .styleAttribute(let name): name
            }
        }

        mutating func add(_ raw: String, construct: String, kind: AssetKind, line: Int, condition: [String: String] = [:],
                          group: Int? = nil) {
            var attribute = construct
            var cond = condition
            if case .styleAttribute = origin {
                attribute = "style"
                cond["css"] = construct
            }
            if construct != "@import" { context.describe(&cond) }
            refs.append(ReferenceFactory.make(
                raw: raw, base: base, resolver: resolver, element: element, attribute: attribute, line: firstLine + line - 1,
                kind: kind, role: .requisite, condition: cond.isEmpty ? nil : cond, candidateGroup: group))
        }

        /// Sets a condition on the last reference when it belongs to `group` (the option or
        /// source a `2x`, `type()` or `format()` describes).
        mutating func describeLast(in group: Int?, key: String, value: String) {
            guard let group, let last = refs.indices.last, refs[last].candidateGroup == group else { return }
            var cond = refs[last].condition ?? [:]
            cond[key] = value
            refs[last].condition = cond
        }

        /// Marks the sources of an `@font-face` `src` that a later `src` of the same face overrides
        /// (`src: url(a.eot); src: url(a.eot?#iefix) format(…), url(a.woff2) format("woff2")`).
        mutating func overrideSources(of group: Int) {
            for i in refs.indices.reversed() where refs[i].candidateGroup == group {
                var cond = refs[i].condition ?? [:]
                cond["invalid"] = "font src overridden by a later src"
                refs[i].condition = cond
            }
        }

        mutating func newGroup() -> Int {
            groups += 1
            return groups
        }

        /// The group a `url()` or string joins here, if it is one of a set of alternatives.
        var currentGroup: Int? { imageSet?.group ?? fontSourceGroup }

        mutating func run(_ start: CSSScanner) {
            var scanner = start
            context.chars = scanner.chars
            while let c = scanner.peek() {
                if c == "/" && scanner.peek(1) == "*" {
                    scanner.skipComment()
                } else if c == "\"" || c == "'" {
                    context.atDeclarationStart = false
                    let line = scanner.line
                    let s = scanner.readString()
                    if let imageSet {
                        add(s, construct: "image-set", kind: .image, line: line, group: imageSet.group)
                    }
                } else if c == "@" {
                    scanner.advance()
                    atRule(scanner.readIdentifier().lowercased(), &scanner)
                } else if c == "{" {
                    braceDepth += 1
                    context.openBlock(scanner, firstReference: refs.count)
                    scanner.advance()
                    context.preludeStart = scanner.pos
                } else if c == "}" {
                    if fontFaceDepth == braceDepth { fontFaceDepth = nil }
                    fontSourceGroup = nil
                    braceDepth = max(0, braceDepth - 1)
                    endDeclaration(scanner)
                    context.closeBlock(&refs)
                    scanner.advance()
                    context.preludeStart = scanner.pos
                } else if c == ";" {
                    fontSourceGroup = nil
                    endDeclaration(scanner)
                    scanner.advance()
                    context.preludeStart = scanner.pos
                    context.atDeclarationStart = true
                    context.pendingAtRule = nil
                } else if c == "(" {
                    context.atDeclarationStart = false
                    parenDepth += 1
                    scanner.advance()
                } else if c == ")" {
                    if imageSet?.depth == parenDepth { imageSet = nil }
                    parenDepth = max(0, parenDepth - 1)
                    scanner.advance()
                } else if imageSet != nil, scanner.lookingAtNumber() {
                    describeLast(in: imageSet?.group, key: "descriptor", value: scanner.readDimension())
                } else if scanner.isIdentifierStart(c) || c == "\\" {
                    identifier(&scanner)
                } else {
                    if !CSSScanner.isSpace(c) { context.atDeclarationStart = false }
                    scanner.advance()
                }
            }
            endDeclaration(scanner)
        }

        mutating func atRule(_ name: String, _ scanner: inout CSSScanner) {
            switch name {
            case "import":
                let line = scanner.line
                scanner.skipWhitespaceAndComments()
                var url: String?
                if scanner.peek() == "\"" || scanner.peek() == "'" {
                    url = scanner.readString()
                } else if scanner.lookingAtURLFunction() {
                    url = scanner.readURLFunction()
                }
                var condition = Self.importConditions(scanner.readUntilSemicolon())
                if let invalid = context.importValidity(atDepth: braceDepth) { condition["invalid"] = invalid }
                if let url { add(url, construct: "@import", kind: .stylesheet, line: line, condition: condition) }
                context.preludeStart = scanner.pos
            case "namespace":
                // `@namespace svg url(http://www.w3.org/2000/svg);` names a namespace; nothing is fetched.
                _ = scanner.readUntilSemicolon()
                context.sawNamespace = true
                context.preludeStart = scanner.pos
            case "charset":
                _ = scanner.readUntilSemicolon()
                context.preludeStart = scanner.pos
            case "font-face":
                fontFaceDepth = braceDepth + 1
                previousFontSourceGroup = nil
                context.pendingAtRule = (name, scanner.pos)
            default:
                context.pendingAtRule = (name, scanner.pos)
            }
        }

        mutating func identifier(_ scanner: inout CSSScanner) {
            let line = scanner.line
            let start = scanner.pos
            let declarationStart = context.atDeclarationStart
            context.atDeclarationStart = false
            defer { if declarationStart, scanner.pos > start { context.startDeclaration(scanner, nameStart: start, line: line) } }
            if scanner.lookingAtURLFunction() {
                let raw = scanner.readURLFunction()
                let group = currentGroup
                add(raw, construct: imageSet != nil ? "image-set" : "url", kind: fontFaceDepth != nil ? .font : .image,
                    line: line, group: group)
                return
            }
            // Most identifiers (properties, values, class names) decide nothing here: the
            // name is built only for a function's or a `src` in an `@font-face`.
            var decoded: String?
            if !scanner.skipPlainIdentifier() { decoded = scanner.readIdentifier().lowercased() }
            if scanner.pos == start {
                // A backslash before a newline starts nothing: step over it.
                scanner.advance()
                return
            }
            guard scanner.peek() == "(" || (fontFaceDepth != nil && fontFaceDepth == braceDepth) else { return }
            let ident = decoded ?? scanner.text(start, scanner.pos).lowercased()
            if scanner.peek() == "(" {
                switch ident {
                case "image-set", "-webkit-image-set":
                    scanner.advance()
                    parenDepth += 1
                    imageSet = (parenDepth, newGroup())
                case "type" where imageSet != nil:
                    scanner.advance()
                    describeLast(in: imageSet?.group, key: "type", value: scanner.readArguments())
                case "format", "tech":
                    scanner.advance()
                    describeLast(in: fontSourceGroup, key: ident, value: scanner.readArguments())
                case "local":
                    // local("Font Name") names an installed font: nothing to fetch.
                    scanner.advance()
                    _ = scanner.readArguments()
                default:
                    break
                }
            } else if ident == "src", fontFaceDepth != nil, fontFaceDepth == braceDepth {
                scanner.skipWhitespaceAndComments()
                if scanner.peek() == ":" {
                    if let previous = previousFontSourceGroup { overrideSources(of: previous) }
                    fontSourceGroup = newGroup()
                    previousFontSourceGroup = fontSourceGroup
                }
            }
        }

        /// Splits what follows an `@import` URL into `layer`, `supports` and `media`.
        static func importConditions(_ text: String) -> [String: String] {
            var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
            var conditions: [String: String] = [:]
            func takeFunction(_ name: String) -> String? {
                guard rest.lowercased().hasPrefix(name + "(") else { return nil }
                var depth = 0
                var end = rest.startIndex
                for i in rest.indices {
                    if rest[i] == "(" { depth += 1 }
                    if rest[i] == ")" {
                        depth -= 1
                        if depth == 0 { end = rest.index(after: i); break }
                    }
                }
                guard end > rest.startIndex else { return nil }
                let inner = rest[rest.index(rest.startIndex, offsetBy: name.count + 1)..<rest.index(before: end)]
                rest = rest[end...].drop { $0.isWhitespace }
                return String(inner).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if let layer = takeFunction("layer") {
                conditions["layer"] = layer
            } else if rest.lowercased() == "layer" || rest.lowercased().hasPrefix("layer ") {
                conditions["layer"] = ""
                rest = rest.dropFirst(5).drop { $0.isWhitespace }
            }
            if let supports = takeFunction("supports") { conditions["supports"] = supports }
            if !rest.isEmpty { conditions["media"] = String(rest) }
            return conditions
        }
    }
}
