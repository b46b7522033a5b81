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

    init() {
        outline.elements.reserveCapacity(256)
        names.reserveCapacity(64)
    }
    /// Open elements (indexes into `outline.elements`) and their name's flags, innermost last.
    private var open: [(index: Int, flags: UInt8)] = []
    /// The last child seen of each open element, and of the document (index 0 of this stack).
    private var lastChild: [Int] = [-1]
    /// Depth inside an element whose content is left out (noscript, template), or 0.
    private var inertDepth = 0
    /// Depth inside an element whose text is never rendered (script, style, title, head…).
    private var unrenderedDepth = 0

    /// A name as a String, with what the builder needs to know of it.
    struct Name {
        var string: String
        var flags: UInt8
    }
    static let void: UInt8 = 1, inert: UInt8 = 2, unrendered: UInt8 = 4

    /// Element and attribute names by their libxml2 pointer: the parser interns names in its
    /// dictionary, so one pointer is one name for the whole parse, made into a String (and
    /// classified) once.
    private var names: [UnsafeRawPointer: Name] = [:]

    mutating func name(_ pointer: UnsafePointer<UInt8>) -> Name {
        if let known = names[UnsafeRawPointer(pointer)] { return known }
        let string = String(cString: pointer)
        let made = Name(string: string, flags: Self.flags(of: string))
        names[UnsafeRawPointer(pointer)] = made
        return made
    }

    static let html4UnknownVoids: Set<String> = ["source", "track", "wbr"]
    static let inertElements: Set<String> = ["noscript", "template"]
    static let unrenderedElements: Set<String> = ["head", "script", "style", "title", "textarea", "select", "option"]

    /// What the three sets say of a name. Every element and attribute name of a page is asked
    /// once per parse: names whose first letter starts none of the twelve skip the lookups.
    static func flags(of name: String) -> UInt8 {
        switch name.utf8.first {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "w"), UInt8(ascii: "n"), UInt8(ascii: "h"), UInt8(ascii: "o"): break
        default: return 0
        }
        var flags: UInt8 = 0
        if html4UnknownVoids.contains(name) { flags |= void }
        if inertElements.contains(name) { flags |= inert }
        if unrenderedElements.contains(name) { flags |= unrendered }
        return flags
    }

    mutating func start(_ namePointer: UnsafePointer<UInt8>, _ attributes: SAXAttributes) {
        let name = self.name(namePointer)
        if inertDepth > 0 || name.flags & Self.inert != 0 {
            if name.flags & Self.void == 0 { inertDepth += 1 }
            return
        }
        // Appended first and filled in place: appending a finished element copied it (a
        // retain per string) and destroyed the original.
        let index = outline.elements.count
        outline.elements.append(OutlineElement(name: name.string, parent: open.last?.index ?? -1,
                                               previousSibling: lastChild[lastChild.count - 1]))
        if var entry = attributes.list {
            while let pointer = entry.pointee {
                let key = self.name(pointer).string
                let value = (entry + 1).pointee.map { String(cString: $0) } ?? ""
                switch key {
                case "id": outline.elements[index].id = value
                case "class": outline.elements[index].classes = value.utf8.split(whereSeparator: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) })
                    .compactMap { String($0) }
                case "style": break
                default:
                    // Two appends, not `+= [key, value]`: that built an array per attribute.
                    outline.elements[index].attributes.append(key)
                    outline.elements[index].attributes.append(value)
                }
                entry += 2
            }
        }
        lastChild[lastChild.count - 1] = index
        if name.flags & Self.void != 0 { return }
        open.append((index, name.flags))
        lastChild.append(-1)
        if name.flags & Self.unrendered != 0 { unrenderedDepth += 1 }
    }

    mutating func end(_ namePointer: UnsafePointer<UInt8>) {
        let name = self.name(namePointer)
        if name.flags & Self.void != 0 { return }
        if inertDepth > 0 {
            inertDepth -= 1
            return
        }
        guard let top = open.popLast() else { return }
        lastChild.removeLast()
        if top.flags & Self.unrendered != 0 { unrenderedDepth = max(0, unrenderedDepth - 1) }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard inertDepth == 0, unrenderedDepth == 0, let index = open.last?.index, !outline.elements[index].hasText else { return }
        if bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0x0C }) {
            outline.elements[index].hasText = true
        }
    }
}
