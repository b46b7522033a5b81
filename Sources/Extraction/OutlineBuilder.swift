internal import CLibXML2
internal import CrawlModel

/// Builds a page's ``DocumentOutline`` from the same SAX events the reference walk gets.
///
/// libxml2 2.9 is an HTML4 parser: it does not know HTML5's void elements `source`, `track`
/// and `wbr` and nests the following siblings inside them. Those are closed at once here and
/// their late end tags ignored, so `picture > img` and sibling selectors see the HTML5 tree.
/// The content of `<noscript>` and `<template>` is left out: with scripting on a browser
/// never makes elements of it.
struct OutlineBuilder {
    private(set) var outline = DocumentOutline()
    /// Open elements (indexes into `outline.elements`), innermost last.
    private var open: [Int] = []
    /// The last child seen of each open element, and of the document (index 0 of this stack).
    private var lastChild: [Int] = [-1]
    /// Depth inside an element whose content is left out (noscript, template), or 0.
    private var inertDepth = 0
    /// Depth inside an element whose text is never rendered (script, style, title, head…).
    private var unrenderedDepth = 0

    /// Element and attribute names by their libxml2 pointer: the parser interns names in its
    /// dictionary, so one pointer is one name for the whole parse, made into a String once.
    private var names: [UnsafeRawPointer: String] = [:]

    mutating func name(_ pointer: UnsafePointer<UInt8>) -> String {
        if let known = names[UnsafeRawPointer(pointer)] { return known }
        let made = String(cString: pointer)
        names[UnsafeRawPointer(pointer)] = made
        return made
    }

    static let html4UnknownVoids: Set<String> = ["source", "track", "wbr"]
    static let inertElements: Set<String> = ["noscript", "template"]
    static let unrenderedElements: Set<String> = ["head", "script", "style", "title", "textarea", "select", "option"]

    mutating func start(_ namePointer: UnsafePointer<UInt8>, _ attributes: SAXAttributes) {
        let name = self.name(namePointer)
        if inertDepth > 0 || Self.inertElements.contains(name) {
            if !Self.html4UnknownVoids.contains(name) { inertDepth += 1 }
            return
        }
        var element = OutlineElement(name: name, parent: open.last ?? -1, previousSibling: lastChild[lastChild.count - 1])
        attributes.forEach(name: { self.name($0) }) { key, value in
            switch key {
            case "id": element.id = value
            case "class": element.classes = value.split(whereSeparator: isHTMLSpace).map(String.init)
            case "style": break
            default: element.attributes[key] = value
            }
        }
        let index = outline.elements.count
        outline.elements.append(element)
        lastChild[lastChild.count - 1] = index
        if Self.html4UnknownVoids.contains(name) { return }
        open.append(index)
        lastChild.append(-1)
        if Self.unrenderedElements.contains(name) { unrenderedDepth += 1 }
    }

    mutating func end(_ namePointer: UnsafePointer<UInt8>) {
        let name = self.name(namePointer)
        if Self.html4UnknownVoids.contains(name) { return }
        if inertDepth > 0 {
            inertDepth -= 1
            return
        }
        guard let index = open.popLast() else { return }
        lastChild.removeLast()
        if Self.unrenderedElements.contains(outline.elements[index].name) { unrenderedDepth = max(0, unrenderedDepth - 1) }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard inertDepth == 0, unrenderedDepth == 0, let index = open.last, !outline.elements[index].hasText else { return }
        if bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0x0C }) {
            outline.elements[index].hasText = true
        }
    }
}

extension SAXAttributes {
    /// Calls `body` with every attribute's name (made by `name`) and value (a valueless one reads as "").
    func forEach(name: (UnsafePointer<UInt8>) -> String, _ body: (String, String) -> Void) {
        guard var entry = list else { return }
        while let pointer = entry.pointee {
            body(name(pointer), (entry + 1).pointee.map { String(cString: $0) } ?? "")
            entry += 2
        }
    }
}
