internal import CrawlModel

extension HTMLExtractor {
    /// How an attribute's value holds URLs.
    enum Syntax: Sendable { case url, srcset, css, refresh, srcdoc }

    /// One row of the table: an attribute of an element, what it points at and why it matters.
    struct Rule: Sendable {
        var attribute: String
        var kind: AssetKind
        var role: ReferenceRole
        var syntax: Syntax = .url
        /// Part of a set of alternatives of which a browser fetches one (`img src` and `srcset`,
        /// the `source`s of a `picture` or `video`).
        var grouped = false
    }

    /// Elements that change how their descendants are read.
    enum Context: Sendable {
        /// `<template>`: its content is inert, fetched only once a script clones it.
        case template
        /// `<noscript>`: fetched by a browser only when scripting is disabled.
        case noscript
        /// `<svg>`: `a` and `script` take `href`/`xlink:href`.
        case svg
        /// `<picture>`: its `source`s and its `img` are image alternatives.
        case picture
        /// `<video>`, `<audio>`: their `src` and their `source`s are media alternatives.
        case media
    }

    /// What the walk does with an element it knows.
    struct ElementSpec: Sendable {
        /// Rules that apply whatever the other attributes say.
        var rules: [Rule] = []
        /// A context the element opens for its descendants.
        var context: Context? = nil
        /// Rules that depend on other attributes (`link rel`, `meta name`, `input type`).
        var special: Special? = nil
    }

    enum Special: Sendable { case link, meta, input, base, style, svgOnlyHref, source }

    /// The table: every element that names a URL, and the elements that open a context.
    /// Any element's `style`, `data-src` and `data-srcset` are handled for all elements.
    static let elements: [String: ElementSpec] = [
        "script": ElementSpec(rules: [Rule(attribute: "src", kind: .script, role: .requisite)], special: .svgOnlyHref),
        "img": ElementSpec(rules: [
            Rule(attribute: "src", kind: .image, role: .requisite, grouped: true),
            Rule(attribute: "srcset", kind: .image, role: .requisite, syntax: .srcset, grouped: true),
        ]),
        "source": ElementSpec(special: .source),
        "picture": ElementSpec(context: .picture),
        "video": ElementSpec(rules: [
            Rule(attribute: "src", kind: .media, role: .requisite, grouped: true),
            Rule(attribute: "poster", kind: .image, role: .requisite),
        ], context: .media),
        "audio": ElementSpec(rules: [Rule(attribute: "src", kind: .media, role: .requisite, grouped: true)],
                             context: .media),
        "track": ElementSpec(rules: [Rule(attribute: "src", kind: .track, role: .requisite)]),
        "object": ElementSpec(rules: [Rule(attribute: "data", kind: .object, role: .requisite)]),
        "embed": ElementSpec(rules: [Rule(attribute: "src", kind: .object, role: .requisite)]),
        "iframe": ElementSpec(rules: [
            Rule(attribute: "src", kind: .frame, role: .requisite),
            Rule(attribute: "srcdoc", kind: .frame, role: .requisite, syntax: .srcdoc),
        ]),
        "frame": ElementSpec(rules: [Rule(attribute: "src", kind: .frame, role: .requisite)]),
        // SVG: libxml2's HTML parser keeps `xlink:href` as a plain attribute of that name.
        // `<image src>` outside SVG is what the HTML parser turns into `<img src>`.
        "image": ElementSpec(rules: [
            Rule(attribute: "href", kind: .image, role: .requisite),
            Rule(attribute: "xlink:href", kind: .image, role: .requisite),
            Rule(attribute: "src", kind: .image, role: .requisite),
        ]),
        "feimage": ElementSpec(rules: [
            Rule(attribute: "href", kind: .image, role: .requisite),
            Rule(attribute: "xlink:href", kind: .image, role: .requisite),
        ]),
        "use": ElementSpec(rules: [
            Rule(attribute: "href", kind: .image, role: .requisite),
            Rule(attribute: "xlink:href", kind: .image, role: .requisite),
        ]),
        "body": ElementSpec(rules: [Rule(attribute: "background", kind: .image, role: .requisite)]),
        "table": ElementSpec(rules: [Rule(attribute: "background", kind: .image, role: .requisite)]),
        "td": ElementSpec(rules: [Rule(attribute: "background", kind: .image, role: .requisite)]),
        "th": ElementSpec(rules: [Rule(attribute: "background", kind: .image, role: .requisite)]),
        "input": ElementSpec(special: .input),
        "a": ElementSpec(rules: [Rule(attribute: "href", kind: .page, role: .navigation)], special: .svgOnlyHref),
        "area": ElementSpec(rules: [Rule(attribute: "href", kind: .page, role: .navigation)]),
        "link": ElementSpec(special: .link),
        "meta": ElementSpec(special: .meta),
        "base": ElementSpec(special: .base),
        "style": ElementSpec(special: .style),
        "template": ElementSpec(context: .template),
        "noscript": ElementSpec(context: .noscript),
        "svg": ElementSpec(context: .svg),
    ]

    /// Lazy-loading attributes that scripts turn into real ones: a role of their own, on any element.
    static let lazyRules: [Rule] = [
        Rule(attribute: "data-src", kind: .image, role: .lazy, grouped: true),
        Rule(attribute: "data-srcset", kind: .image, role: .lazy, syntax: .srcset, grouped: true),
    ]

    static let styleRule = Rule(attribute: "style", kind: .image, role: .requisite, syntax: .css)

