internal import CLibXML2
public import CrawlModel
public import Foundation

/// Finds every reference in an HTML document with libxml2's HTML parser.
///
/// The walk is driven by one table, ``HTMLExtractor/rules``, of (element, attribute, kind,
/// role); the few elements whose meaning depends on another attribute (`link rel`, `meta`,
/// `input type`, `source`) are decided in ``classify(element:attributes:)``.
///
/// ```swift
/// let refs = HTMLExtractor.extract(Array(html.utf8), url: URL(string: "http://h/")!)
/// ```
public enum HTMLExtractor {
    /// How an attribute's value holds URLs.
    enum Syntax: Sendable { case url, srcset, css, refresh }

    struct Rule: Sendable {
        var attribute: String
        var kind: AssetKind
        var role: ReferenceRole
        var syntax: Syntax = .url
    }

    /// The table: element → attribute rules that do not depend on other attributes.
    static let rules: [String: [Rule]] = [
        "script": [Rule(attribute: "src", kind: .script, role: .requisite)],
        "img": [
            Rule(attribute: "src", kind: .image, role: .requisite),
            Rule(attribute: "srcset", kind: .image, role: .requisite, syntax: .srcset),
        ],
        "video": [
            Rule(attribute: "src", kind: .media, role: .requisite),
            Rule(attribute: "poster", kind: .image, role: .requisite),
        ],
        "audio": [Rule(attribute: "src", kind: .media, role: .requisite)],
        "track": [Rule(attribute: "src", kind: .track, role: .requisite)],
        "object": [Rule(attribute: "data", kind: .object, role: .requisite)],
        "embed": [Rule(attribute: "src", kind: .object, role: .requisite)],
        "iframe": [Rule(attribute: "src", kind: .frame, role: .requisite)],
        "frame": [Rule(attribute: "src", kind: .frame, role: .requisite)],
        "image": [
            Rule(attribute: "href", kind: .image, role: .requisite),
            Rule(attribute: "xlink:href", kind: .image, role: .requisite),
        ],
        "use": [
            Rule(attribute: "href", kind: .image, role: .requisite),
            Rule(attribute: "xlink:href", kind: .image, role: .requisite),
        ],
        "body": [Rule(attribute: "background", kind: .image, role: .requisite)],
        "table": [Rule(attribute: "background", kind: .image, role: .requisite)],
        "td": [Rule(attribute: "background", kind: .image, role: .requisite)],
        "th": [Rule(attribute: "background", kind: .image, role: .requisite)],
        "a": [Rule(attribute: "href", kind: .page, role: .navigation)],
        "area": [Rule(attribute: "href", kind: .page, role: .navigation)],
    ]

    /// Lazy-loading attributes that scripts turn into real ones: a kind of their own.
    static let lazyRules: [Rule] = [
        Rule(attribute: "data-src", kind: .image, role: .lazy),
        Rule(attribute: "data-srcset", kind: .image, role: .lazy, syntax: .srcset),
    ]

    /// Rules for `link`, decided by its `rel` token list (and `as` for preload).
    static func linkRules(_ attributes: [String: String]) -> [Rule] {
        let rel = Set((attributes["rel"] ?? "").lowercased().split(whereSeparator: \.isWhitespace).map(String.init))
        var rules: [Rule] = []
        if rel.contains("stylesheet") {
            rules.append(Rule(attribute: "href", kind: .stylesheet, role: .requisite))
        } else if !rel.isDisjoint(with: ["icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon"]) {
            rules.append(Rule(attribute: "href", kind: .icon, role: .requisite))
        } else if rel.contains("manifest") {
            rules.append(Rule(attribute: "href", kind: .manifest, role: .requisite))
        } else if rel.contains("preload") {
            let kind = preloadKind(attributes["as"])
            rules.append(Rule(attribute: "href", kind: kind, role: .requisite))
            rules.append(Rule(attribute: "imagesrcset", kind: kind, role: .requisite, syntax: .srcset))
        } else if rel.contains("modulepreload") {
            rules.append(Rule(attribute: "href", kind: .script, role: .requisite))
        } else if rel.contains("prefetch") {
            rules.append(Rule(attribute: "href", kind: .prefetch, role: .requisite))
        } else if !rel.isDisjoint(with: ["preconnect", "dns-prefetch"]) {
            rules.append(Rule(attribute: "href", kind: .other, role: .hint))
        } else if !rel.isEmpty {
            rules.append(Rule(attribute: "href", kind: .other, role: .metadata))
        }
        return rules
    }

