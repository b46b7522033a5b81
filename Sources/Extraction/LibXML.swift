internal import CLibXML2

/// The few libxml2 calls the extractors share, with pointers kept inside.
enum LibXML {
    /// `xmlInitParser()` once per process, before any parse on any thread, and a structured
    /// error handler so that nothing reaches stderr.
    static let initialized: Void = {
        xmlInitParser()
        assetcrawl_silenceErrors()
    }()

    static func initialize() {
        _ = initialized
        // The structured error handler is per thread in libxml2 2.9.
        assetcrawl_silenceErrors()
    }

    /// The options every parse uses: recover from anything, never touch the network, stay quiet.
    /// `XML_PARSE_HUGE` lifts the 256-element depth limit: without it libxml2 stops the whole
    /// parse at the 257th unclosed `<div>` or `<font>` and every later reference is lost, where a
    /// browser keeps going. Bodies are bounded by the fetcher, so the other lifted limits (text
    /// and name lengths) cost nothing here.
    static let htmlOptions = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
        | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_COMPACT.rawValue)
        | Int32(XML_PARSE_BIG_LINES.rawValue) | Int32(XML_PARSE_HUGE.rawValue)

    /// Parses `bytes` into a libxml2 tree and hands it to `body`; the tree is freed after.
    /// Extraction itself uses the SAX parse (`withSAXParse`); this is the benchmark's baseline.
    ///
    /// - Parameters:
    ///   - encoding: an iconv name, or nil to let libxml2 detect a BOM or `<meta charset>`.
    /// - Returns: nil when libxml2 could not create a document at all.
    static func withHTMLDocument<R>(
        _ bytes: UnsafeBufferPointer<UInt8>, url: String?, encoding: String?, _ body: (htmlDocPtr) -> R
    ) -> R? {
        guard let base = bytes.baseAddress, bytes.count > 0, bytes.count <= Int(Int32.max) else { return nil }
        let doc = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            htmlReadMemory($0, Int32(bytes.count), url, encoding, htmlOptions)
        }
        guard let doc else { return nil }
        defer { xmlFreeDoc(doc) }
        return body(doc)
    }
}

/// An element's attributes: a short list searched linearly (faster than a dictionary for the
/// handful an element has); the first of duplicate names wins.
struct Attributes {
    /// The attributes extraction reads; others (`class`, `title`, `alt`…) are not copied, except
    /// the rare one that shares a length and first byte with one of these.
    static let used: Set<String> = [
        "src", "srcset", "href", "xlink:href", "rel", "as", "type", "media", "sizes", "imagesizes", "imagesrcset",
        "crossorigin", "loading", "poster", "data", "background", "content", "http-equiv", "name", "property",
        "style", "data-src", "data-srcset", "srcdoc", "preload",
    ]

    /// `usedShapes[length][firstByte]`: some used name has that length and first byte.
    static let usedShapes: [[Bool]] = {
        var shapes = Array(repeating: Array(repeating: false, count: 256), count: (used.map(\.utf8.count).max() ?? 0) + 1)
        for name in used { shapes[name.utf8.count][Int(name.utf8.first!)] = true }
        return shapes
    }()

    /// (name, value) pairs in document order: one small allocation per element.
    private(set) var pairs: [(name: String, value: String)] = []

    mutating func append(name: String, value: String) {
        if pairs.isEmpty { pairs.reserveCapacity(4) }
        pairs.append((name, value))
    }

    subscript(name: String) -> String? {
        for pair in pairs where pair.name == name { return pair.value }
        return nil
    }

    /// The attributes that are conditions of the references an element makes (`media`,
    /// `type`, `sizes`…), found in one pass over the element's few attributes.
    func conditions(into condition: inout [String: String]) {
        for pair in pairs where Self.isCondition(pair.name) && condition[pair.name] == nil {
            condition[pair.name] = pair.value
        }
    }

    static func isCondition(_ name: String) -> Bool {
        switch name {
        case "media", "type", "sizes", "imagesizes", "as", "crossorigin", "rel", "loading", "preload": return true
        default: return false
        }
    }
}
