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

    /// Attributes of an element, names lowercased, entities decoded; the first of duplicates wins.
    static func attributes(of node: xmlNodePtr, in doc: htmlDocPtr) -> [String: String] {
        var result: [String: String] = [:]
        var attr = node.pointee.properties
        while let a = attr {
            defer { attr = a.pointee.next }
            guard let namePtr = a.pointee.name else { continue }
            var name = String(cString: namePtr).lowercased()
            if let ns = a.pointee.ns, let prefix = ns.pointee.prefix {
                name = String(cString: prefix).lowercased() + ":" + name
            }
            guard result[name] == nil else { continue }
            if let valuePtr = xmlNodeListGetString(doc, a.pointee.children, 1) {
                result[name] = String(cString: valuePtr)
                assetcrawl_xmlFree(valuePtr)
            } else {
                result[name] = ""
            }
        }
        return result
    }

    /// The text content of a node and its descendants.
    static func textContent(of node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { assetcrawl_xmlFree(content) }
        return String(cString: content)
    }
}