    static func preloadKind(_ as: String?) -> AssetKind {
        switch `as`?.lowercased() {
        case "style": return .stylesheet
        case "script": return .script
        case "font": return .font
        case "image": return .image
        case "audio", "video": return .media
        case "track": return .track
        case "document": return .page
        default: return .preload
        }
    }

    /// The rules that apply to one element, table first, then attribute-dependent ones.
    static func classify(element: String, attributes: [String: String]) -> [Rule] {
        var result = rules[element] ?? []
        switch element {
        case "link":
            result += linkRules(attributes)
        case "source":
            // In <picture> a source offers image candidates; in <video>/<audio> it is media.
            result.append(Rule(attribute: "srcset", kind: .image, role: .requisite, syntax: .srcset))
            result.append(Rule(attribute: "src", kind: .media, role: .requisite))
        case "input" where attributes["type"]?.lowercased() == "image":
            result.append(Rule(attribute: "src", kind: .image, role: .requisite))
        case "meta":
            let equiv = attributes["http-equiv"]?.lowercased()
            let name = (attributes["property"] ?? attributes["name"])?.lowercased()
            if equiv == "refresh" {
                result.append(Rule(attribute: "content", kind: .page, role: .navigation, syntax: .refresh))
            } else if let name, ["og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"].contains(name) {
                result.append(Rule(attribute: "content", kind: .image, role: .metadata))
            }
        default:
            break
        }
        if attributes["style"] != nil {
            result.append(Rule(attribute: "style", kind: .image, role: .requisite, syntax: .css))
        }
        for rule in lazyRules where attributes[rule.attribute] != nil { result.append(rule) }
        return result
    }

