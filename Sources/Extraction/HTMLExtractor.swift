internal import CLibXML2
public import CrawlModel
public import Foundation

/// Finds every reference in an HTML document with libxml2's HTML parser, run in SAX mode
/// (no tree is built; see `LibXML.withSAXParse`).
///
/// The walk is driven by one table, ``HTMLExtractor/elements``, of (element, attribute, kind,
/// role); the few elements whose meaning depends on another attribute (`link rel`, `meta`,
/// `input type`, `source`) are decided in `rules(for:attributes:inSVG:inPicture:)`.
///
/// Some elements change how their content is read:
/// - `<template>`: content is inert until a script clones it, so every reference inside is
///   recorded with role `.lazy` and the condition `inert: template`, and never fetched.
/// - `<noscript>`: content is what a browser fetches with scripting disabled. It is recorded
///   with its usual role (so a broken fallback image is still found) and the condition
///   `scripting: disabled`, so reports can tell it apart.
/// - `<picture>`, `<video>`, `<audio>`: their alternatives share one `candidateGroup`.
/// - `<iframe srcdoc>`: the inline document is extracted too (two levels deep at most).
///
/// Encoding: a byte-order mark wins, then the HTTP charset, then libxml2's own `<meta>`
/// detection; labels are read as the WHATWG Encoding standard says (`iso-8859-1` is
/// windows-1252, `Shift_JIS` is CP932), re-parsing when libxml2 picked a non-browser decoder.
/// In a legacy-encoded page the query of a URL is percent-encoded in the page's encoding, as
/// the URL standard says; the path is always UTF-8.
///
/// Lines are libxml2's: the line where an element's start tag ends.
///
/// ```swift
/// let refs = HTMLExtractor.extract(Array(html.utf8), url: URL(string: "http://h/")!)
/// ```
public enum HTMLExtractor {
    /// Extracts every reference from an HTML document.
    ///
    /// - Parameters:
    ///   - html: the document's bytes as received (after content decoding).
    ///   - url: the document's URL; relative references resolve against it or `<base href>`.
    ///   - charset: the charset named by the HTTP `Content-Type`, if any. Without it libxml2
    ///     detects a BOM or `<meta charset>`.
    /// - Returns: references in document order.
    public static func extract(_ html: [UInt8], url: URL, charset: String? = nil) -> [Reference] {
        extract(html, url: url, charset: charset, srcdocDepth: 0)
    }

    /// How deep `<iframe srcdoc>` documents are followed (each level can nest the next in an attribute).
    static let maxSrcdocDepth = 2

    static func extract(_ html: [UInt8], url: URL, charset: String?, srcdocDepth: Int) -> [Reference] {
        extractDocument(html, url: url, charset: charset, srcdocDepth: srcdocDepth).references
    }

    /// Extracts every reference and the element tree, in one parse.
    ///
    /// - Parameter implicitFavicon: add the `/favicon.ico` a browser asks for when a top-level
    ///   page declares no `<link rel=icon>` (as a reference with the condition `implicit: favicon`).
    public static func extractDocument(_ html: [UInt8], url: URL, charset: String? = nil,
                                       implicitFavicon: Bool = false) -> ExtractedDocument {
        extractDocument(html, url: url, charset: charset, srcdocDepth: 0, implicitFavicon: implicitFavicon)
    }

    static func extractDocument(_ html: [UInt8], url: URL, charset: String?, srcdocDepth: Int,
                                implicitFavicon: Bool = false) -> ExtractedDocument {
        guard let walk = parse(html, url: url, charset: charset) else { return ExtractedDocument(references: []) }
        // <base href>: the first one with an href, resolved against the document URL.
        var baseURL = url
        if let base = walk.baseHref, case .url(let resolved) = WebURL.resolve(base, against: url) {
            baseURL = resolved
        }
        var context = ResolutionContext(documentURL: url, base: baseURL, groups: walk.groupCount, srcdocDepth: srcdocDepth,
                                        queryEncoding: QueryEncoding.legacy(walk.encoding))
        var refs: [Reference] = []
        // Srcset and CSS values yield several references each: reserve for that, since growing
        // an array of references copies every one of them.
        refs.reserveCapacity(walk.references.count * 2 + 16)
        for raw in walk.references {
            raw.appendReferences(to: &refs, context: &context)
        }
        if implicitFavicon, !walk.declaresIcon, case .url(let favicon) = WebURL.resolve("/favicon.ico", against: url),
           favicon.scheme == "http" || favicon.scheme == "https" {
            // A browser asks for /favicon.ico when the page declares no icon.
            refs.append(Reference(url: favicon.absoluteString, raw: "/favicon.ico", element: "html", attribute: "implicit",
                                  line: nil, kind: .icon, role: .requisite, condition: ["implicit": "favicon"]))
        }
        return ExtractedDocument(references: refs, outline: walk.outline)
    }