    /// Attributes whose values become a reference's condition.
    /// (Read in `Attributes.isCondition(_:)`.)
    static let conditionAttributes = ["media", "type", "sizes", "imagesizes", "as", "crossorigin", "rel", "loading", "preload"]

    /// Rules for `link`, decided by its `rel` token list (and `as` for preload).
    static func linkRules(_ attributes: Attributes) -> [Rule] {
        let rel = relTokens(attributes["rel"] ?? "")
        if rel.contains("stylesheet") {
            // `alternate stylesheet` too: browsers download alternates, at a low priority.
            return [Rule(attribute: "href", kind: .stylesheet, role: .requisite)]
        }
        if rel.contains(where: { ["icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon",
                                 "apple-touch-startup-image", "fluid-icon"].contains($0) }) {
            return [Rule(attribute: "href", kind: .icon, role: .requisite)]
        }
        if rel.contains("manifest") {
            return [Rule(attribute: "href", kind: .manifest, role: .requisite)]
        }
        if rel.contains("preload") {
            // Without a valid `as` a browser does not fetch a preload (Fetch's "potential destination").
            guard let kind = preloadKind(attributes["as"]) else {
                return [Rule(attribute: "href", kind: .preload, role: .hint)]
            }
            let grouped = attributes["imagesrcset"] != nil
            return [Rule(attribute: "href", kind: kind, role: .requisite, grouped: grouped),
                    Rule(attribute: "imagesrcset", kind: kind, role: .requisite, syntax: .srcset, grouped: grouped)]
        }
        if rel.contains("modulepreload") {
            return [Rule(attribute: "href", kind: .script, role: .requisite)]
        }
        if rel.contains("prefetch") {
            return [Rule(attribute: "href", kind: .prefetch, role: .requisite)]
        }
        if rel.contains("preconnect") || rel.contains("dns-prefetch") {
            return [Rule(attribute: "href", kind: .other, role: .hint)]
        }
        if !rel.isEmpty {
            // canonical, alternate, next, author…: URLs, but nothing a browser fetches.
            return [Rule(attribute: "href", kind: .other, role: .metadata)]
        }
        return []
    }

    /// The kind a `<link rel=preload as=…>` fetches, or nil when `as` is missing or invalid.
    static func preloadKind(_ as: String?) -> AssetKind? {
        switch `as`?.trimmingASCIIWhitespace().lowercased() {
        case "style": return .stylesheet
        case "script", "worker", "sharedworker", "serviceworker", "audioworklet", "paintworklet": return .script
        case "font": return .font
        case "image": return .image
        case "audio", "video": return .media
        case "track": return .track
        case "document": return .page
        case "embed", "object": return .object
        case "manifest": return .manifest
        case "fetch", "xslt", "report", "webidentity": return .preload
        default: return nil
        }
    }

    static let metadataImageNames: Set<String> = [
        "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src",
        "msapplication-tileimage", "msapplication-square70x70logo", "msapplication-square150x150logo",
        "msapplication-wide310x150logo", "msapplication-square310x310logo",
    ]

    /// The rules of an element: the table's, then the ones that depend on other attributes.
    static func rules(for spec: ElementSpec, attributes: Attributes, inSVG: Bool, inPicture: Bool) -> [Rule] {
        var result = spec.rules
        switch spec.special {
        case .link?:
            result += linkRules(attributes)
        case .source?:
            // In <picture> a source offers image candidates; in <video>/<audio> it is media.
            result.append(Rule(attribute: "srcset", kind: .image, role: .requisite, syntax: .srcset, grouped: true))
            result.append(Rule(attribute: "src", kind: inPicture ? .image : .media, role: .requisite, grouped: true))
        case .input?:
            if attributes["type"]?.trimmingASCIIWhitespace().lowercased() == "image" {
                result.append(Rule(attribute: "src", kind: .image, role: .requisite))
            }
        case .meta?:
            let equiv = attributes["http-equiv"]?.trimmingASCIIWhitespace().lowercased()
            let name = (attributes["property"] ?? attributes["name"])?.trimmingASCIIWhitespace().lowercased()
            if equiv == "refresh" {
                result.append(Rule(attribute: "content", kind: .page, role: .navigation, syntax: .refresh))
            } else if let name, metadataImageNames.contains(name) {
                result.append(Rule(attribute: "content", kind: .image, role: .metadata))
            }
        case .svgOnlyHref? where inSVG:
            // SVG's <script href> and <a href>/<a xlink:href>.
            let first = spec.rules[0]
            for name in ["href", "xlink:href"] where !result.contains(where: { $0.attribute == name }) {
                result.append(Rule(attribute: name, kind: first.kind, role: first.role))
            }
        default:
            break
        }
        return result
    }
}

/// The lowercased tokens of a `rel` value. Every `<link>` of a page asks: an ASCII value
/// (nearly all) is split and lowercased byte by byte, with no Character-level split or Set.
func relTokens(_ value: String) -> [String] {
    guard value.utf8.allSatisfy({ $0 < 0x80 }) else {
        return value.lowercased().split(whereSeparator: isHTMLSpace).map(String.init)
    }
    let lower = value.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? value.lowercased() : value
    return lower.utf8.split(whereSeparator: isHTMLSpaceByte).map { String(Substring($0)) }
}

/// HTML's "ASCII whitespace", as a UTF-8 byte.
func isHTMLSpaceByte(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C
}

/// HTML's "ASCII whitespace".
func isHTMLSpace(_ c: Character) -> Bool {
    c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" || c == "\u{0C}"
}