    /// Extracts every reference from an HTML document.
    ///
    /// - Parameters:
    ///   - html: the document's bytes as received (after content decoding).
    ///   - url: the document's URL; relative references resolve against it or `<base href>`.
    ///   - charset: the charset named by the HTTP `Content-Type`, if any. Without it libxml2
    ///     detects a BOM or `<meta charset>`.
    /// - Returns: references in document order.
    public static func extract(_ html: [UInt8], url: URL, charset: String? = nil) -> [Reference] {
        LibXML.initialize()
        guard !html.isEmpty else { return [] }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_COMPACT.rawValue) | Int32(XML_PARSE_BIG_LINES.rawValue)
        let collected: [RawReference] = html.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                guard let doc = htmlReadMemory(base, Int32(buffer.count), url.absoluteString, charset, options) else {
                    return []
                }
                defer { xmlFreeDoc(doc) }
                return walk(doc)
            }
        }
        // <base href>: the first one with an href, resolved against the document URL.
        var baseURL = url
        if let base = collected.first(where: { $0.isBase }),
           case .url(let resolved) = WebURL.resolve(base.raw, against: url) {
            baseURL = resolved
        }
        var refs: [Reference] = []
        refs.reserveCapacity(collected.count)
        for raw in collected where !raw.isBase {
            refs += raw.references(base: baseURL)
        }
        return refs
    }

    /// A value found during the walk, before resolution (the base URL may come later).
    struct RawReference {
        var element: String
        var rule: Rule
        var raw: String
        var line: Int
        var condition: [String: String]?
        var group: Int?
        var isBase = false

        func references(base: URL) -> [Reference] {
            switch rule.syntax {
            case .url:
                return [ReferenceFactory.make(raw: raw, base: base, element: element, attribute: rule.attribute, line: line,
                                              kind: rule.kind, role: rule.role, condition: condition, candidateGroup: group)]
            case .srcset:
                return Srcset.parse(raw).map { candidate in
                    var cond = condition ?? [:]
                    if let d = candidate.descriptor { cond["descriptor"] = d }
                    return ReferenceFactory.make(raw: candidate.url, base: base, element: element, attribute: rule.attribute,
                                                 line: line, kind: rule.kind, role: rule.role,
                                                 condition: cond.isEmpty ? nil : cond, candidateGroup: group)
                }
            case .css:
                return CSSExtractor.extract(raw, base: base, origin: element == "style" ? .styleElement : .styleAttribute(element: element),
                                            firstLine: line)
            case .refresh:
                guard let target = MetaRefresh.url(in: raw) else { return [] }
                return [ReferenceFactory.make(raw: target, base: base, element: element, attribute: rule.attribute, line: line,
                                              kind: rule.kind, role: rule.role, condition: condition)]
            }
        }
    }

    /// Attributes whose values become a reference's condition.
    static let conditionAttributes = ["media", "type", "sizes", "as", "crossorigin", "rel"]

    static func walk(_ doc: htmlDocPtr) -> [RawReference] {
        var out: [RawReference] = []
        var nextGroup = 0
        // Walk every node, including later roots (content after </html>), without recursion.
        var stack: [xmlNodePtr] = []
        var node = doc.pointee.children
        while let current = node {
            stack.append(current)
            node = current.pointee.next
        }
        stack.reverse()
        while let current = stack.popLast() {
            var child = current.pointee.children
            var children: [xmlNodePtr] = []
            while let c = child {
                children.append(c)
                child = c.pointee.next
            }
            stack.append(contentsOf: children.reversed())

            guard current.pointee.type == XML_ELEMENT_NODE, let namePtr = current.pointee.name else { continue }
            let element = String(cString: namePtr).lowercased()
            let attributes = LibXML.attributes(of: current, in: doc)
            let line = Int(xmlGetLineNo(current))

            if element == "base", let href = attributes["href"] {
                out.append(RawReference(element: "base", rule: Rule(attribute: "href", kind: .other, role: .metadata),
                                        raw: href, line: line, isBase: true))
            }
            if element == "style" {
                let text = LibXML.textContent(of: current)
                let cond = attributes["media"].map { ["media": $0] }
                out.append(RawReference(element: "style", rule: Rule(attribute: "text", kind: .image, role: .requisite, syntax: .css),
                                        raw: text, line: line, condition: cond))
            }
            let applicable = classify(element: element, attributes: attributes)
            if applicable.isEmpty { continue }
            var condition: [String: String] = [:]
            for name in conditionAttributes { if let v = attributes[name] { condition[name] = v } }
            // Alternatives a browser picks one of share a group: an img's src and srcset,
            // a source's srcset, a preload's href and imagesrcset.
            let group: Int?
            if element == "img" || element == "source" || (element == "link" && attributes["imagesrcset"] != nil) {
                nextGroup += 1
                group = nextGroup
            } else {
                group = nil
            }
            for rule in applicable {
                guard let value = attributes[rule.attribute] else { continue }
                out.append(RawReference(element: element, rule: rule, raw: value, line: line,
                                        condition: condition.isEmpty ? nil : condition,
                                        group: rule.kind == .image || rule.syntax == .srcset ? group : nil))
            }
        }
        return out
    }
}

/// Parses the `content` of `<meta http-equiv="refresh">`: `5; url=/next` or `0;URL='x'`.
enum MetaRefresh {
    static func url(in content: String) -> String? {
        var s = Substring(content).drop { $0.isWhitespace }
        s = s.drop { $0.isNumber || $0 == "." }
        s = s.drop { $0.isWhitespace }
        guard s.first == ";" || s.first == "," else { return nil }
        s = s.dropFirst().drop { $0.isWhitespace }
        if s.lowercased().hasPrefix("url") {
            let afterURL = s.dropFirst(3).drop { $0.isWhitespace }
            if afterURL.first == "=" { s = afterURL.dropFirst().drop { $0.isWhitespace } }
        }
        if let q = s.first, q == "\"" || q == "'" {
            s = s.dropFirst()
            if let end = s.firstIndex(of: q) { s = s[..<end] }
        }
        let url = s.trimmingCharacters(in: .whitespaces)
        return url.isEmpty ? nil : url
    }
}