    /// What the walk found, before resolution (the base URL may come after the references).
    struct Walk {
        var references: [RawReference] = []
        var baseHref: String?
        var groupCount = 0
        /// The iconv name of the encoding the document was decoded with, when known.
        var encoding: String?
        var outline = DocumentOutline()
        /// A `<link rel=icon>` outside `<template>`/`<noscript>`: no implicit /favicon.ico then.
        var declaresIcon = false
    }

    /// Parses with the right decoder and walks the tree.
    static func parse(_ html: [UInt8], url: URL, charset: String?) -> Walk? {
        LibXML.initialize()
        return html.withUnsafeBufferPointer { buffer -> Walk? in
            var bytes = buffer
            var encoding: String?
            if let bom = Charset.byteOrderMark(buffer) {
                encoding = bom.name
                bytes = UnsafeBufferPointer(rebasing: buffer[bom.length...])
            } else if let charset {
                encoding = Charset.libxmlName(forLabel: charset)
            }
            enum Outcome { case walked(Walk), reparse(String) }
            let first = LibXML.withSAXParse(bytes, encoding: encoding, handler: Walker()) { walker, declared -> Outcome in
                if encoding == nil, let declared, var wanted = Charset.libxmlName(forLabel: declared) {
                    // A <meta> cannot switch an ASCII-compatible byte stream to UTF-16 (HTML §13.2.3.2).
                    if wanted.hasPrefix("UTF-16") { wanted = "UTF-8" }
                    if wanted.lowercased() != declared.lowercased() { return .reparse(wanted) }
                }
                var walk = walker.result
                walk.outline = walker.outline.outline
                walk.encoding = encoding ?? declared.flatMap(Charset.libxmlName(forLabel:))
                return .walked(walk)
            }
            switch first {
            case .walked(let walk)?:
                return walk
            case .reparse(let wanted)?:
                return LibXML.withSAXParse(bytes, encoding: wanted, handler: Walker()) { walker, _ in
                    var walk = walker.result
                    walk.outline = walker.outline.outline
                    walk.encoding = wanted
                    return walk
                }
            case nil where encoding != nil:
                return LibXML.withSAXParse(bytes, encoding: nil, handler: Walker()) { walker, _ in
                    var walk = walker.result
                    walk.outline = walker.outline.outline
                    return walk
                }
            case nil:
                return nil
            }
        }
    }

    /// The walk's state, fed by libxml2's SAX callbacks (no tree is built): what was found,
    /// the open contexts (template, noscript, svg, picture, media) and the `<style>` being read.
    final class Walker {
        var result = Walk()
        /// The page's element tree, built from the same events.
        var outline = OutlineBuilder()
        private var depth = 0
        private var open: [(depth: Int, context: Context, group: Int)] = []
        private var templateDepth = 0
        private var noscriptDepth = 0
        private var svgDepth = 0
        /// The `preload` attribute of the open `<video>`/`<audio>` elements, by depth.
        private var mediaPreload: [Int: String] = [:]
        /// The `<style>` element being read: its depth, and its reference without the text yet.
        private var style: (depth: Int, reference: RawReference, text: [UInt8])?

        init() {
            result.references.reserveCapacity(256)
        }

        func newGroup() -> Int {
            result.groupCount += 1
            return result.groupCount
        }

        func endElement(_ name: UnsafePointer<UInt8>) {
            outline.end(name)
            if let current = style, current.depth == depth {
                var reference = current.reference
                reference.raw = String(decoding: current.text, as: UTF8.self)
                result.references.append(reference)
                style = nil
            }
            if let last = open.last, last.depth == depth {
                open.removeLast()
                switch last.context {
                case .template: templateDepth -= 1
                case .noscript: noscriptDepth -= 1
                case .svg: svgDepth -= 1
                case .media: mediaPreload[depth] = nil
                case .picture: break
                }
            }
            depth = max(0, depth - 1)
        }

        func text(_ bytes: UnsafeBufferPointer<UInt8>) {
            outline.text(bytes)
            style?.text.append(contentsOf: bytes)
        }

        private func enter(_ context: Context) {
            var group = 0
            switch context {
            case .template: templateDepth += 1
            case .noscript: noscriptDepth += 1
            case .svg: svgDepth += 1
            case .picture, .media: group = newGroup()
            }
            open.append((depth, context, group))
        }

        /// The innermost open `picture`/`video`/`audio`.
        private func innermostAlternatives() -> (context: Context, group: Int)? {
            for entry in open.reversed() {
                switch entry.context {
                case .picture, .media: return (entry.context, entry.group)
                default: continue
                }
            }
            return nil
        }

        func startElement(_ namePtr: UnsafePointer<UInt8>, _ attributeList: SAXAttributes, line: Int) {
            depth += 1
            outline.start(namePtr, attributeList)
            // Most elements (div, p, span, li…) are not in the table: tell so from the name's
            // length and first byte, and look no further unless they carry style or data-src.
            let length = Int(xmlStrlen(namePtr))
            let mayBeInTable = length < HTMLExtractor.tableShapes.count && HTMLExtractor.tableShapes[length][Int(namePtr[0])]
            if !mayBeInTable, !attributeList.hasAnyElementAttribute { return }
            let name = String(cString: namePtr)
            let spec = mayBeInTable ? HTMLExtractor.elements[name] : nil
            if spec == nil {
                guard attributeList.hasAnyElementAttribute else { return }
            }
            if let context = spec?.context { enter(context) }
            let attributes = attributeList.attributes()
            if spec?.context == .media, let preload = attributes["preload"] { mediaPreload[depth] = preload }
            let alternatives = innermostAlternatives()
            if spec?.special == .link, templateDepth == 0, noscriptDepth == 0,
               relTokens(attributes["rel"] ?? "").contains("icon") {
                result.declaresIcon = true
            }

            // What the element's surroundings add to every reference it makes.
            var extra: [String: String] = [:]
            if noscriptDepth > 0 { extra["scripting"] = "disabled" }
            // A <source> of a media element with preload="none" is not fetched either.
            if name == "source", alternatives?.context == .media, let entry = open.last(where: { $0.context == .media }),
               let preload = mediaPreload[entry.depth] {
                extra["preload"] = preload
            }
            if templateDepth > 0 { extra["inert"] = "template" }
            let roleOverride: ReferenceRole? = templateDepth > 0 ? .lazy : nil

            var rules: [Rule] = []
            if let spec {
                switch spec.special {
                case .base?:
                    if templateDepth == 0, let href = attributes["href"] {
                        if result.baseHref == nil { result.baseHref = href }
                        result.references.append(RawReference(
                            element: name, rule: Rule(attribute: "href", kind: .other, role: .metadata), raw: href,
                            line: line, extra: nil, roleOverride: nil, isBase: true))
                    }
                case .style?:
                    // The text comes in SAX callbacks; the reference is added at </style>.
                    var condition = extra
                    if let media = attributes["media"] { condition["media"] = media }
                    style = (depth, RawReference(
                        element: name, rule: Rule(attribute: "text", kind: .image, role: .requisite, syntax: .css),
                        raw: "", line: line, extra: condition.isEmpty ? nil : condition, roleOverride: roleOverride), [])
                default:
                    break
                }
                rules = HTMLExtractor.rules(for: spec, attributes: attributes, inSVG: svgDepth > 0,
                                            inPicture: alternatives?.context == .picture)
            }
            if attributes["style"] != nil { rules.append(HTMLExtractor.styleRule) }
            var lazyRules: [Rule] = []
            for rule in HTMLExtractor.lazyRules where attributes[rule.attribute] != nil {
                var lazy = rule
                lazy.kind = HTMLExtractor.lazyKind(element: name, inMedia: alternatives?.context == .media)
                lazyRules.append(lazy)
            }
            guard !rules.isEmpty || !lazyRules.isEmpty else { return }

            var condition = extra
            attributes.conditions(into: &condition)
            let finalCondition = condition.isEmpty ? nil : condition

            // Alternatives a browser picks one of share a group: an img's src and srcset (or
            // all of a picture's), a video's src and sources, a preload's href and imagesrcset.
            var group: Int?
            let inherits = name == "img" || name == "source" || name == "video" || name == "audio"
            for rule in rules {
                guard let value = attributes[rule.attribute] else { continue }
                var ruleGroup: Int?
                if rule.grouped {
                    if group == nil { group = (inherits ? alternatives?.group : nil) ?? newGroup() }
                    ruleGroup = group
                }
                result.references.append(RawReference(
                    element: name, rule: rule, raw: value, line: line, condition: finalCondition, group: ruleGroup,
                    extra: rule.syntax == .css || rule.syntax == .srcdoc ? (extra.isEmpty ? nil : extra) : nil,
                    roleOverride: roleOverride))
            }
            // data-src and data-srcset, or the candidates of one data-srcset, are alternatives too.
            let lazyGroup = lazyRules.count > 1 || lazyRules.contains { $0.syntax == .srcset } ? newGroup() : nil
            for rule in lazyRules {
                guard let value = attributes[rule.attribute] else { continue }
                result.references.append(RawReference(
                    element: name, rule: rule, raw: value, line: line, condition: finalCondition, group: lazyGroup,
                    extra: nil, roleOverride: nil))
            }
        }
    }

    /// `tableShapes[length][firstByte]` is true when some element of the table has that name
    /// length and first byte: a cheap test that rules out most elements before any String is made.
    static let tableShapes: [[Bool]] = {
        let longest = elements.keys.map(\.utf8.count).max() ?? 0
        var shapes = Array(repeating: Array(repeating: false, count: 256), count: longest + 1)
        for name in elements.keys { shapes[name.utf8.count][Int(name.utf8.first!)] = true }
        return shapes
    }()

    /// The kind a lazy-loading attribute names, from the element that carries it.
    static func lazyKind(element: String, inMedia: Bool) -> AssetKind {
        switch element {
        case "iframe", "frame": return .frame
        case "video", "audio": return .media
        case "source": return inMedia ? .media : .image
        case "script": return .script
        default: return .image
        }
    }
}
